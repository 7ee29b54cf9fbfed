#include "PlatformJob.h"

#include "JobKinds.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace lb {

NewJob platformJob(const QString &kind, const QString &recordKey, const QString &platformId,
                   const QByteArray &hash)
{
    NewJob job;
    job.kind = kind;
    job.target = JobTarget::Platform;
    job.recordKey = recordKey;
    job.idempotencyKey = jobs::idempotencyKey(kind, recordKey, QString::fromLatin1(hash));
    job.payload = QJsonDocument(QJsonObject {{QStringLiteral("key"), recordKey.section(u':', 1)},
                                             {QStringLiteral("platform_id"), platformId}})
                      .toJson(QJsonDocument::Compact);
    job.supersedesPending = true;
    return job;
}

const QString &agentWriteKind(const MirrorRecord &record, const QJsonObject &planned)
{
    const QString active = QStringLiteral("active");
    const bool deactivates = record.existsOnPlatform()
        && record.platformState.value(active).toBool(true) && !planned.value(active).toBool(true);
    return deactivates ? jobs::PlatformAgentDeactivate : jobs::PlatformAgentPut;
}

} // namespace lb
