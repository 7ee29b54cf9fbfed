#pragma once

#include "sync/SalesforceRecordChange.h"

// Records as a Salesforce poll page hands them to the change processor.
inline QList<lb::SalesforceRecordChange> polled(const QList<QJsonObject> &records)
{
    return lb::SalesforceRecordChange::fromRecords(records, QStringLiteral("poll"));
}
