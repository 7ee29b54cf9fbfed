#pragma once

#include "PlatformAnswer.h"
#include "PlatformApi.h"
#include "PlatformFaults.h"
#include "RateLimitWindow.h"

#include <QHash>

#include <functional>
#include <memory>
#include <vector>

class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponder;

namespace lb::sandbox {

// The HTTP side of the platform sandbox: every request passes, in this order, the fault knobs
// (503, hang, drop, delay), the Bearer API key (401), the rate limit (429 + Retry-After) and
// the 1 MiB body limit (413) before PlatformApi sees it. Every answer carries
// X-RateLimit-Limit/-Remaining/-Reset.
class PlatformRouter
{
public:
    static constexpr qint64 MaxBodyBytes = 1024 * 1024;

    struct Stats
    {
        quint64 requests = 0;
        quint64 unauthorized = 0;
        quint64 rateLimited = 0;
        quint64 injected503 = 0;
        quint64 hung = 0;
        quint64 dropped = 0;
        quint64 slowed = 0;
        quint64 tooLarge = 0;
        QHash<int, quint64> byStatus;
    };

    using Observer = std::function<void(const QByteArray &method, const QString &path, int status)>;

    PlatformRouter(PlatformApi &api, RateLimitWindow &rate, PlatformFaults &faults);
    ~PlatformRouter();

    void setApiKey(const QByteArray &key) { m_apiKey = key; }
    const QByteArray &apiKey() const { return m_apiKey; }
    void setObserver(Observer observer) { m_observer = std::move(observer); }

    void install(QHttpServer &server);
    const Stats &stats() const { return m_stats; }
    // Forgets hung requests (their clients have long timed out or will).
    void releaseHung();

private:
    void handle(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    void send(const QByteArray &method, const QString &path, PlatformAnswer answer,
              const RateLimitWindow::Decision &limits, QHttpServerResponder &&responder);
    bool authorized(const QHttpServerRequest &request) const;

    PlatformApi &m_api;
    RateLimitWindow &m_rate;
    PlatformFaults &m_faults;
    QByteArray m_apiKey;
    Observer m_observer;
    Stats m_stats;
    std::vector<std::unique_ptr<QHttpServerResponder>> m_hung;
};

} // namespace lb::sandbox
