#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QStringList>

namespace lb::salesforce {

// Builds the CSV of a Bulk API 2.0 upload: comma separated, LF line endings, a header of API
// names. A value is quoted when it needs it (delimiter, quote, line break, edge spaces); a JSON
// null is written as #N/A (Salesforce sets the field to null), an absent key as an empty value
// (the field is left as it is). A nested relationship object
// {"Assigned_Agent__r": {"Platform_Agent_Id__c": "A-1"}} becomes the column
// Assigned_Agent__r.Platform_Agent_Id__c.
class BulkCsvWriter
{
public:
    explicit BulkCsvWriter(QStringList columns);

    // The columns of these records in first-seen order, each record's keys in QJsonObject's
    // (sorted) order ("attributes" left out).
    static QStringList columnsOf(const QList<QJsonObject> &records);
    static QByteArray write(const QList<QJsonObject> &records);

    void addRecord(const QJsonObject &record);
    const QByteArray &data() const { return m_data; }
    qsizetype rowCount() const { return m_rows; }

    static QString valueText(const QJsonValue &value);
    static void appendField(QByteArray &out, QStringView text);

private:
    QStringList m_columns;
    QByteArray m_data;
    qsizetype m_rows = 0;
};

} // namespace lb::salesforce
