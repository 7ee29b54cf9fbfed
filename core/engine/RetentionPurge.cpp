#include "RetentionPurge.h"

#include "DutyRoster.h"
#include "log/Logging.h"
#include "store/Duties.h"
#include "store/Store.h"

#include <QTimer>

#include <iterator>

namespace lb {
namespace {

constexpr RetentionKind Kinds[]
    = {RetentionKind::InboundEvents, RetentionKind::FinishedJobs, RetentionKind::AuditDetails};
constexpr qint64 CheckEveryMs = 10 * 60 * 1000;

} // namespace

QString RetentionStats::summary() const
{
    QString s = QStringLiteral("retention purge: %1 inbound events, %2 finished jobs, %3 audit "
                               "details in %4 batches, %5 ms")
                    .arg(inboundEvents)
                    .arg(finishedJobs)
                    .arg(auditDetails)
                    .arg(batches)
                    .arg(elapsedMs);
    if (!error.isEmpty())
        s += QStringLiteral("; stopped: ") + error;
    return s;
}

RetentionPurge::RetentionPurge(const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_clock(clock)
{ }

void RetentionPurge::run(Database &db, const Profile::Retention &days,
                         std::function<void(const RetentionStats &)> done)
{
    if (m_db) {
        done(RetentionStats {0, 0, 0, 0, 0, QStringLiteral("a purge is already running")});
        return;
    }
    m_db = &db;
    m_done = std::move(done);
    m_stats = {};
    m_kind = 0;
    m_afterId = 0;
    m_startedAt = m_clock.nowMs();
    m_cutoffs[0] = m_startedAt - days.inboundEventsDays * DayMs;
    m_cutoffs[1] = m_startedAt - days.finishedJobsDays * DayMs;
    m_cutoffs[2] = m_startedAt - days.auditDetailsDays * DayMs;
    step();
}

// One batch, then back to the event loop (a zero timer, not a loop here): what else the
// thread has to do runs between two batches.
void RetentionPurge::step()
{
    if (!m_db)
        return;
    if (m_kind >= int(std::size(Kinds))) {
        finish(QString());
        return;
    }
    const RetentionKind kind = Kinds[m_kind];
    auto batch = RetentionStore(*m_db).purgeBatch(kind, m_cutoffs[m_kind], m_afterId, m_batch);
    if (!batch) {
        finish(RetentionStore::nameOf(kind) + QStringLiteral(": ") + batch.error().toString());
        return;
    }
    if (batch->rows > 0) {
        ++m_stats.batches;
        int &counter = kind == RetentionKind::InboundEvents ? m_stats.inboundEvents
            : kind == RetentionKind::FinishedJobs           ? m_stats.finishedJobs
                                                            : m_stats.auditDetails;
        counter += batch->rows;
    }
    if (batch->more) {
        m_afterId = batch->lastId;
    } else {
        ++m_kind;
        m_afterId = 0;
    }
    QTimer::singleShot(0, this, &RetentionPurge::step);
}

void RetentionPurge::finish(const QString &error)
{
    m_stats.error = error;
    m_stats.elapsedMs = m_clock.nowMs() - m_startedAt;
    m_db = nullptr;
    auto done = std::move(m_done);
    m_done = nullptr;
    emit finished(m_stats);
    if (done)
        done(m_stats);
}

void RetentionPurge::tick(Store &store, DutyRoster &duties, const Profile::Retention &days)
{
    const qint64 now = m_clock.nowMs();
    if (isRunning() || now < m_nextCheckAt)
        return;
    m_nextCheckAt = now + CheckEveryMs;
    if (!duties.mayRun(duty::Retention))
        return;
    auto last = store.watermarks().get(watermarkName());
    if (!last) {
        qCWarning(lcSync) << "cannot read when the store was last purged:"
                          << last.error().toString();
        return;
    }
    if (last->has_value() && now - (*last)->toLongLong() < DayMs)
        return;
    Store *s = &store;
    run(store.database(), days, [s, now](const RetentionStats &stats) {
        if (!stats.error.isEmpty()) {
            // Tried again at the next check; the batches done stay done.
            qCWarning(lcSync).noquote() << stats.summary();
            return;
        }
        qCInfo(lcSync).noquote() << stats.summary();
        if (auto w = s->watermarks().set(watermarkName(), QString::number(now)); !w)
            qCWarning(lcSync) << "cannot note the purge:" << w.error().toString();
    });
}

} // namespace lb
