#pragma once

#include "Bulk2Job.h"

#include <QObject>

#include <functional>

namespace lb::salesforce {

class Bulk2Client;

// Polls a Bulk API 2.0 job until it is JobComplete, Failed or Aborted, waiting between polls
// on timers (no nested event loop): initialMs, then growing by `factor` up to maxMs. A poll
// that fails transiently (network, 5xx, limits) is retried on the same schedule up to
// maxTransientFailures in a row. Waiting longer than timeoutMs in all is "bulk_poll_timeout".
class Bulk2JobPoller : public QObject
{
    Q_OBJECT
public:
    struct Backoff
    {
        int initialMs = 250;
        int maxMs = 10'000;
        double factor = 1.5;
        qint64 timeoutMs = 60LL * 60 * 1000;
        int maxTransientFailures = 5;
        // Wait initialMs before the first poll too (a job just closed is not done yet; every
        // poll is an API call).
        bool waitBeforeFirstPoll = false;
    };
    using Progress = std::function<void(const Bulk2Job &)>;
    using Done = std::function<void(Result<Bulk2Job>)>;

    explicit Bulk2JobPoller(Bulk2Client &client, QObject *parent = nullptr);

    void setBackoff(const Backoff &backoff) { m_backoff = backoff; }
    const Backoff &backoff() const { return m_backoff; }

    // `onProgress` sees every answer before the end (counters for progress bars); `done` gets
    // the terminal job (Failed and Aborted included: the caller decides what they mean).
    void poll(const QString &jobId, bool isQuery, QObject *context, Progress onProgress, Done done);

private:
    struct Run;
    void step(std::shared_ptr<Run> run);
    void wait(std::shared_ptr<Run> run);

    Bulk2Client &m_client;
    Backoff m_backoff;
};

} // namespace lb::salesforce
