#pragma once

#include "LoopbackServer.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHttpServerResponder>
#include <QJsonObject>
#include <QList>
#include <QSet>

#include <memory>
#include <vector>

namespace lb::sandbox {

// A receiver of LeadBridge's destination deliveries and alerts, for tests and the demo: it
// checks every signature (X-LeadBridge-Signature, the platform's scheme) and refuses a bad one
// with 401, records what arrived, and can be told to fail (503), hang (never answer) or answer
// slowly. An event id it already has is answered 200 and counted, not recorded again.
class DestinationReceiver
{
public:
    enum class Mode { Healthy, Fail, Hang, Slow };

    struct Arrival
    {
        QString eventId;
        QString type;
        QString recordId; // data.id
        QByteArray idempotencyKey;
        QJsonObject body;
        qint64 atMs = 0; // since the receiver started
    };

    // An empty secret: no signature is expected (an alert receiver such as Slack or PagerDuty).
    explicit DestinationReceiver(QByteArray secret = {});
    ~DestinationReceiver();

    bool listen(quint16 port = 0);
    QString url() const { return m_server.baseUrl() + QStringLiteral("/in"); }
    quint16 port() const { return m_server.port(); }

    void setMode(Mode mode, int slowMs = 0);
    Mode mode() const { return m_mode; }
    void releaseHung(); // drops the hung requests (their clients see the connection close)

    const QList<Arrival> &arrivals() const { return m_arrivals; }
    int refused() const { return m_refused; } // bad or missing signatures
    int failedOnPurpose() const { return m_failed; }
    int duplicates() const { return m_duplicates; }
    int hung() const { return int(m_hung.size()); }

    static const char *modeName(Mode mode);
    static std::optional<Mode> modeFromName(const QString &name);

private:
    void handle(const QHttpServerRequest &request, QHttpServerResponder &&responder);
    void admin(const QHttpServerRequest &request, QHttpServerResponder &&responder);

    LoopbackServer m_server;
    QByteArray m_secret;
    Mode m_mode = Mode::Healthy;
    int m_slowMs = 0;
    QElapsedTimer m_clock;
    QList<Arrival> m_arrivals;
    QSet<QString> m_seen;
    int m_refused = 0;
    int m_failed = 0;
    int m_duplicates = 0;
    std::vector<std::unique_ptr<QHttpServerResponder>> m_hung;
};

} // namespace lb::sandbox
