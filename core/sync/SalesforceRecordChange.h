#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

namespace lb {

// One change of a Salesforce record (a Lead or a People__c) as the intake takes it, whichever
// source read it: a poll page (queryAll, so deletions come too), the records a change-stream
// run names, read back by Id, or the rows of a Bulk query job. Decoded once, here: the
// processors read the typed fields, and the record as read stays with it for the mapping.
struct SalesforceRecordChange
{
    QString origin; // "poll" | "stream" | "bulk"
    QString id; // the record's Id (18 characters when Salesforce sent it)
    qint64 modstamp = 0; // SystemModstamp, epoch ms
    bool deleted = false; // IsDeleted: in the Recycle Bin
    QString masterRecordId; // set on a lead merged away into this one
    QJsonObject fields; // the record as read (every polled field, mapped ones included)

    static SalesforceRecordChange fromRecord(const QJsonObject &record, const QString &origin);
    static QList<SalesforceRecordChange> fromRecords(const QList<QJsonObject> &records,
                                                     const QString &origin);
};

} // namespace lb
