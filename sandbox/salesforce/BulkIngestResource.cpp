#include "BulkIngestResource.h"

#include "BulkCsv.h"
#include "BulkJobJson.h"
#include "JsonBody.h"
#include "SandboxOrg.h"

#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

using BulkJobJson::invalidJob;
using BulkJobJson::methodNotAllowed;

namespace {

// "Completed" is how Salesforce words JobComplete in these messages.
QString stateWord(BulkState state)
{
    return state == BulkState::JobComplete ? u"Completed"_s : bulkStateName(state);
}

} // namespace

BulkIngestResource::BulkIngestResource(SandboxOrg &org)
    : m_org(org)
{ }

ApiResponse BulkIngestResource::handle(const RestCall &call)
{
    const QStringList &p = call.path; // jobs, ingest, ...
    const QByteArray &m = call.method();
    if (p.size() == 2) {
        if (m == "POST")
            return create(call);
        if (m == "GET")
            return BulkJobJson::list(m_org.bulkJobs().list(false));
        return methodNotAllowed(m, u"GET,POST"_s);
    }
    BulkJob *job = m_org.bulkJobs().find(p[2], false);
    if (!job || p.size() > 4)
        return BulkJobJson::notFound();
    if (p.size() == 3) {
        if (m == "GET")
            return BulkJobJson::info(*job);
        if (m == "PATCH")
            return changeState(call, *job);
        if (m == "DELETE")
            return remove(*job);
        return methodNotAllowed(m, u"GET,PATCH,DELETE"_s);
    }
    const QString &sub = p[3];
    if (sub == "batches"_L1)
        return m == "PUT" ? upload(call, *job) : methodNotAllowed(m, u"PUT"_s);
    if (sub == "successfulResults"_L1 || sub == "failedResults"_L1
        || sub == "unprocessedrecords"_L1)
        return m == "GET" ? results(*job, sub) : methodNotAllowed(m, u"GET"_s);
    return BulkJobJson::notFound();
}

ApiResponse BulkIngestResource::create(const RestCall &call)
{
    QJsonDocument doc;
    if (auto error = JsonBody::parse(call.request.body, &doc))
        return ApiResponse::error(400, *error);
    const QJsonObject body = doc.object();
    BulkJob job;
    job.operation = body.value("operation"_L1).toString();
    static const QStringList kOperations {u"insert"_s, u"update"_s, u"upsert"_s, u"delete"_s};
    if (job.operation == "hardDelete"_L1)
        return ApiResponse::error(400, u"FEATURENOTENABLED"_s,
                                  u"hardDelete needs the Bulk API Hard Delete permission, which "
                                  u"the integration user does not have"_s);
    if (!kOperations.contains(job.operation))
        return invalidJob(
            u"Invalid operation '%1': use insert, update, upsert or delete"_s.arg(job.operation));
    const QString objectName = body.value("object"_L1).toString();
    job.object = m_org.schema().object(objectName);
    if (!job.object || job.object->isPlatformEvent())
        return invalidJob(u"Unable to find object: "_s + objectName);
    const QString contentType = body.value("contentType"_L1).toString(u"CSV"_s);
    if (contentType != "CSV"_L1)
        return invalidJob(u"Invalid contentType '%1': only CSV is supported"_s.arg(contentType));
    auto dialect = BulkCsv::dialect(body.value("columnDelimiter"_L1).toString(),
                                    body.value("lineEnding"_L1).toString());
    if (!dialect)
        return invalidJob(dialect.error().message);
    job.dialect = *dialect;
    if (job.operation == "upsert"_L1) {
        const QString field = body.value("externalIdFieldName"_L1).toString();
        if (field.isEmpty())
            return invalidJob(u"externalIdFieldName is required for upsert"_s);
        job.keyFieldIndex = job.object->indexOf(field);
        if (job.keyFieldIndex < 0
            || (!job.object->field(job.keyFieldIndex).externalId
                && job.object->field(job.keyFieldIndex).type != FieldType::Id))
            return invalidJob(
                u"The field %1 of %2 is not an external id field"_s.arg(field, job.object->name()));
        job.externalIdField = job.object->field(job.keyFieldIndex).name;
    }
    job.apiVersion = call.versionMajor;
    job.writer = call.writer;
    return BulkJobJson::info(m_org.bulkJobs().add(std::move(job)));
}

ApiResponse BulkIngestResource::upload(const RestCall &call, BulkJob &job)
{
    if (job.state != BulkState::Open)
        return BulkJobJson::invalidState(
            u"Uploading data to a job that is %1 is not allowed"_s.arg(stateWord(job.state)));
    if (job.uploaded)
        return BulkJobJson::invalidState(
            u"This job already has its data: a job takes one upload; create another job"_s);
    if (call.request.body.isEmpty())
        return invalidJob(u"The upload is empty: send the CSV with its header row"_s);
    job.upload = call.request.body;
    job.uploaded = true;
    job.modstampMs = m_org.nowMs();
    ApiResponse created;
    created.status = 201;
    return created;
}

ApiResponse BulkIngestResource::changeState(const RestCall &call, BulkJob &job)
{
    ApiResponse error;
    const auto target = BulkJobJson::requestedState(call.request.body, &error);
    if (!target)
        return error;
    if (*target == BulkState::Aborted) {
        if (isTerminal(job.state))
            return BulkJobJson::invalidState(
                u"Aborting already %1 Job not allowed"_s.arg(stateWord(job.state)));
        m_org.bulkJobs().abort(job);
        return BulkJobJson::info(job);
    }
    if (job.state != BulkState::Open)
        return BulkJobJson::invalidState(
            u"Closing already %1 Job not allowed"_s.arg(stateWord(job.state)));
    job.state = BulkState::UploadComplete;
    job.modstampMs = m_org.nowMs();
    m_org.bulkJobs().schedule(job);
    return BulkJobJson::info(job);
}

ApiResponse BulkIngestResource::remove(BulkJob &job)
{
    if (job.state == BulkState::Open || job.state == BulkState::InProgress)
        return BulkJobJson::invalidState(
            u"Deleting a job that is %1 is not allowed: abort it first"_s.arg(
                bulkStateName(job.state)));
    m_org.bulkJobs().remove(job.id);
    return ApiResponse::noContent();
}

ApiResponse BulkIngestResource::results(BulkJob &job, const QString &which)
{
    if (!isTerminal(job.state))
        return BulkJobJson::invalidState(
            u"Results are available once the job is JobComplete, Failed or Aborted; it is %1"_s.arg(
                bulkStateName(job.state)));
    const QByteArray delimiter = QString(job.dialect.delimiter).toUtf8();
    const QByteArray newline = job.dialect.newline();
    if (which == "unprocessedrecords"_L1) {
        // A job stopped before parsing keeps its upload as it came.
        if (!job.parsed)
            return BulkCsv::response(job.upload);
        QByteArray out = job.rawHeader + newline;
        for (qsizetype i = job.next; i < job.rows.size(); ++i)
            out += BulkCsv::quotedRow(job.rows[i].fields, job.dialect);
        return BulkCsv::response(out);
    }
    const bool ok = which == "successfulResults"_L1;
    QByteArray out = "\"sf__Id\"" + delimiter;
    out += ok ? "\"sf__Created\"" : "\"sf__Error\"";
    if (job.parsed)
        out += delimiter + job.rawHeader;
    out += newline;
    out += ok ? job.successful : job.failed;
    return BulkCsv::response(out);
}

} // namespace lb::sandbox
