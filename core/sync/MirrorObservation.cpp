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

} // namespace lb
