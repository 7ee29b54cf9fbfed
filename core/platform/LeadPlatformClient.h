#pragma once

#include "PlatformResults.h"
#include "model/ApiLimits.h"
#include "net/HttpClient.h"
#include "net/RetryPolicy.h"
#include "util/Clock.h"
#include "util/Result.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QUrl>

#include <functional>
#include <optional>

namespace lb::platform {

// The lead platform's REST API (contract v1.1, ../shared/PLATFORM_API.md), asynchronous, over
// the injected HttpClient (and so its QNetworkAccessManager and host allowlist). Use it on the
// thread that owns the HttpClient.
//
// Every call ends in exactly one callback with a Result, unless `context` is destroyed first.
// Errors carry the HTTP status and whether a later attempt may succeed (network, timeout, 429,
// 5xx); 429 also carries the Retry-After delay (Error::retryAfterMs) and 412 the platform's
// current record (conflictCurrent()), so the engine can re-apply its change per field
// authority. A deleted lead answers with the error code "deleted" (DeletedCode): 410 on
// getLead, 409 on putLead/patchLead, and tombstoneOf() reads the tombstone it carries.
// Every answer's rate-limit headers are reported through limitsObserved().
class LeadPlatformClient : public QObject
{
    Q_OBJECT
public:
    template<typename T> using Callback = std::function<void(Result<T>)>;

    struct Options
    {
        // On 429, wait Retry-After (QTimer) and send once more, if the wait is at most
        // maxRetryAfterMs; otherwise hand the 429 to the caller.
        bool retryRateLimited = true;
        qint64 maxRetryAfterMs = 60'000;
        // Extra attempts for network failures, timeouts and 5xx, spaced by `backoff`. The
        // engine's outbox does the long-term retrying, so this stays small (0 = off).
        int transientRetries = 0;
        RetryPolicy backoff {200, 5'000, 8};
        int timeoutMs = 30'000;
    };

    static constexpr int MaxBatch = 500;
    static constexpr int MaxPageSize = 500;
    static constexpr int DefaultPageSize = 100;
    // Error::code of every answer about a deleted lead (HTTP 409 or 410).
    static constexpr const char *DeletedCode = "deleted";

    LeadPlatformClient(HttpClient &http, QUrl baseUrl, QString apiKey, QObject *parent = nullptr);

    void setOptions(const Options &options) { m_options = options; }
    const Options &options() const { return m_options; }
    void setApiKey(const QString &apiKey) { m_apiKey = apiKey; }
    void setClock(const Clock &clock) { m_clock = &clock; }
    const QUrl &baseUrl() const { return m_baseUrl; }
    // The last rate-limit observation (unknown until the first answer).
    const ApiLimits &lastLimits() const { return m_limits; }

    // Leads --------------------------------------------------------------------------------
    // One page ordered by (updated_at, id). `cursor` (from the previous page) continues;
    // `updatedSince` (epoch ms) filters; limit 1..500.
    void listLeads(std::optional<qint64> updatedSince, const QString &cursor, int limit,
                   QObject *context, Callback<LeadPage> done);
    void getLead(const QString &id, QObject *context, Callback<PlatformLead> done);
    // Full upsert by id. With ifMatch, only if the stored version still is that one
    // (otherwise a version_conflict error whose conflictCurrent() is the stored lead).
    void putLead(const PlatformLead &lead, std::optional<qint64> ifMatch, QObject *context,
                 Callback<LeadWrite> done);
    // Partial update of the given fields (contract names, e.g. {"status": "working"}).
    void patchLead(const QString &id, const QJsonObject &fields, QObject *context,
                   Callback<PlatformLead> done);
    // Deletes the lead (it becomes a tombstone). Deleting a tombstone again succeeds; an
    // unknown id is a not_found error (404).
    void deleteLead(const QString &id, QObject *context, Callback<void> done);
    // Brings a deleted lead back with this content (PUT ?restore=true): created is true when
    // the platform restored (or created) it, false when the lead was not deleted.
    void restoreLead(const PlatformLead &lead, QObject *context, Callback<LeadWrite> done);
    // Up to 500 upserts in one request; per-item results in request order.
    void batchUpsert(const QList<LeadUpsert> &items, QObject *context,
                     Callback<QList<BatchItemResult>> done);
    void batchUpsert(const QList<PlatformLead> &leads, QObject *context,
                     Callback<QList<BatchItemResult>> done);

    // Agents -------------------------------------------------------------------------------
    void listAgents(const QString &cursor, int limit, QObject *context, Callback<AgentPage> done);
    void putAgent(const PlatformAgent &agent, QObject *context, Callback<AgentWrite> done);
    // Deactivates the agent (the platform keeps it, inactive).
    void deleteAgent(const QString &id, QObject *context, Callback<void> done);

    // The platform's current record carried by a version_conflict error, if any.
    static std::optional<PlatformLead> conflictCurrent(const Error &error);
    // Whether the error says the lead is deleted, and the tombstone it carries.
    static bool isDeleted(const Error &error);
    static std::optional<PlatformTombstone> tombstoneOf(const Error &error);

signals:
    void limitsObserved(const lb::ApiLimits &limits);

private:
    using RawCallback = std::function<void(const HttpResponse &)>;

    HttpRequest request(const QByteArray &method, const QString &path) const;
    void sendPut(HttpRequest request, const PlatformLead &lead, QObject *context,
                 Callback<LeadWrite> done);
    QUrl url(const QString &path) const;
    // Sends, honouring Retry-After and transient retries, then hands the final answer on.
    void execute(const HttpRequest &request, QObject *context, RawCallback done);
    void attempt(const HttpRequest &request, QPointer<QObject> context, RawCallback done,
                 int transientAttempt, bool rateLimitRetried);
    void observeLimits(const HttpResponse &response);
    // Hands `error` to `done` on the next event-loop pass (arguments refused before sending).
    template<typename T> void refuse(const Error &error, QObject *context, Callback<T> &done);

    HttpClient &m_http;
    QUrl m_baseUrl;
    QString m_apiKey;
    Options m_options;
    const Clock *m_clock = &Clock::system();
    ApiLimits m_limits;
};

} // namespace lb::platform
