#include "WebhookDispatcher.h"

#include "log/Logging.h"

#include <QMessageAuthenticationCode>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <algorithm>

namespace lb::sandbox {

WebhookDispatcher::WebhookDispatcher(const Clock &clock, PlatformFaults &faults, QObject *parent)
    : QObject(parent)
    , m_clock(clock)
    , m_faults(faults)
{
    m_holdTimer.setSingleShot(true);
    connect(&m_holdTimer, &QTimer::timeout, this, &WebhookDispatcher::releaseHeld);
}

WebhookDispatcher::~WebhookDispatcher()
{
    // Replies in flight would report back while this object is half destroyed.
    const auto replies = m_nam.findChildren<QNetworkReply *>();
    for (QNetworkReply *reply : replies) {
        reply->disconnect(this);
        reply->abort();
    }
}

void WebhookDispatcher::setTarget(const QUrl &url, const QByteArray &secret)
{
    m_url = url;
    m_secret = secret;
}

bool WebhookDispatcher::isIdle() const
{
    return pending() == 0;
}

int WebhookDispatcher::pending() const
{
    return int(m_queue.size() + m_held.size()) + m_inFlight + m_waitingRetry;
}

void WebhookDispatcher::enqueue(const QString &eventId, const QByteArray &body)
{
    if (!hasTarget())
        return;
    ++m_stats.events;
    const int copies = m_faults.duplicateDeliveries() ? 2 : 1;
    if (m_holdTarget == 0) {
        if (const int n = m_faults.takeReorderCount(); n > 1) {
            m_holdTarget = n;
            m_holdTimer.start(m_holdMs);
        }
    }
    for (int i = 0; i < copies; ++i) {
        ++m_stats.deliveries;
        if (m_holdTarget > 0)
            m_held.append(Delivery {eventId, body, 0});
        else
            queue(Delivery {eventId, body, 0});
    }
    if (m_holdTarget > 0 && m_held.size() >= m_holdTarget * copies)
        releaseHeld();
}

void WebhookDispatcher::releaseHeld()
{
    m_holdTimer.stop();
    m_holdTarget = 0;
    QList<Delivery> held;
    held.swap(m_held);
    std::reverse(held.begin(), held.end());
    for (Delivery &d : held)
        queue(std::move(d));
}

void WebhookDispatcher::queue(Delivery delivery)
{
    m_queue.append(std::move(delivery));
    pump();
}

void WebhookDispatcher::pump()
{
    while (m_inFlight < m_maxInFlight && !m_queue.isEmpty())
        send(m_queue.takeFirst());
}

QByteArray WebhookDispatcher::sign(const QByteArray &body, bool corrupt) const
{
    const QByteArray t = QByteArray::number(m_clock.nowMs() / 1000);
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256,
                                   corrupt ? QByteArray("not-") + m_secret : m_secret);
    mac.addData(t + '.');
    mac.addData(body);
    return "t=" + t + ",v1=" + mac.result().toHex();
}

void WebhookDispatcher::send(Delivery delivery)
{
    ++delivery.attempt;
    ++m_inFlight;
    ++m_stats.attempts;
    const bool corrupt = m_faults.takeDeliveryFailure();
    if (corrupt)
        ++m_stats.corruptedAttempts;

    QNetworkRequest request(m_url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(m_timeoutMs);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader(SignatureHeader, sign(delivery.body, corrupt));
    request.setRawHeader("User-Agent", "LeadPlatform-Sandbox-Webhooks/1");
    QNetworkReply *reply = m_nam.post(request, delivery.body);
    connect(reply, &QNetworkReply::finished, this, [this, reply, delivery]() mutable {
        reply->deleteLater();
        --m_inFlight;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        ++m_stats.byStatus[status];
        if (status >= 200 && status < 300) {
            ++m_stats.delivered;
            emit delivered(delivery.eventId, delivery.attempt);
            pump();
            return;
        }
        ++m_stats.failedAttempts;
        emit attemptFailed(delivery.eventId, delivery.attempt, status);
        if (delivery.attempt >= m_retry.maxAttempts) {
            ++m_stats.gaveUp;
            qCWarning(lcSandbox) << "webhook" << delivery.eventId << "given up after"
                                 << delivery.attempt << "attempts";
            emit gaveUp(delivery.eventId);
            pump();
            return;
        }
        // Exponential backoff with equal jitter: half fixed, half random.
        const qint64 ceiling
            = qMin<qint64>(m_retry.capMs, qint64(m_retry.baseMs) << qMin(delivery.attempt - 1, 20));
        const qint64 wait = ceiling / 2 + qint64(m_random.bounded(quint32(ceiling / 2 + 1)));
        ++m_waitingRetry;
        QTimer::singleShot(wait, this, [this, delivery]() mutable {
            --m_waitingRetry;
            queue(std::move(delivery));
        });
        pump();
    });
}

} // namespace lb::sandbox
