#pragma once

#include "SalesforceTypes.h"
#include "util/Result.h"

#include <QByteArray>

namespace lb {
struct HttpResponse;
}

namespace lb::salesforce {

// Reads Salesforce's error bodies, whichever of the shapes in SALESFORCE_API.md section 0.4
// they take, without depending on key order:
//   1. REST: an array (rarely a bare object) of {message, errorCode, fields?};
//   2. SaveResult / Collections: items with statusCode instead of errorCode;
//   3. OAuth: {error, error_description};
//   4. CometD: Bayeux messages {successful:false, error:"403::Unknown client"} — the code is
//      the whole "<http>::<text>" string, so the Streaming client can match on it.
// Anything else (HTML from a proxy, an empty body) yields no items; toError() then names the
// HTTP status instead.
class ErrorEnvelope
{
public:
    static QList<SfError> parse(const QByteArray &body);
    static QList<SfError> parseValue(const QJsonValue &value);
    static SfError parseItem(const QJsonObject &item);

    // The error for a whole failed call: code = the first item's code (or "network",
    // "timeout", "host_not_allowed", "http_<status>"), every item's message, the HTTP status
    // and retryability (ErrorClassification).
    static Error toError(const HttpResponse &response);
    static Error fromItems(const QList<SfError> &items, int httpStatus);
    // An item standing for a bare HTTP status, e.g. a Composite subrequest without a body.
    static SfError statusItem(int httpStatus);
};

} // namespace lb::salesforce
