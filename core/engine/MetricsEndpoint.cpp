#include "MetricsEndpoint.h"

#include "EngineSetup.h"
#include "log/Logging.h"
#include "net/HttpClient.h"
#include "store/LeaseListing.h"
#include "store/Store.h"
#include "sync/SalesforceStream.h"

#include <QCoreApplication>
#include <QSysInfo>

namespace lb {

MetricsEndpoint::MetricsEndpoint(Store &store, const Clock &clock, QString workerId,
                                 std::function<SyncStatus()> status, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_clock(clock)
    , m_workerId(std::move(workerId))
    , m_status(std::move(status))
    , m_server([this] { return scrape(); })
{ }

void MetricsEndpoint::watch(const PortSet &ports)
{
    const std::pair<HttpClient *, QString> clients[] {
        {ports.salesforceHttp, QStringLiteral("salesforce")},
        {ports.platformHttp, QStringLiteral("platform")}};
    for (const auto &[http, system] : clients) {
        if (!http)
            continue;
        connect(http, &HttpClient::exchanged, this,
                [this, system](const QByteArray &, const QUrl &url, int status, qint64 ms) {
                    m_metrics.observeCall(system, url, status, ms);
                });
    }
}

bool MetricsEndpoint::isOurs(const QString &holder) const
{
    const QString pid = QString::number(QCoreApplication::applicationPid());
    return holder.startsWith(QSysInfo::machineHostName() + u':' + pid + u':')
        || holder == m_workerId || holder.startsWith(m_workerId + u':');
}

QByteArray MetricsEndpoint::scrape()
{
    QStringList duties {QString::fromLatin1(SalesforceStream::kLeaseName)};
    QStringList held;
    if (auto leases = currentLeases(m_store.database(), m_clock.nowMs())) {
        for (auto it = leases->cbegin(); it != leases->cend(); ++it) {
            if (!duties.contains(it.key()))
                duties.append(it.key());
            if (isOurs(it.value()))
                held.append(it.key());
        }
    } else {
        qCWarning(lcSync) << "metrics: could not read the leases:" << leases.error().toString();
    }
    m_metrics.setGauges(m_status(), m_clock.nowMs(), duties, held);
    return m_metrics.exposition();
}

} // namespace lb
