#include "FakeSyncController.h"

#include "config/DestinationRule.h"
#include "store/PersonEraser.h"

#include <QJsonArray>

namespace lb::test {
namespace {

QString joined(const QList<qint64> &ids)
{
    QStringList parts;
    for (qint64 id : ids)
        parts.append(QString::number(id));
    return parts.join(u',');
}

} // namespace

FakeSyncController::FakeSyncController(Store *store, QObject *parent)
    : SyncController(parent)
    , m_store(store)
{ }

void FakeSyncController::publish(const SyncStatus &status)
{
    m_status = status;
    later([this, status] { emit statusChanged(status); });
}

void FakeSyncController::start()
{
    commands.append(QStringLiteral("start"));
    SyncStatus s = m_status;
    s.state = SyncStatus::State::Running;
    publish(s);
}

void FakeSyncController::pause()
{
    commands.append(QStringLiteral("pause"));
    SyncStatus s = m_status;
    s.state = SyncStatus::State::Paused;
    publish(s);
}

void FakeSyncController::resume()
{
    commands.append(QStringLiteral("resume"));
    SyncStatus s = m_status;
    s.state = SyncStatus::State::Running;
    publish(s);
}

void FakeSyncController::reconcileNow()
{
    commands.append(QStringLiteral("reconcile"));
}

void FakeSyncController::setQueuePaused(bool paused)
{
    commands.append(paused ? QStringLiteral("queue paused") : QStringLiteral("queue resumed"));
}

void FakeSyncController::retryInbox(const QList<qint64> &ids)
{
    commands.append(QStringLiteral("retry ") + joined(ids));
    retried.append(ids);
    if (!m_store)
        return;
    auto r = ids.isEmpty() ? m_store->inbox().retryAll(QStringLiteral("console"))
                           : m_store->inbox().retry(ids, QStringLiteral("console"));
    if (!r) {
        later([this, e = r.error().message] { emit commandFailed(QStringLiteral("retry"), e); });
        return;
    }
    later([this] {
        emit inboxChanged();
        emit queueChanged();
    });
}

void FakeSyncController::discardInbox(const QList<qint64> &ids, const QString &reason)
{
    commands.append(QStringLiteral("discard ") + joined(ids) + u' ' + reason);
    discarded.append({ids, reason});
    if (!m_store)
        return;
    auto r = m_store->inbox().discard(ids, reason, QStringLiteral("console"));
    if (!r) {
        later([this, e = r.error().message] { emit commandFailed(QStringLiteral("discard"), e); });
        return;
    }
    later([this] { emit inboxChanged(); });
}

void FakeSyncController::cancelJob(qint64 outboxId)
{
    commands.append(QStringLiteral("cancel %1").arg(outboxId));
    cancelled.append(outboxId);
    if (!m_store)
        return;
    auto r = m_store->outbox().cancel(outboxId, QStringLiteral("console"));
    if (!r || *r == 0) {
        later([this] {
            emit commandFailed(QStringLiteral("cancel"),
                               QStringLiteral("The job is no longer pending."));
        });
        return;
    }
    later([this] { emit queueChanged(); });
}

void FakeSyncController::fetchLive(const QString &platformLeadId)
{
    commands.append(QStringLiteral("fetch ") + platformLeadId);
    fetched.append(platformLeadId);
}

void FakeSyncController::testConnection(const QString &system)
{
    commands.append(QStringLiteral("test ") + system);
    tested.append(system);
}

// Carried out on the test's store, as the worker would on its own connection.
void FakeSyncController::forgetPerson(const QString &email)
{
    commands.append(QStringLiteral("forget"));
    forgottenEmails.append(email);
    if (!m_store)
        return;
    auto r = PersonEraser(m_store->database(), m_store->clock())
                 .forget(email, QStringLiteral("console"));
    const bool ok = r.ok();
    const QString message = ok ? r->summary() : r.error().message;
    later([this, ok, message] {
        emit forgotten(ok, message);
        if (ok)
            emit queueChanged();
    });
}

void FakeSyncController::saveDestination(const QJsonObject &destination)
{
    const QString name = destination.value(QStringLiteral("name")).toString();
    commands.append(QStringLiteral("save destination ") + name);
    SyncStatus::Destination d;
    d.name = name;
    d.url = destination.value(QStringLiteral("url")).toString();
    for (const QJsonValue &e : destination.value(QStringLiteral("events")).toArray())
        d.events.append(e.toString());
    if (auto rule = DestinationRule::fromJson(destination.value(QStringLiteral("when"))))
        d.rule = rule->toText();
    SyncStatus s = m_status;
    s.destinations.append(d);
    publish(s);
}

void FakeSyncController::setDestinationEnabled(const QString &name, bool enabled)
{
    commands.append(QStringLiteral("%1 destination %2")
                        .arg(enabled ? QStringLiteral("enable") : QStringLiteral("disable"), name));
    SyncStatus s = m_status;
    for (SyncStatus::Destination &d : s.destinations) {
        if (d.name == name)
            d.enabled = enabled;
    }
    publish(s);
}

void FakeSyncController::testDestination(const QString &name)
{
    commands.append(QStringLiteral("test destination ") + name);
    later([this, name] { emit destinationTested(name, true, QStringLiteral("answered 200")); });
}

} // namespace lb::test
