#include "SalesforceRecordChange.h"

#include "ChangeTime.h"

namespace lb {

SalesforceRecordChange SalesforceRecordChange::fromRecord(const QJsonObject &record,
                                                          const QString &origin)
{
    SalesforceRecordChange c;
    c.origin = origin;
    c.id = record.value(QStringLiteral("Id")).toString();
    c.modstamp = parseTimestampMs(record.value(QStringLiteral("SystemModstamp")).toString());
    c.deleted = record.value(QStringLiteral("IsDeleted")).toBool();
    c.masterRecordId = record.value(QStringLiteral("MasterRecordId")).toString();
    c.fields = record;
    return c;
}

QList<SalesforceRecordChange> SalesforceRecordChange::fromRecords(const QList<QJsonObject> &records,
                                                                  const QString &origin)
{
    QList<SalesforceRecordChange> changes;
    changes.reserve(records.size());
    for (const QJsonObject &record : records)
        changes.append(fromRecord(record, origin));
    return changes;
}

} // namespace lb
