#include "PlatformDeletion.h"

#include "JobKinds.h"
#include "MirrorObservation.h"
#include "SalesforceState.h"

#include <QJsonDocument>

namespace lb {

std::optional<NewJob> salesforceDeletionJob(MirrorRecord &tombstone, const QString &action,
                                            const ObjectMapping &mapping)
{
    if (!tombstone.isDeleted() || tombstone.deletedOn != QLatin1String("platform")
        || tombstone.salesforceId.isEmpty() || action == QLatin1String("ignore"))
        return std::nullopt;
    NewJob close;
    close.kind = action == QLatin1String("delete_in_salesforce") ? jobs::SalesforceLeadDelete
                                                                 : jobs::SalesforceLeadClose;
    close.target = JobTarget::Salesforce;
    close.recordKey = QStringLiteral("lead:") + tombstone.platformId;
    close.idempotencyKey
        = jobs::idempotencyKey(close.kind, close.recordKey, QString::number(tombstone.deletedAt));
    close.payload
        = QJsonDocument(QJsonObject {{QStringLiteral("platform_id"), tombstone.platformId},
                                     {QStringLiteral("salesforce_id"), tombstone.salesforceId}})
              .toJson(QJsonDocument::Compact);
    close.supersedesPending = true;
    tombstone.syncState = QStringLiteral("pending");
    if (close.kind == jobs::SalesforceLeadClose) {
        // The tombstone's Salesforce side is what the close writes (the job is retried until
        // it lands): a restore on the platform then takes that status and eligibility, also
        // when the close's echo is never read (the stream skips our own changes).
        observeSalesforce(tombstone,
                          SalesforceState::apply(tombstone.salesforceState,
                                                 SalesforceState::closedFields(), mapping),
                          0);
    }
    return close;
}

NewJob recreatedRecordDeletion(const QString &platformId, const QString &salesforceId)
{
    NewJob job;
    job.kind = jobs::SalesforceLeadDelete;
    job.target = JobTarget::Salesforce;
    job.recordKey = QStringLiteral("lead:") + platformId;
    job.idempotencyKey = jobs::idempotencyKey(job.kind, job.recordKey,
                                              QStringLiteral("recreated:") + salesforceId);
    job.payload = QJsonDocument(QJsonObject {{QStringLiteral("platform_id"), platformId},
                                             {QStringLiteral("salesforce_id"), salesforceId}})
                      .toJson(QJsonDocument::Compact);
    return job;
}

} // namespace lb
