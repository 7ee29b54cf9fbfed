#pragma once

#include "SalesforceTypes.h"
#include "net/HttpClient.h"
#include "util/Result.h"

namespace lb::salesforce {

// Reads Salesforce's error envelopes (reference section 0.4) without depending on key order:
//  1. REST: a JSON array (or, rarely, an object) of {message, errorCode, fields?};
//  2. SaveResult: per-record {statusCode, message, fields};
//  3. OAuth: {error, error_description};
// and classifies failures for the engine (section 14): network errors, 5xx, 429,
// REQUEST_LIMIT_EXCEEDED and UNABLE_TO_LOCK_ROW may succeed later; the rest are permanent.
class SalesforceErrors
{
public:
    static QList<SfError> parse(const QByteArray &body);
    static QList<SfError> parseItems(const QJsonValue &value);
    // The error of a failed exchange (status 0 = network) as an lb::Error.
    static Error fromResponse(const HttpResponse &response);
    static bool isRetryableCode(const QString &code);
};

} // namespace lb::salesforce
