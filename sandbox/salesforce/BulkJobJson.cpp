#include "BulkJobJson.h"

#include "JsonBody.h"
#include "JsonWriter.h"
#include "ObjectDef.h"
#include "SfDateTime.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

namespace BulkJobJson {

void write(JsonWriter &w, const BulkJob &job)
{
    const QString version = QString::number(job.apiVersion) + u".0"_s;
    w.beginObject();
    w.key("id"_L1).value(QStringView(job.id));
    w.key("operation"_L1).value(QStringView(job.operation));
    w.key("object"_L1).value(QStringView(job.object->name()));
    w.key("createdById"_L1).value(QStringView(job.writer.userId));
    w.key("createdDate"_L1).value(QStringView(SfDateTime::format(job.createdMs)));
    w.key("systemModstamp"_L1).value(QStringView(SfDateTime::format(job.modstampMs)));
    w.key("state"_L1).value(QStringView(bulkStateName(job.state)));
    if (!job.externalIdField.isEmpty())
        w.key("externalIdFieldName"_L1).value(QStringView(job.externalIdField));
    w.key("concurrencyMode"_L1).value("Parallel"_L1);
    w.key("contentType"_L1).value("CSV"_L1);
    w.key("apiVersion"_L1).value(double(job.apiVersion));
    if (!job.isQuery) {
        // No leading slash, as Salesforce writes it.
        w.key("contentUrl"_L1)
            .value(QStringView(QString(u"services/data/v"_s + version + u"/jobs/ingest/"_s + job.id
                                       + u"/batches"_s)));
    }
    w.key("jobType"_L1).value(job.isQuery ? "V2Query"_L1 : "V2Ingest"_L1);
    w.key("lineEnding"_L1).value(QStringView(job.dialect.lineEnding));
    w.key("columnDelimiter"_L1).value(QStringView(job.dialect.delimiterName));
    if (job.isQuery || job.uploaded) {
        w.key("numberRecordsProcessed"_L1).value(job.processed);
        if (!job.isQuery)
            w.key("numberRecordsFailed"_L1).value(job.failedCount);
        w.key("retries"_L1).value(0);
        w.key("totalProcessingTime"_L1).value(job.processingMs);
        if (!job.isQuery) {
            w.key("apiActiveProcessingTime"_L1).value(job.processingMs);
            w.key("apexProcessingTime"_L1).value(0);
        }
    }
    if (job.state == BulkState::Failed && !job.errorMessage.isEmpty())
        w.key("errorMessage"_L1).value(QStringView(job.errorMessage));
    w.endObject();
}

ApiResponse info(const BulkJob &job)
{
    JsonWriter w;
    write(w, job);
    return ApiResponse::json(200, w.take());
}

ApiResponse list(const QList<const BulkJob *> &jobs)
{
    JsonWriter w;
    w.beginObject();
    w.key("done"_L1).value(true);
    w.key("records"_L1).beginArray();
    for (const BulkJob *job : jobs)
        write(w, *job);
    w.endArray();
    w.key("nextRecordsUrl"_L1).null();
    w.endObject();
    return ApiResponse::json(200, w.take());
}

ApiResponse notFound()
{
    return ApiResponse::error(404, u"NOT_FOUND"_s, u"The requested resource does not exist"_s);
}

ApiResponse invalidState(const QString &message)
{
    return ApiResponse::error(400, u"INVALIDJOBSTATE"_s, message);
}

std::optional<BulkState> requestedState(const QByteArray &body, ApiResponse *error)
{
    QJsonDocument doc;
    if (auto e = JsonBody::parse(body, &doc)) {
        *error = ApiResponse::error(400, *e);
        return std::nullopt;
    }
    const QString state = doc.object().value("state"_L1).toString();
    if (state == "UploadComplete"_L1)
        return BulkState::UploadComplete;
    if (state == "Aborted"_L1)
        return BulkState::Aborted;
    *error = invalidState(
        u"Invalid state '%1': a job can be set to UploadComplete or Aborted"_s.arg(state));
    return std::nullopt;
}

ApiResponse invalidJob(const QString &message)
{
    return ApiResponse::error(400, u"INVALIDJOB"_s, message);
}

ApiResponse methodNotAllowed(const QByteArray &method, const QString &allowed)
{
    return ApiResponse::error(405, u"METHOD_NOT_ALLOWED"_s,
                              u"HTTP Method '%1' not allowed. Allowed are %2"_s.arg(
                                  QString::fromLatin1(method), allowed));
}

} // namespace BulkJobJson

} // namespace lb::sandbox
