#pragma once

#include "ApiResponse.h"
#include "BulkJob.h"

#include <QList>

namespace lb::sandbox {

class JsonWriter;

// Job information as Salesforce shows it (SALESFORCE_API.md 7.1, 7.2), and the answers shared by
// ingest and query jobs: listing, state changes, deletion.
namespace BulkJobJson {

void write(JsonWriter &w, const BulkJob &job);
ApiResponse info(const BulkJob &job);
// {"done":true,"records":[...],"nextRecordsUrl":null}
ApiResponse list(const QList<const BulkJob *> &jobs);

ApiResponse notFound();
ApiResponse invalidState(const QString &message);
// 400 INVALIDJOB: a create request Salesforce would refuse.
ApiResponse invalidJob(const QString &message);
// 405 METHOD_NOT_ALLOWED naming the methods the resource takes.
ApiResponse methodNotAllowed(const QByteArray &method, const QString &allowed);
// {"state":"UploadComplete"|"Aborted"} -> the target state, or the error answer.
std::optional<BulkState> requestedState(const QByteArray &body, ApiResponse *error);

} // namespace BulkJobJson

} // namespace lb::sandbox
