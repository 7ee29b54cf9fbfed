#pragma once

#include "BoundQuery.h"
#include "CsvReader.h"
#include "DmlEngine.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <memory>

namespace lb::sandbox {

class ObjectDef;

// Bulk API 2.0 job states (SALESFORCE_API.md 7.1): Open -> UploadComplete -> InProgress ->
// JobComplete | Failed, and Aborted from any state before the end. Query jobs start at
// UploadComplete.
enum class BulkState { Open, UploadComplete, InProgress, JobComplete, Failed, Aborted };

QString bulkStateName(BulkState state);
bool isTerminal(BulkState state);

// The CSV dialect a job was created with: its column delimiter and line ending.
struct BulkDialect
{
    QString delimiterName = QStringLiteral("COMMA");
    QChar delimiter = u',';
    QString lineEnding = QStringLiteral("LF");

    QByteArray newline() const { return lineEnding == u"CRLF" ? "\r\n" : "\n"; }
};

// One ingest or query job with what it was given and what it produced. Ingest rows are
// processed in chunks from `next`; what was never reached is the unprocessed set.
struct BulkJob
{
    QString id;
    bool isQuery = false;
    QString operation; // insert, update, upsert, delete | query, queryAll
    const ObjectDef *object = nullptr;
    QString externalIdField; // upserts
    int keyFieldIndex = -1;
    BulkDialect dialect;
    int apiVersion = 0;
    qint64 createdMs = 0;
    qint64 modstampMs = 0;
    qint64 processingMs = 0;
    BulkState state = BulkState::Open;
    WriteContext writer;
    QString errorMessage; // Failed
    bool failDrawn = false; // the whole-job fault was drawn for this job
    bool failWhole = false;

    // Ingest.
    bool uploaded = false;
    QByteArray upload;
    bool parsed = false;
    QByteArray rawHeader; // the uploaded header line, echoed verbatim in results
    QStringList header;
    QList<CsvReader::Row> rows; // data rows, after parsing
    qsizetype next = 0;
    QByteArray successful; // result rows, header added when served
    QByteArray failed;
    qint64 processed = 0;
    qint64 failedCount = 0;

    // Query.
    QString soql;
    std::shared_ptr<const BoundQuery> query;
    QList<QByteArray> resultRows; // rendered CSV rows with line endings, snapshot at completion
    QByteArray resultHeader;
};

} // namespace lb::sandbox
