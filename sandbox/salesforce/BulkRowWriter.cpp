#include "BulkRowWriter.h"

#include "BulkCsv.h"
#include "SandboxOrg.h"

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

BulkRowWriter::BulkRowWriter(SandboxOrg &org, BulkJob &job)
    : m_org(org)
    , m_job(job)
{ }

Result<void> BulkRowWriter::parseUpload(SandboxOrg &org, BulkJob &job)
{
    if (auto r = BulkCsv::checkLineEndings(job.upload, job.dialect); !r)
        return makeError(r.error().code, r.error().code + u" : "_s + r.error().message);
    auto rows = CsvReader::parse(job.upload, job.dialect.delimiter);
    if (!rows)
        return makeError(u"InvalidBatch"_s,
                         u"InvalidBatch : Failed to parse CSV, "_s + rows.error().message);
    if (rows->isEmpty())
        return makeError(u"InvalidBatch"_s, u"InvalidBatch : The CSV has no header row"_s);
    job.rawHeader = BulkCsv::headerLine(job.upload);
    job.header = rows->takeFirst().fields;
    for (QString &name : job.header) {
        name = name.trimmed();
        if (name.compare("Id"_L1, Qt::CaseInsensitive) == 0) {
            name = u"Id"_s;
            continue;
        }
        // A field the object does not have fails the whole job, as in Salesforce.
        const auto probe
            = RecordInput::parse(org.schema(), *job.object, QJsonObject {{name, QJsonValue::Null}});
        if (!probe && probe.error().code == "INVALID_FIELD"_L1)
            return makeError(u"InvalidBatch"_s, u"InvalidBatch : Field name not found : "_s + name);
    }
    if ((job.operation == "update"_L1 || job.operation == "delete"_L1)
        && !job.header.contains(u"Id"_s))
        return makeError(u"InvalidBatch"_s,
                         u"InvalidBatch : Field name not found : Id (%1 needs an Id column)"_s.arg(
                             job.operation));
    if (job.operation == "upsert"_L1) {
        const bool found = std::any_of(job.header.begin(), job.header.end(), [&](const QString &h) {
            return h.compare(job.externalIdField, Qt::CaseInsensitive) == 0;
        });
        if (!found)
            return makeError(u"InvalidBatch"_s,
                             u"InvalidBatch : Field name not found : "_s + job.externalIdField);
    }
    job.rows = std::move(*rows);
    job.parsed = true;
    return {};
}

int BulkRowWriter::column(const QString &name) const
{
    for (qsizetype i = 0; i < m_job.header.size(); ++i) {
        if (m_job.header[i].compare(name, Qt::CaseInsensitive) == 0)
            return int(i);
    }
    return -1;
}

QString BulkRowWriter::errorText(const SfError &error)
{
    return error.code + u':' + error.message + u':'
        + (error.fields.isEmpty() ? QString() : error.fields.join(u',') + u' ') + u"--"_s;
}

SaveResult BulkRowWriter::save(const QStringList &values, QString *rowId)
{
    const ObjectDef &object = *m_job.object;
    QJsonObject fields;
    for (qsizetype c = 0; c < m_job.header.size(); ++c) {
        const QString &value = values[c];
        if (value.isEmpty())
            continue;
        fields.insert(m_job.header[c], value == "#N/A"_L1 ? QJsonValue() : QJsonValue(value));
    }
    const QString &op = m_job.operation;
    if (op == "update"_L1 || op == "delete"_L1) {
        *rowId = fields.value("Id"_L1).toString();
        fields.remove("Id"_L1);
        if (rowId->isEmpty())
            return SaveResult::failure(u"MISSING_ARGUMENT"_s,
                                       u"Id not specified in an %1 call"_s.arg(op));
        if (op == "delete"_L1)
            return m_org.dml().remove(object, *rowId, m_job.writer);
    }
    auto input = RecordInput::parse(m_org.schema(), object, fields);
    if (!input)
        return SaveResult::failure(RecordInput::errorOf(input.error()));
    if (op == "insert"_L1)
        return m_org.dml().insert(object, *input, m_job.writer);
    if (op == "update"_L1)
        return m_org.dml().update(object, *rowId, *input, m_job.writer);
    // upsert
    QString key;
    if (object.field(m_job.keyFieldIndex).type == FieldType::Id) {
        key = input->id;
        input->hasId = false;
    } else {
        key = values[column(m_job.externalIdField)];
    }
    if (key == "#N/A"_L1)
        key.clear();
    return m_org.dml().upsert(object, m_job.keyFieldIndex, key, *input, m_job.writer);
}

void BulkRowWriter::write(const CsvReader::Row &row)
{
    QString rowId;
    const SaveResult r = save(row.fields, &rowId);
    QStringList out;
    out.reserve(row.fields.size() + 2);
    if (r.success) {
        const bool created = m_job.operation == "insert"_L1
            || (m_job.operation == "upsert"_L1 && r.created.value_or(false));
        out << r.id << (created ? u"true"_s : u"false"_s) << row.fields;
        m_job.successful += BulkCsv::quotedRow(out, m_job.dialect);
    } else {
        const SfError error = r.errors.isEmpty()
            ? SfError::withFields(u"UNKNOWN_EXCEPTION"_s, u"the record was not saved"_s)
            : r.errors.constFirst();
        out << (r.id.isEmpty() ? rowId : r.id) << errorText(error) << row.fields;
        m_job.failed += BulkCsv::quotedRow(out, m_job.dialect);
        ++m_job.failedCount;
    }
    ++m_job.processed;
}

} // namespace lb::sandbox
