#pragma once

#include "CsvReader.h"
#include "mapping/FieldMapping.h"

#include <QJsonObject>
#include <QMetaType>

#include <atomic>
#include <functional>

namespace lb {

class RecordMapper;
class Store;

struct ImportIssue
{
    int line = 0; // 0 = the file as a whole
    QString field; // target field or CSV column, when known
    QString message;
};

// What a pass over the file found: rows, valid rows, the problems (the first MaxIssues of
// them in full), and the first rows as read, for the preview.
struct ImportReport
{
    static constexpr int MaxIssues = 5000;
    static constexpr int SampleRows = 200;

    struct SampleRow
    {
        int line = 0;
        QStringList fields;
        bool valid = false;
    };

    QString fileName;
    QString fileHash; // SHA-256, hex
    QStringList header;
    QStringList columnFields; // target field per CSV column; "" = ignored
    int rows = 0;
    int validRows = 0;
    int issueCount = 0; // all of them, also past MaxIssues
    QList<ImportIssue> issues;
    QList<SampleRow> sample;
    QString fileError; // the file cannot be imported at all (broken quoting, mapping)
    QStringList notes; // things worth knowing that are not errors

    bool canImport() const { return fileError.isEmpty() && validRows > 0; }
};

struct ImportOutcome
{
    int delivered = 0; // new inbound events stored
    int duplicates = 0; // rows imported before (same file, same row)
    int skipped = 0; // invalid rows left out
    bool dryRun = false;
    // More valid rows than sync.bulk_threshold: the engine sends them through a Bulk API job,
    // whose progress the ImportWorker follows (bulkProgress, bulkFinished).
    bool bulk = false;
};

// Leads from a CSV file, delivered through the sync queue: each valid row becomes an inbound
// event (source "import", id "import:<file hash>:<row>", shaped like a webhook body) that the
// engine's InboundProcessor maps, validates again and sends to Salesforce like any platform
// change. Importing the same file again stores nothing twice.
//
// The file is kept as bytes and read again on each pass, so memory stays near the file's size
// whatever the number of rows. Columns are matched to lead fields by their header (aliases
// such as "Last Name", "Surname", "E-mail"); every row is checked with the field mapping's own
// rules (RecordMapper), plus types, picklist values, duplicate ids and column counts.
class ImportPlan
{
public:
    using Progress = std::function<void(int done, int total)>;

    // The platform lead fields a column can fill.
    static const QStringList &targetFields();
    // The field a header names ("E-mail" -> "email"), or "".
    static QString fieldForHeader(const QString &header);

    static Result<ImportPlan> fromBytes(QByteArray data, const QString &fileName,
                                        CsvReader::Limits limits = {});
    static Result<ImportPlan> fromFile(const QString &path);

    const QStringList &header() const { return m_header; }
    const QStringList &columnFields() const { return m_columnFields; }
    // One target field (or "") per column; wrong length or a field used twice is an error.
    Result<void> setColumnFields(const QStringList &fields);
    void autoMap();
    QString fileHash() const { return m_hash; }

    ImportReport analyse(const ObjectMapping &leadMapping, const Progress &progress = {},
                         const std::atomic_bool *cancel = nullptr) const;

    // Stores the valid rows as inbound events (or, for a dry run, only counts them).
    Result<ImportOutcome> deliver(Store &store, const ObjectMapping &leadMapping, qint64 nowMs,
                                  bool dryRun, const Progress &progress = {},
                                  const std::atomic_bool *cancel = nullptr) const;

    static QString eventId(const QString &fileHash, int row);

private:
    struct Row
    {
        QJsonObject lead;
        QList<ImportIssue> issues;
    };
    Row buildRow(const CsvRecord &record, int dataRow, const RecordMapper &mapper,
                 QSet<QString> &seenIds, QHash<QString, int> &idLines) const;
    QString mappingError() const;

    QByteArray m_data;
    CsvReader::Limits m_limits;
    QString m_fileName;
    QString m_hash;
    QStringList m_header;
    QStringList m_columnFields;
};

} // namespace lb

Q_DECLARE_METATYPE(lb::ImportReport)
Q_DECLARE_METATYPE(lb::ImportOutcome)
