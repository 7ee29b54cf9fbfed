#include "MirrorObservation.h"

#include "ChangeTime.h"
#include "SyncPlanner.h"

namespace lb {

void observeSalesforce(MirrorRecord &record, const QJsonObject &state, qint64 modstamp)
{
    record.salesforceState = state;
    record.salesforceHash = SyncPlanner::hashOf(state);
    record.salesforceModstamp = std::max(record.salesforceModstamp, modstamp);
}

void observePlatform(MirrorRecord &record, const QJsonObject &view, qint64 updatedAt,
                     qint64 version)
{
    record.platformState = view;
    record.platformHash = SyncPlanner::hashOf(view);
    record.platformUpdatedAt = updatedAt;
    record.platformVersion = version;
}

void observePlatformLead(MirrorRecord &record, const QJsonObject &view, const QJsonObject &lead)
{
    observePlatform(record, view,
                    parseTimestampMs(lead.value(QStringLiteral("updated_at")).toString()),
                    lead.value(QStringLiteral("version")).toInteger());
}

void observeDeletion(MirrorRecord &record, const QString &side, qint64 at)
{
    if (record.isDeleted())
        return;
    record.deletedAt = std::max<qint64>(at, 1);
    record.deletedOn = side;
}

bool observeRestore(MirrorRecord &record, const QString &side)
{
    if (!record.isDeleted())
        return true;
    if (record.deletedOn != side)
        return false;
    record.deletedAt = 0;
    record.deletedOn.clear();
    record.mergedInto.clear();
    return true;
}

void observeDeletedInSalesforce(MirrorRecord &record)
{
    if (record.isDeleted())
        record.deletedOn = QStringLiteral("salesforce");
}

} // namespace lb
