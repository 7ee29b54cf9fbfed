#pragma once

#include "sync/SyncStatus.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <map>
#include <memory>
#include <string>

namespace prometheus {
class Counter;
class Gauge;
class Histogram;
class Registry;
template<typename T> class Family;
} // namespace prometheus

namespace lb {

// The engine's Prometheus metrics, kept in prometheus-cpp's registry (Debian
// prometheus-cpp-dev; its text serializer writes the exposition format 0.0.4). Counters and
// histograms grow as the engine works; gauges are set from one SyncStatus and the held duties
// just before each scrape. Used from the engine's thread only.
class EngineMetrics
{
public:
    EngineMetrics();
    ~EngineMetrics();
    EngineMetrics(const EngineMetrics &) = delete;
    EngineMetrics &operator=(const EngineMetrics &) = delete;

    // One HTTP exchange with `system` ("salesforce" | "platform"); status 0 = no HTTP answer.
    void observeCall(const QString &system, const QUrl &url, int status, qint64 elapsedMs);
    // Records written by a delivery round, per direction.
    void noteDelivered(qint64 toSalesforce, qint64 toPlatform);
    // The gauges: the engine's state, queue, inbox, stream, API usage and breakers as `status`
    // tells them, and which of `duties` (lease names) this process holds.
    void setGauges(const SyncStatus &status, qint64 nowMs, const QStringList &duties,
                   const QStringList &held);
    // Everything, in the text format (Content-Type: ContentType).
    QByteArray exposition() const;

    static constexpr const char *ContentType = "text/plain; version=0.0.4; charset=utf-8";
    // What kind of call a URL is, with few values (never an id): Salesforce "oauth",
    // "streaming", "query", "sobjects", "collections", "composite", "limits", "bulk",
    // "resources" or "other" (the sandbox counts its API usage by the same kinds); platform the
    // first path segment after the version ("leads", "agents", ...).
    static QString endpointKind(const QString &system, const QUrl &url);
    // An answer's error class, empty for success: "network", "auth", "forbidden", "throttled",
    // "client", "server".
    static QString errorClass(int status);

private:
    // A gauge per value of an enumeration (state="running" 1, the others 0).
    void setEnum(prometheus::Family<prometheus::Gauge> &family, const QString &labelName,
                 const QStringList &values, const QString &current,
                 const std::map<std::string, std::string> &extra = {});

    std::unique_ptr<prometheus::Registry> m_registry;
    prometheus::Family<prometheus::Counter> *m_calls;
    prometheus::Family<prometheus::Counter> *m_errors;
    prometheus::Family<prometheus::Histogram> *m_latency;
    prometheus::Family<prometheus::Counter> *m_delivered;
    prometheus::Family<prometheus::Gauge> *m_engineState;
    prometheus::Family<prometheus::Gauge> *m_queue;
    prometheus::Family<prometheus::Gauge> *m_oldestAge;
    prometheus::Family<prometheus::Gauge> *m_inbox;
    prometheus::Family<prometheus::Gauge> *m_streamState;
    prometheus::Family<prometheus::Gauge> *m_streamLag;
    prometheus::Family<prometheus::Gauge> *m_apiUsed;
    prometheus::Family<prometheus::Gauge> *m_apiAllocation;
    prometheus::Family<prometheus::Gauge> *m_breakerState;
    prometheus::Family<prometheus::Gauge> *m_dutyHeld;
    // Per destination (hub and spoke): its lane's jobs by state and its breaker.
    prometheus::Family<prometheus::Gauge> *m_destinationJobs;
    prometheus::Family<prometheus::Gauge> *m_destinationBreaker;
};

} // namespace lb
