#pragma once

#include "BulkJob.h"
#include "util/Result.h"

namespace lb::sandbox {

class SandboxOrg;

// Writes the rows of an ingest job through the DmlEngine, one at a time, and appends each
// outcome to the job's successful or failed results in Salesforce's format:
// "sf__Id","sf__Created",<row> and "sf__Id","sf__Error",<row>, every value quoted.
// In a row, an empty value leaves the field unchanged and #N/A sets it to null.
class BulkRowWriter
{
public:
    BulkRowWriter(SandboxOrg &org, BulkJob &job);

    // Parses the upload: line endings, CSV, header names. The message is the job's
    // errorMessage ("InvalidBatch : ...", "ClientInputError : ...").
    static Result<void> parseUpload(SandboxOrg &org, BulkJob &job);

    void write(const CsvReader::Row &row);

    // "CODE:message:Field1,Field2 --" (sf__Error).
    static QString errorText(const SfError &error);

private:
    SaveResult save(const QStringList &values, QString *rowId);
    int column(const QString &name) const;

    SandboxOrg &m_org;
    BulkJob &m_job;
};

} // namespace lb::sandbox
