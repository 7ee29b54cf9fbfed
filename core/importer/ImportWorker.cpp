#include "ImportWorker.h"

#include "store/Store.h"

#include <QTimer>

namespace lb {

ImportWorker::ImportWorker(StoreConfig store, const Clock &clock, ObjectMapping leadMapping,
                           QObject *parent)
    : QObject(parent)
    , m_config(std::move(store))
    , m_clock(clock)
    , m_mapping(std::move(leadMapping))
{
    qRegisterMetaType<lb::ImportReport>();
    qRegisterMetaType<lb::ImportOutcome>();
    qRegisterMetaType<lb::BulkImportProgress>();
}

ImportWorker::~ImportWorker() = default;

void ImportWorker::analyse(const QString &path)
{
    m_cancel.store(false);
    m_plan.reset();
    auto plan = ImportPlan::fromFile(path);
    if (!plan) {
        emit failed(plan.error().message);
        return;
    }
    m_plan = std::move(*plan);
    check();
}

void ImportWorker::remap(const QStringList &columnFields)
{
    if (!m_plan) {
        emit failed(tr("Choose a file first."));
        return;
    }
    m_cancel.store(false);
    if (auto r = m_plan->setColumnFields(columnFields);
        !r && r.error().code != QLatin1String("import_mapping")) {
        emit failed(r.error().message);
        return;
    }
    check(); // a mapping problem shows in the report as the file error
}

void ImportWorker::check()
{
    emit analysed(m_plan->analyse(
        m_mapping,
        [this](int done, int total) { emit progress(total > 0 ? done * 100 / total : 0); },
        &m_cancel));
}

void ImportWorker::deliver(bool dryRun)
{
    if (!m_plan) {
        emit failed(tr("Choose a file first."));
        return;
    }
    m_cancel.store(false);
    m_abortBulk.store(false);
    stopWatching();
    auto store = Store::open(m_config, m_clock, QStringLiteral("import"));
    if (!store) {
        emit failed(store.error().message);
        return;
    }
    const qint64 startedAt = m_clock.nowMs();
    auto outcome = m_plan->deliver(
        **store, m_mapping, startedAt, dryRun,
        [this](int done, int total) { emit progress(total > 0 ? done * 100 / total : 0); },
        &m_cancel);
    if (!outcome) {
        emit failed(outcome.error().message);
        return;
    }
    outcome->bulk = !dryRun && outcome->delivered + outcome->duplicates > m_bulkThreshold;
    emit delivered(*outcome);
    if (outcome->bulk) {
        m_watchStore = std::move(*store);
        watchBulk(startedAt);
    }
}

void ImportWorker::watchBulk(qint64 sinceMs)
{
    m_watchSince = sinceMs;
    m_abortAsked = false;
    m_lastShown.clear();
    if (!m_watchTimer) {
        m_watchTimer = new QTimer(this);
        connect(m_watchTimer, &QTimer::timeout, this, &ImportWorker::watchStep);
    }
    m_watchTimer->start(250);
}

void ImportWorker::watchStep()
{
    auto progress = BulkImportProgress::read(*m_watchStore, m_watchSince);
    if (!progress) {
        stopWatching();
        emit failed(tr("The import's progress cannot be read: %1").arg(progress.error().message));
        return;
    }
    if (m_abortBulk.load() && !m_abortAsked) {
        m_abortAsked = true;
        QStringList open;
        for (const IngestJobProgress &job : std::as_const(progress->jobs)) {
            if (job.state != QLatin1String("done"))
                open.append(job.jobId);
        }
        if (open.isEmpty() && !progress->finished()) {
            // No job yet: the engine has not taken the import up; nothing to abort.
            stopWatching();
            emit bulkFinished(*progress);
            return;
        }
        if (auto marked = m_watchStore->ingestJobs().requestAbort(open); !marked) {
            stopWatching();
            emit failed(tr("The import could not be cancelled: %1").arg(marked.error().message));
            return;
        }
        progress = BulkImportProgress::read(*m_watchStore, m_watchSince);
        if (!progress) {
            stopWatching();
            emit failed(progress.error().message);
            return;
        }
    }
    if (progress->finished()) {
        stopWatching();
        emit bulkFinished(*progress);
        return;
    }
    // Only what changed goes out (the engine stores a poll's counters, not a stream of them).
    QString shown;
    for (const IngestJobProgress &job : std::as_const(progress->jobs))
        shown += BulkImportProgress::line(job) + (job.abortRequested ? u'!' : u'\n');
    if (shown != m_lastShown) {
        m_lastShown = shown;
        emit bulkProgress(*progress);
    }
}

void ImportWorker::stopWatching()
{
    if (m_watchTimer)
        m_watchTimer->stop();
    m_watchStore.reset();
}

} // namespace lb
