#pragma once

#include "PlatformResults.h"
#include "net/HttpClient.h"
#include "util/Result.h"

#include <QJsonObject>
#include <QStringList>

namespace lb::platform {

// Reading the bodies of the platform's successful answers into LeadPlatformClient's values:
// pure functions of the answer, so they are tested and fuzzed without a server.
namespace pages {

// An invalid_response error for an answer whose body is not what the contract says.
Error invalidResponse(const HttpResponse &r, const QString &what);

// "next_cursor" when it is a string, else "" (the last page).
QString nextCursorOf(const QJsonObject &body);

// GET /v1/leads: leads and tombstones, each read by its own rules. An item that cannot be read
// is handed back as rejected, with its raw JSON, and the rest of the page goes on; only a body
// that is not a listing at all refuses the page.
Result<LeadPage> readLeadPage(const HttpResponse &r, const QJsonObject &body);

// GET /v1/agents: every item must be an agent, else the page is refused.
Result<AgentPage> readAgentPage(const HttpResponse &r, const QJsonObject &body);

// POST /v1/leads/batch (207): one result per lead of `ids`, in that order.
Result<QList<BatchItemResult>> readBatchResults(const HttpResponse &r, const QJsonObject &body,
                                                const QStringList &ids);

} // namespace pages
} // namespace lb::platform
