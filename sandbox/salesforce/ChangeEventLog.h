#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <deque>
#include <functional>

namespace lb::sandbox {

// One Change Data Capture event as Salesforce retains it (SALESFORCE_API.md 8.5).
struct ChangeEvent
{
    qint64 replayId = 0;
    QString entityName; // Lead, People__c
    QString changeType; // CREATE | UPDATE | DELETE | UNDELETE | GAP_... | GAP_OVERFLOW
    QStringList recordIds;
    QString changeOrigin; // com/salesforce/api/rest/62.0;client=X, or empty
    QString transactionKey;
    int sequenceNumber = 0;
    qint64 commitTimestamp = 0; // epoch ms
    qint64 commitNumber = 0;
    QString commitUser;
    QStringList changedFields; // UPDATE only
    QJsonObject fields; // the payload besides the header

    // The channel of the object: Lead -> /data/LeadChangeEvent, People__c ->
    // /data/People__ChangeEvent.
    static QString channelFor(const QString &entityName);
    // The Bayeux "data" member: {schema, event:{replayId}, payload:{ChangeEventHeader, ...}}.
    QJsonObject toData() const;
};

// Change events of the org: staged by the DML path while a request runs, dropped again when
// the request rolls back, published (replay ids assigned, identical changes of one
// transaction merged into one event with several recordIds) when the request commits, and
// retained for 72 hours of sandbox time.
class ChangeEventLog
{
public:
    using Listener = std::function<void(const QList<ChangeEvent> &)>;

    static constexpr qint64 kRetentionMs = 72LL * 60 * 60 * 1000;
    static constexpr qint64 kNoEvents = 0; // the replay id "before the first event"

    // Objects with Change Data Capture enabled.
    static bool tracks(const QString &entityName);

    // During a request: the event of one committed record write (replayId, transactionKey,
    // sequenceNumber and commitNumber are assigned at commit).
    void stage(ChangeEvent event);
    qsizetype stagedCount() const { return m_staged.size(); }
    void dropStagedAfter(qsizetype count);
    // The request is over: publish what it staged, in order, to the retained list and the
    // listener.
    void commit();

    // Adds already-formed events (GAP events from the admin endpoint), as one transaction.
    void publish(QList<ChangeEvent> events, qint64 nowMs);

    // Drops events committed before nowMs - 72 h (or all, for the admin knob).
    void expire(qint64 nowMs);
    void expireAll();
    void clear();

    // A replayId a subscriber may resume after: no event after it has expired and it was
    // handed out (or is the "before everything" position).
    bool isValidReplayId(qint64 replayId) const;
    qint64 lastReplayId() const { return m_nextReplayId - 1; }
    // Retained events with replayId > after, oldest first.
    QList<ChangeEvent> after(qint64 after) const;
    const std::deque<ChangeEvent> &retained() const { return m_retained; }

    void setListener(Listener listener) { m_listener = std::move(listener); }

private:
    void append(QList<ChangeEvent> events);

    QList<ChangeEvent> m_staged;
    std::deque<ChangeEvent> m_retained;
    qint64 m_nextReplayId = 1;
    qint64 m_nextCommitNumber = 11'657'372'702'432; // arbitrary, of the real magnitude
    qint64 m_expiredUpTo = kNoEvents; // highest replayId dropped by retention
    Listener m_listener;
};

} // namespace lb::sandbox
