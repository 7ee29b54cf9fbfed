#include "DestinationReceiver.h"

#include "platform/WebhookSignature.h"

#include <QDateTime>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

namespace lb::sandbox {
namespace {

void answer(QHttpServerResponder &&responder, int status, const QJsonObject &body)
{
    QHttpServerResponse response(QByteArrayLiteral("application/json"),
                                 QJsonDocument(body).toJson(QJsonDocument::Compact),
                                 QHttpServerResponse::StatusCode(status));
    response.write(std::move(responder));
}

QJsonObject error(const QString &code, const QString &message)
{
    return {{QStringLiteral("error"),
             QJsonObject {{QStringLiteral("code"), code}, {QStringLiteral("message"), message}}}};
}

} // namespace

DestinationReceiver::DestinationReceiver(QByteArray secret)
    : m_secret(std::move(secret))
{
    m_clock.start();
    m_server.http().setMissingHandler(
        [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            if (request.url().path().startsWith(QStringLiteral("/_admin")))
                admin(request, std::move(responder));
            else
                handle(request, std::move(responder));
        });
}

DestinationReceiver::~DestinationReceiver() = default;

bool DestinationReceiver::listen(quint16 port)
{
    return m_server.listen(port);
}

const char *DestinationReceiver::modeName(Mode mode)
{
    switch (mode) {
    case Mode::Healthy:
        return "healthy";
    case Mode::Fail:
        return "fail";
    case Mode::Hang:
        return "hang";
    case Mode::Slow:
        return "slow";
    }
    return "healthy";
}

std::optional<DestinationReceiver::Mode> DestinationReceiver::modeFromName(const QString &name)
{
    for (Mode m : {Mode::Healthy, Mode::Fail, Mode::Hang, Mode::Slow}) {
        if (name == QLatin1String(modeName(m)))
            return m;
    }
    return std::nullopt;
}

void DestinationReceiver::setMode(Mode mode, int slowMs)
{
    m_mode = mode;
    m_slowMs = slowMs;
    if (mode != Mode::Hang)
        releaseHung();
}

void DestinationReceiver::releaseHung()
{
    m_hung.clear();
}

void DestinationReceiver::handle(const QHttpServerRequest &request,
                                 QHttpServerResponder &&responder)
{
    if (m_mode == Mode::Hang) {
        m_hung.push_back(std::make_unique<QHttpServerResponder>(std::move(responder)));
        return;
    }
    if (m_mode == Mode::Fail) {
        ++m_failed;
        return answer(std::move(responder), 503,
                      error(QStringLiteral("unavailable"), QStringLiteral("told to fail")));
    }
    const QByteArray body = request.body();
    if (!m_secret.isEmpty()) {
        const auto verified
            = platform::WebhookSignature::verify(request.value("X-LeadBridge-Signature"), body,
                                                 m_secret, QDateTime::currentSecsSinceEpoch());
        if (!verified) {
            ++m_refused;
            return answer(std::move(responder), 401,
                          error(verified.error().code, verified.error().message));
        }
    }
    const QJsonObject json = QJsonDocument::fromJson(body).object();
    if (json.isEmpty()) {
        ++m_refused;
        return answer(std::move(responder), 400,
                      error(QStringLiteral("invalid_json"), QStringLiteral("not a JSON object")));
    }
    Arrival a;
    a.eventId = json.value(QStringLiteral("event_id")).toString();
    if (a.eventId.isEmpty()) // an alert: its dedup key and action make it unique
        a.eventId = json.value(QStringLiteral("dedup_key")).toString() + u':'
            + json.value(QStringLiteral("event_action")).toString();
    a.type = json.value(QStringLiteral("type")).toString();
    a.recordId
        = json.value(QStringLiteral("data")).toObject().value(QStringLiteral("id")).toString();
    a.idempotencyKey = request.value("Idempotency-Key");
    a.body = json;
    a.atMs = m_clock.elapsed();
    const bool duplicate = json.contains(QStringLiteral("event_id")) && m_seen.contains(a.eventId);
    if (duplicate) {
        ++m_duplicates;
    } else {
        m_seen.insert(a.eventId);
        m_arrivals.append(a);
    }
    const QJsonObject ok {{QStringLiteral("received"), a.eventId}};
    if (m_mode != Mode::Slow || m_slowMs <= 0)
        return answer(std::move(responder), 200, ok);
    auto held = std::make_shared<QHttpServerResponder>(std::move(responder));
    QPointer<QTcpSocket> socket(held->socket());
    QTimer::singleShot(m_slowMs, socket.data(), [socket, held, ok] {
        if (socket && socket->state() == QAbstractSocket::ConnectedState)
            answer(std::move(*held), 200, ok);
    });
}

// GET /_admin: counts; POST /_admin/mode {"mode": "fail"|"hang"|"slow"|"healthy", "slow_ms"}.
void DestinationReceiver::admin(const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    if (request.url().path() == QLatin1String("/_admin/mode")) {
        const QJsonObject json = QJsonDocument::fromJson(request.body()).object();
        const auto mode = modeFromName(json.value(QStringLiteral("mode")).toString());
        if (!mode)
            return answer(std::move(responder), 400,
                          error(QStringLiteral("bad_mode"),
                                QStringLiteral("mode is healthy, fail, hang or slow")));
        setMode(*mode, json.value(QStringLiteral("slow_ms")).toInt());
    }
    answer(std::move(responder), 200,
           {{QStringLiteral("mode"), QString::fromLatin1(modeName(m_mode))},
            {QStringLiteral("received"), int(m_arrivals.size())},
            {QStringLiteral("refused"), m_refused},
            {QStringLiteral("failed"), m_failed},
            {QStringLiteral("duplicates"), m_duplicates},
            {QStringLiteral("hung"), hung()}});
}

} // namespace lb::sandbox
