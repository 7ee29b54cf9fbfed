#include "Bulk2JobPoller.h"

#include "Bulk2Client.h"

#include <QPointer>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace lb::salesforce {

struct Bulk2JobPoller::Run
{
    QString jobId;
    bool isQuery = false;
    QPointer<QObject> guard;
    Progress onProgress;
    Done done;
    int delayMs = 0;
    qint64 waitedMs = 0;
    int failuresInRow = 0;
};

Bulk2JobPoller::Bulk2JobPoller(Bulk2Client &client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{ }

void Bulk2JobPoller::poll(const QString &jobId, bool isQuery, QObject *context, Progress onProgress,
                          Done done)
{
    auto run = std::make_shared<Run>();
    run->jobId = jobId;
    run->isQuery = isQuery;
    run->guard = context ? context : this;
    run->onProgress = std::move(onProgress);
    run->done = std::move(done);
    run->delayMs = m_backoff.initialMs;
    if (m_backoff.waitBeforeFirstPoll)
        wait(std::move(run));
    else
        step(std::move(run));
}

void Bulk2JobPoller::step(std::shared_ptr<Run> run)
{
    if (!run->guard)
        return;
    m_client.jobInfo(run->jobId, run->isQuery, run->guard, [this, run](Result<Bulk2Job> job) {
        if (!job) {
            if (!job.error().retryable || ++run->failuresInRow > m_backoff.maxTransientFailures)
                return run->done(job.error());
            return wait(run);
        }
        run->failuresInRow = 0;
        if (job->isTerminal())
            return run->done(std::move(job));
        if (job->state == Bulk2Job::State::Unknown)
            return run->done(
                Error {u"unexpected_response"_s,
                       u"Bulk job %1 is in a state this client does not know: %2"_s.arg(
                           run->jobId, job->stateName),
                       0, false});
        if (run->onProgress)
            run->onProgress(*job);
        wait(run);
    });
}

void Bulk2JobPoller::wait(std::shared_ptr<Run> run)
{
    if (run->waitedMs >= m_backoff.timeoutMs) {
        return run->done(Error {u"bulk_poll_timeout"_s,
                                u"Bulk job %1 did not finish within %2 s; it keeps running in "
                                u"Salesforce and can be collected later."_s.arg(run->jobId)
                                    .arg(m_backoff.timeoutMs / 1000),
                                0, true});
    }
    const int delay = run->delayMs;
    run->waitedMs += delay;
    run->delayMs = qMin(m_backoff.maxMs, qMax(delay + 1, int(delay * m_backoff.factor)));
    QTimer::singleShot(delay, this, [this, run] { step(run); });
}

} // namespace lb::salesforce
