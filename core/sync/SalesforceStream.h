#pragma once

#include "Ports.h"
#include "SalesforceChangeProcessor.h"
#include "mapping/FieldMapping.h"
#include "salesforce/streaming/ChangeEventSource.h"
#include "store/Store.h"
#include "util/Clock.h"

#include <QMap>
#include <QObject>
#include <QTimer>

#include <deque>

namespace lb {

// Salesforce -> platform on Change Data Capture: subscribes the Lead and People__c change
// channels from the replayIds stored in the watermarks ("stream:<channel>"), reads the records
// each event names (an event carries only the changed fields) through the same SOQL as the
// poll and hands them to the SalesforceChangeProcessor. Events are handled in arrival order, a
// run of events on one channel by one read; a channel's replayId is stored in the transaction
// that takes in the records its events named, so a crash neither loses an event nor takes it
// in twice.
// Our own writes (changeOrigin client = the profile's call-options client) are not read.
// Only one process consumes an org's stream: the holder of the store's lease "salesforce.stream"
// (one store syncs one org). It renews the lease while it runs; a process that cannot take it
// stands by (state "standby", the backstop poll goes on) and takes over once it expires.
class SalesforceStream : public QObject
{
    Q_OBJECT
public:
    struct Stats
    {
        int events = 0;
        int echoes = 0; // own writes, not read
        int reads = 0; // SOQL reads of named records
        SalesforceChangeProcessor::Stats changes;
    };

    SalesforceStream(Store &store, SalesforcePort &port, SalesforceChangeProcessor &processor,
                     salesforce::streaming::ChangeEventSource &source, const ObjectMapping &leads,
                     const ObjectMapping &agents, QString ownClient, const Clock &clock,
                     qint64 leaseMs, QString holder, QObject *parent = nullptr);

    static constexpr const char *kLeaseName = "salesforce.stream";

    // Subscribes from the stored replayIds (-1 for a channel never consumed) once it holds the
    // lease; until then it tries again every third of the lease.
    Result<void> start();
    // Whether the last start() resumed every channel from a stored replayId: then the events
    // missed while stopped are replayed and no catch-up poll is needed.
    bool resumed() const { return m_resumed; }
    void stop();

    static QString channelFor(const QString &sobject); // Lead -> /data/LeadChangeEvent
    static QString watermarkName(const QString &channel)
    {
        return QStringLiteral("stream:") + channel;
    }
    // Salesforce record ids are 15 or 18 letters and digits; anything else is not queried.
    static bool isRecordId(const QString &id);

    const Stats &stats() const { return m_stats; }
    qint64 lastEventAt() const { return m_lastEventAt; }
    QString problem() const { return m_problem; }
    QString stateName() const; // stopped | standby | connecting | connected | backoff
    QStringList subscribedChannels() const { return m_source.subscribedChannels(); }
    // The replayId stored per channel (what a restart resumes from).
    const QMap<QString, qint64> &replayIds() const { return m_replayIds; }
    const QString &leaseHolder() const { return m_holder; }

signals:
    // The records of `sobject` changed while the stream could not say which (an expired
    // replayId, a GAP_OVERFLOW): the caller runs a catch-up poll.
    void catchUpNeeded(const QString &channel, const QString &why);
    void changesTaken(const lb::SalesforceChangeProcessor::Stats &stats);
    // The server had dropped the client; the stream is connected again and replays from the
    // stored replayIds what it had not delivered: nothing to poll for.
    void resumedAfterDrop(const QString &channels, const QString &why);
    void problemChanged(const QString &problem);

private:
    Result<void> subscribe();
    void renewLease();
    void stopSource();
    void onEvent(const salesforce::streaming::ChangeEvent &event);
    void onError(const salesforce::streaming::StreamError &error);
    void pump();
    void page(bool leads, const Result<RecordPage> &result);
    void finishEvents(int count); // the first `count` events need no read
    void advance(int count); // the first `count` events are in the store: on to the next
    bool isEcho(const salesforce::streaming::ChangeEvent &event) const;
    Result<void> storeReplayId(const salesforce::streaming::ChangeEvent &event);
    void retryLater(const Error &why);
    void setProblem(const QString &problem);

    Store &m_store;
    SalesforcePort &m_port;
    SalesforceChangeProcessor &m_processor;
    salesforce::streaming::ChangeEventSource &m_source;
    const ObjectMapping &m_leads;
    const ObjectMapping &m_agents;
    QString m_ownClient;
    const Clock &m_clock;
    std::deque<salesforce::streaming::ChangeEvent> m_pending;
    bool m_busy = false;
    int m_run = 0; // events the read in flight covers (from the front)
    bool m_running = false;
    bool m_resumed = false;
    bool m_subscribed = false; // holds the lease and started the source
    QTimer m_retry;
    QTimer m_lease;
    qint64 m_leaseMs;
    QString m_holder; // this process (its worker id), in the lease
    QMap<QString, qint64> m_replayIds;
    QString m_dropped; // why the server dropped the client, until connected again
    std::unique_ptr<QObject> m_reads; // context of the reads in flight; replaced by stop()
    Stats m_stats;
    qint64 m_lastEventAt = 0;
    QString m_problem;
};

} // namespace lb
