#include "CommandListener.h"

#include "StoredStatus.h"
#include "log/Logging.h"
#include "store/Store.h"

#include <QSqlDatabase>
#include <QSqlDriver>

namespace lb {
namespace {

constexpr int SqlitePollMs = 1000;
constexpr int BackstopPollMs = 10'000;

QSqlDriver *driverOf(Database &db)
{
    return QSqlDatabase::database(db.connectionName(), false).driver();
}

} // namespace

CommandListener::CommandListener(QObject *parent)
    : QObject(parent)
    , m_poll(this)
{
    connect(&m_poll, &QTimer::timeout, this, &CommandListener::look);
}

CommandListener::~CommandListener()
{
    stop();
}

void CommandListener::start(Store &store, const QString &worker,
                            std::function<bool()> holdsReconcile, int pollMs)
{
    if (m_store)
        return;
    m_store = &store;
    m_worker = worker;
    m_holdsReconcile = std::move(holdsReconcile);
    if (store.database().dialect() == SqlDialect::Postgres) {
        // A connection of its own that runs no statement: the engine's connection is busy with
        // queries, during which libpq reads (and queues) a notification without the driver
        // noticing until the socket is readable again.
        auto listen = Database::open(store.database().config(), QStringLiteral("commands-listen"));
        QSqlDriver *driver = listen ? driverOf(**listen) : nullptr;
        m_subscribed = driver && driver->subscribeToNotification(command::Channel);
        if (m_subscribed) {
            m_listen = std::move(*listen);
            connect(driver, &QSqlDriver::notification, this, [this](const QString &name) {
                if (name == command::Channel)
                    look();
            });
        } else {
            qCWarning(lcSync) << "cannot listen for commands; polling for them instead";
        }
    }
    m_poll.start(pollMs > 0 ? pollMs : m_subscribed ? BackstopPollMs : SqlitePollMs);
    look();
}

void CommandListener::stop()
{
    m_poll.stop();
    if (m_listen)
        if (QSqlDriver *driver = driverOf(*m_listen)) {
            disconnect(driver, &QSqlDriver::notification, this, nullptr);
            driver->unsubscribeFromNotification(command::Channel);
        }
    m_listen.reset();
    m_subscribed = false;
    m_store = nullptr;
    m_paused.reset();
}

void CommandListener::look()
{
    // A command carried out synchronously may lead back here (a notification read meanwhile).
    if (!m_store || m_looking)
        return;
    m_looking = true;
    CommandStore commands(*m_store);
    if (auto paused = commands.fleetPaused(); !paused) {
        qCWarning(lcSync) << "cannot read the fleet's pause flag:" << paused.error().toString();
    } else if (!m_paused || *m_paused != *paused) {
        const bool first = !m_paused;
        m_paused = *paused;
        if (!first || *paused)
            emit pauseChanged(*paused);
    }
    // The reconcile's holder is asked only when a reconcile waits (asking may renew a lease).
    std::optional<bool> holds;
    auto open = commands.unclaimed(true);
    if (!open) {
        qCWarning(lcSync) << "cannot read the commands:" << open.error().toString();
        m_looking = false;
        return;
    }
    const qint64 aliveSince = m_store->clock().nowMs() - fleet::AliveWithinMs;
    for (const FleetCommand &c : std::as_const(*open))
        take(commands, c, false, aliveSince, holds);
    // Those whose claimer died before answering.
    if (m_store) {
        auto orphans = commands.orphaned(true, m_worker, aliveSince);
        if (!orphans)
            qCWarning(lcSync) << "cannot read the orphaned commands:" << orphans.error().toString();
        else
            for (const FleetCommand &c : std::as_const(*orphans))
                take(commands, c, true, aliveSince, holds);
    }
    m_looking = false;
}

void CommandListener::take(CommandStore &commands, const FleetCommand &c, bool orphan,
                           qint64 aliveSinceMs, std::optional<bool> &holds)
{
    if (!m_store)
        return; // stopped by a command carried out
    if (c.kind == command::Reconcile) {
        if (!holds)
            holds = m_holdsReconcile && m_holdsReconcile();
        if (!*holds)
            return;
    }
    auto won
        = orphan ? commands.reclaim(c, m_worker, aliveSinceMs) : commands.claim(c.id, m_worker);
    if (!won) {
        qCWarning(lcSync) << "cannot claim command" << c.id << won.error().toString();
        return;
    }
    if (*won == 0)
        return; // another process took it (or its claimer came back)
    FleetCommand mine = c;
    mine.claimedBy = m_worker;
    mine.claimedAt = *won;
    if (orphan)
        qCInfo(lcSync).noquote() << "command" << c.id << "taken over from" << c.claimedBy
                                 << "(no heartbeat since it claimed it)";
    QJsonObject arguments;
    const QString why = command::validate(c.kind, c.arguments, &arguments);
    if (!why.isEmpty()) {
        qCWarning(lcSync).noquote() << "command" << c.id << "refused:" << why;
        finish(mine, false, why);
        return;
    }
    qCInfo(lcSync).noquote() << "command" << c.id << c.kind << "from" << c.issuedBy;
    emit claimed(mine, arguments);
}

void CommandListener::finish(const FleetCommand &command, bool ok, const QString &outcome)
{
    if (!m_store)
        return;
    auto r = CommandStore(*m_store).finish(command.id, m_worker, command.claimedAt, ok, outcome);
    if (!r)
        qCWarning(lcSync) << "cannot record the outcome of command" << command.id
                          << r.error().toString();
    else if (!*r)
        qCWarning(lcSync) << "command" << command.id
                          << "was taken over by another process; its outcome here is dropped";
}

} // namespace lb
