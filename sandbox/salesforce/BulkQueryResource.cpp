#include "BulkQueryResource.h"

#include "BulkCsv.h"
#include "BulkJobJson.h"
#include "JsonBody.h"
#include "SandboxOrg.h"
#include "SoqlBinder.h"
#include "SoqlParser.h"

#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

using BulkJobJson::invalidJob;
using BulkJobJson::methodNotAllowed;

namespace {

QString upperState(BulkState state)
{
    switch (state) {
    case BulkState::Open:
        return u"OPEN"_s;
    case BulkState::UploadComplete:
        return u"UPLOAD_COMPLETE"_s;
    case BulkState::InProgress:
        return u"IN_PROGRESS"_s;
    case BulkState::JobComplete:
        return u"JOB_COMPLETE"_s;
    case BulkState::Failed:
        return u"FAILED"_s;
    case BulkState::Aborted:
        return u"ABORTED"_s;
    }
    return {};
}

} // namespace

BulkQueryResource::BulkQueryResource(SandboxOrg &org)
    : m_org(org)
{ }

QByteArray BulkQueryResource::locatorFor(qsizetype offset)
{
    return QByteArray::number(offset).toBase64(QByteArray::OmitTrailingEquals);
}

std::optional<qsizetype> BulkQueryResource::offsetOf(const QString &locator)
{
    const auto decoded = QByteArray::fromBase64Encoding(locator.toLatin1(),
                                                        QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    bool ok = false;
    const qsizetype offset = decoded.decoded.toLongLong(&ok);
    if (!ok || offset < 0)
        return std::nullopt;
    return offset;
}

ApiResponse BulkQueryResource::handle(const RestCall &call)
{
    const QStringList &p = call.path; // jobs, query, ...
    const QByteArray &m = call.method();
    if (p.size() == 2) {
        if (m == "POST")
            return create(call);
        if (m == "GET")
            return BulkJobJson::list(m_org.bulkJobs().list(true));
        return methodNotAllowed(m, u"GET,POST"_s);
    }
    BulkJob *job = m_org.bulkJobs().find(p[2], true);
    if (!job || p.size() > 4)
        return BulkJobJson::notFound();
    if (p.size() == 3) {
        if (m == "GET")
            return BulkJobJson::info(*job);
        if (m == "PATCH")
            return changeState(call, *job);
        if (m == "DELETE") {
            if (job->state == BulkState::InProgress)
                return BulkJobJson::invalidState(
                    u"Deleting a job that is InProgress is not allowed: abort it first"_s);
            m_org.bulkJobs().remove(job->id);
            return ApiResponse::noContent();
        }
        return methodNotAllowed(m, u"GET,PATCH,DELETE"_s);
    }
    if (p[3] == "results"_L1)
        return m == "GET" ? results(call, *job) : methodNotAllowed(m, u"GET"_s);
    return BulkJobJson::notFound();
}

ApiResponse BulkQueryResource::create(const RestCall &call)
{
    QJsonDocument doc;
    if (auto error = JsonBody::parse(call.request.body, &doc))
        return ApiResponse::error(400, *error);
    const QJsonObject body = doc.object();
    BulkJob job;
    job.isQuery = true;
    job.operation = body.value("operation"_L1).toString(u"query"_s);
    if (job.operation != "query"_L1 && job.operation != "queryAll"_L1)
        return invalidJob(u"Invalid operation '%1': use query or queryAll"_s.arg(job.operation));
    const QString contentType = body.value("contentType"_L1).toString(u"CSV"_s);
    if (contentType != "CSV"_L1)
        return invalidJob(u"Invalid contentType '%1': only CSV is supported"_s.arg(contentType));
    auto dialect = BulkCsv::dialect(body.value("columnDelimiter"_L1).toString(),
                                    body.value("lineEnding"_L1).toString());
    if (!dialect)
        return invalidJob(dialect.error().message);
    job.dialect = *dialect;
    job.soql = body.value("query"_L1).toString();
    if (job.soql.trimmed().isEmpty())
        return invalidJob(u"The job needs a query"_s);
    const auto parsed = SoqlParser::parse(job.soql);
    if (!parsed)
        return ApiResponse::error(400, parsed.error().code, parsed.error().message);
    const auto bound = SoqlBinder::bind(*parsed, m_org.schema(), m_org.nowMs());
    if (!bound)
        return ApiResponse::error(400, bound.error().code, bound.error().message);
    if ((*bound)->count)
        return invalidJob(u"Aggregate queries (COUNT()) are not supported by Bulk API 2.0"_s);
    job.query = *bound;
    job.object = job.query->object;
    job.apiVersion = call.versionMajor;
    job.writer = call.writer;
    job.state = BulkState::UploadComplete;
    m_org.usage().countBulkQueryJob();
    BulkJob &added = m_org.bulkJobs().add(std::move(job));
    m_org.bulkJobs().schedule(added);
    return BulkJobJson::info(added);
}

ApiResponse BulkQueryResource::changeState(const RestCall &call, BulkJob &job)
{
    ApiResponse error;
    const auto target = BulkJobJson::requestedState(call.request.body, &error);
    if (!target)
        return error;
    if (*target != BulkState::Aborted)
        return BulkJobJson::invalidState(u"A query job can only be set to Aborted"_s);
    if (isTerminal(job.state))
        return BulkJobJson::invalidState(u"Aborting already %1 Job not allowed"_s.arg(
            job.state == BulkState::JobComplete ? u"Completed"_s : bulkStateName(job.state)));
    m_org.bulkJobs().abort(job);
    return BulkJobJson::info(job);
}

ApiResponse BulkQueryResource::results(const RestCall &call, const BulkJob &job)
{
    if (job.state != BulkState::JobComplete)
        return ApiResponse::error(
            412, u"JOB_NOT_COMPLETE"_s,
            u"can only download query results of successfully completed bulk job with status: "
            u"JOB_COMPLETE. Current status: "_s
                + upperState(job.state));
    if (call.versionMajor != job.apiVersion)
        return ApiResponse::error(409, u"API_VERSION_MISMATCH"_s,
                                  u"Fetch the results with the API version the job was created "
                                  u"with (v%1.0)"_s.arg(job.apiVersion));
    qsizetype offset = 0;
    if (call.request.hasQuery(u"locator"_s)) {
        const QString locator = call.request.queryValue(u"locator"_s);
        const auto decoded = offsetOf(locator);
        if (!decoded || *decoded > job.resultRows.size())
            return ApiResponse::error(400, u"INVALID_LOCATOR"_s, u"Invalid locator: "_s + locator);
        offset = *decoded;
    }
    qsizetype pageRows = kDefaultPageRows;
    if (call.request.hasQuery(u"maxRecords"_s)) {
        bool ok = false;
        pageRows = call.request.queryValue(u"maxRecords"_s).toLongLong(&ok);
        if (!ok || pageRows <= 0)
            return ApiResponse::error(400, u"INVALID_MAX_RECORDS"_s,
                                      u"maxRecords must be a positive integer, not '%1'"_s.arg(
                                          call.request.queryValue(u"maxRecords"_s)));
    }
    const qsizetype end = qMin(offset + pageRows, job.resultRows.size());
    QByteArray body = job.resultHeader;
    for (qsizetype i = offset; i < end; ++i)
        body += job.resultRows[i];
    ApiResponse r = BulkCsv::response(std::move(body));
    r.setHeader("Sforce-NumberOfRecords", QByteArray::number(end - offset));
    r.setHeader("Sforce-Locator", end < job.resultRows.size() ? locatorFor(end) : "null");
    return r;
}

} // namespace lb::sandbox
