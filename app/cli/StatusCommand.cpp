#include "StatusCommand.h"

#include "engine/StoredStatus.h"
#include "store/ProcessStore.h"
#include "store/Store.h"
#include "sync/SyncStatus.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

namespace lb::cli {
namespace {

QString when(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate)
                  : QStringLiteral("never");
}

QString limitsLine(const ApiLimits &l)
{
    if (!l.isKnown())
        return QStringLiteral("unknown");
    return QStringLiteral("%1 / %2 (%3%)").arg(l.used).arg(l.max).arg(qRound(l.usageRatio() * 100));
}

// How Salesforce changes are learnt: the change stream's state, or the poll.
QString changesLine(const SyncStatus &s)
{
    if (s.streamState == QLatin1String("off"))
        return QStringLiteral("polled, last poll %1").arg(when(s.lastPollSalesforce));
    QString line = QStringLiteral("stream %1, %2 event(s) (%3 own writes), last %4")
                       .arg(s.streamState)
                       .arg(s.streamEvents)
                       .arg(s.streamEchoes)
                       .arg(when(s.lastStreamEvent));
    for (const SyncStatus::StreamChannel &c : s.streamChannels)
        line += QStringLiteral("; %1 %2 at replayId %3")
                    .arg(c.channel,
                         c.subscribed ? QStringLiteral("subscribed")
                                      : QStringLiteral("not subscribed"))
                    .arg(c.replayId);
    if (s.streamCatchUpAt > 0)
        line += s.streamCaughtUpAt > 0
            ? QStringLiteral("; caught up after a gap at %1 (%2)")
                  .arg(when(s.streamCaughtUpAt), s.streamCatchUpWhy)
            : QStringLiteral("; catching up after a gap (%1)").arg(s.streamCatchUpWhy);
    if (!s.streamProblem.isEmpty())
        line += QStringLiteral("; problem: ") + s.streamProblem;
    return line;
}

} // namespace

int runStatus(CliContext &ctx)
{
    QCommandLineParser parser;
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON."));
    parser.addOption(json);
    if (!parser.parse(QStringList {QStringLiteral("leadbridge status")} + ctx.args)) {
        ctx.err << parser.errorText() << Qt::endl;
        return ConfigError;
    }
    auto store = Store::open(ctx.store, Clock::system(), QStringLiteral("cli"));
    if (!store) {
        ctx.err << store.error().message << Qt::endl;
        return ConfigError;
    }
    // The worker's last snapshot (breakers, limits, times) plus the store's live counts.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    auto read = fleet::readStatus(**store, now);
    if (!read) {
        ctx.err << read.error().message << Qt::endl;
        return Failed;
    }
    const SyncStatus status = *read;
    // The engines sharing the store, by their heartbeats.
    auto heartbeats = ProcessStore((*store)->database()).since(now - fleet::ListedWithinMs);
    if (!heartbeats) {
        ctx.err << heartbeats.error().message << Qt::endl;
        return Failed;
    }
    if (parser.isSet(json)) {
        QJsonObject o = status.toJson();
        QJsonArray processes;
        for (const FleetProcess &p : *heartbeats)
            processes.append(p.toJson(now, fleet::AliveWithinMs));
        o.insert(QStringLiteral("fleet"), processes);
        // The age of the stream's last event, as of now (the snapshot may be older).
        QJsonObject stream = o.value(QStringLiteral("stream")).toObject();
        stream.insert(QStringLiteral("last_event_age_ms"),
                      status.lastStreamEvent > 0 ? QJsonValue(now - status.lastStreamEvent)
                                                 : QJsonValue());
        o.insert(QStringLiteral("stream"), stream);
        o.insert(QStringLiteral("profile"), ctx.profile.name);
        o.insert(QStringLiteral("store"), ctx.store.displayUrl());
        ctx.out << QJsonDocument(o).toJson(QJsonDocument::Indented);
        return Ok;
    }
    ctx.out << "Profile:        " << ctx.profile.name << " (" << ctx.store.displayUrl() << ")\n"
            << "State:          " << SyncStatus::stateName(status.state)
            << (status.detail.isEmpty() ? QString() : QStringLiteral(" - ") + status.detail) << "\n"
            << "Queue:          " << status.queue.pending << " pending (" << status.queue.due
            << " due), " << status.queue.inFlight << " in flight\n"
            << "Inbox:          " << status.queue.inbox << " open\n"
            << "Platform -> SF: last delivery " << when(status.lastPlatformToSalesforce) << "\n"
            << "SF -> Platform: last delivery " << when(status.lastSalesforceToPlatform) << "\n"
            << "SF changes:     " << changesLine(status) << "\n"
            << "Salesforce API: " << limitsLine(status.salesforceLimits) << "\n"
            << "Platform API:   " << limitsLine(status.platformLimits) << "\n";
    for (const auto &b : status.breakers)
        ctx.out << "Breaker " << b.name << ": " << b.state << "\n";
    ctx.out << "Next reconcile: " << when(status.nextReconcileAt) << "\n";
    for (const FleetProcess &p : *heartbeats)
        ctx.out << "Process " << p.workerId << " (" << p.role << ", " << p.version
                << "): " << (now - p.heartbeatAt <= fleet::AliveWithinMs ? "alive" : "silent")
                << ", heartbeat " << when(p.heartbeatAt) << ", duties "
                << (p.duties.isEmpty() ? QStringLiteral("none")
                                       : p.duties.join(QStringLiteral(", ")))
                << ", " << p.deliveriesLastMinute << " delivered in the last minute\n";
    ctx.out << Qt::flush;
    return Ok;
}

} // namespace lb::cli
