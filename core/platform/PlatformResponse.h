#pragma once

#include "model/ApiLimits.h"
#include "net/HttpClient.h"
#include "util/Result.h"

#include <QJsonObject>

#include <optional>

namespace lb::platform {

// Reading the platform's HTTP answers: the error of a failed exchange, the rate-limit headers
// and Retry-After. Pure functions, so every error path is tested without a server.
namespace response {

// The Error for an exchange that did not succeed: code from the body's "error" when there is
// one, else from the status; retryable for network failures, timeouts, 429 and 5xx; 412 puts
// the current record in details["current"] (409/410 "deleted": the tombstone), 422 its list in
// details["details"], 429 the delay in retryAfterMs.
Error errorOf(const HttpResponse &response, qint64 nowMs);
// Whether a transport failure (HttpResponse::errorCode) may pass if the request is sent again.
bool isTransientTransport(const QString &code);

// X-RateLimit-Limit / -Remaining / -Reset as the one ApiLimits value the gauges show
// (system "platform", used = limit - remaining). nullopt when the headers are missing or
// not numbers.
std::optional<ApiLimits> limitsOf(const HttpResponse &response, qint64 nowMs);

// Retry-After in milliseconds: delta-seconds or an HTTP date; -1 when absent or unreadable.
qint64 retryAfterMs(const HttpResponse &response, qint64 nowMs);

// The body as a JSON object, or an invalid_response error saying what was wrong with it.
Result<QJsonObject> jsonObjectOf(const HttpResponse &response);

} // namespace response
} // namespace lb::platform
