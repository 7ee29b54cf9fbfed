#pragma once

#include "Ports.h"
#include "SalesforceChangeProcessor.h"
#include "store/Store.h"

#include <QObject>

#include <functional>

namespace lb {

struct PollStats
{
    int pages = 0;
    int records = 0;
    int newEvents = 0; // platform: stored events not seen before
    int rejected = 0; // platform: unreadable records parked in the inbox (new ones only)
    SalesforceChangeProcessor::Stats changes; // Salesforce: what the processor made of them
};

// Reads platform leads changed since the watermark (minus an overlap window, so leads written
// late with an older updated_at, and ties on updated_at across pages, are never skipped) and
// stores each as an inbound event; duplicates collapse on the event id "poll:<id>:<ts>:<ver>".
// A listed record that cannot be read becomes an inbox item of its own, with its raw JSON as
// the payload (parked like a job that failed validation), and the rest of the page goes on.
class PlatformPoller : public QObject
{
    Q_OBJECT
public:
    PlatformPoller(Store &store, PlatformPort &port, const Clock &clock, qint64 overlapMs,
                   QString actor, QObject *parent = nullptr);
    void poll(std::function<void(Result<PollStats>)> done);
    static QString watermarkName() { return QStringLiteral("platform.leads"); }

private:
    void fetch(const QString &cursor, qint64 since, std::shared_ptr<PollStats> stats,
               std::shared_ptr<qint64> newest, std::function<void(Result<PollStats>)> done);
    // Stores one page (events and parked rejections) in one transaction.
    Result<void> store(const RecordPage &page, PollStats &stats, qint64 &newest);
    Result<bool> park(const RejectedRecord &rejected);

    Store &m_store;
    PlatformPort &m_port;
    const Clock &m_clock;
    qint64 m_overlapMs;
    QString m_actor;
};

// Reads Leads and the People__c roster changed since the watermark, with the Recycle Bin
// (queryAll: deletions too), in (SystemModstamp, Id) order, following nextRecordsUrl pages,
// and hands each page to the SalesforceChangeProcessor. The watermark is a keyset position,
// the (SystemModstamp, Id) of the last record processed, stored after every page; a pass
// resumes right after it, or poll_overlap_s earlier when an overlap is set.
// The initial load of the leads (no position stored yet) reads its first page through REST;
// when that page says the query matches more than `bulkThreshold` leads, the rest (keyset after
// that page) is read through one Bulk API 2.0 queryAll job, page by page, each page processed
// and its position stored as a REST page is.
class SalesforcePoller : public QObject
{
    Q_OBJECT
public:
    SalesforcePoller(Store &store, SalesforcePort &port, SalesforceChangeProcessor &processor,
                     const ObjectMapping &leads, const ObjectMapping &agents, qint64 overlapMs,
                     int bulkThreshold, QObject *parent = nullptr);
    void poll(std::function<void(Result<PollStats>)> done);
    static QString watermarkName(const QString &sobject)
    {
        return QStringLiteral("salesforce.") + sobject;
    }
    // The SOQL for one object since `sinceMs` (0 = everything), or with `afterId`, after the
    // keyset position (sinceMs, afterId).
    static QString soqlFor(const ObjectMapping &mapping, bool leads, qint64 sinceMs,
                           const QString &afterId = {});
    // The same fields for the records `ids` (a change event names them; it carries only the
    // fields that changed, so the records are read whole).
    static QString soqlForIds(const ObjectMapping &mapping, bool leads, const QStringList &ids);

private:
    void pollObject(bool leads, std::shared_ptr<PollStats> stats,
                    std::function<void(Result<void>)> done);
    void page(bool leads, const Result<RecordPage> &result, std::shared_ptr<PollStats> stats,
              bool initialLoad, std::function<void(Result<void>)> done);
    // Processes one page of records and stores the position of its last one.
    // Takes one page of records read by `origin` ("poll", or "bulk" for a query job's rows).
    Result<void> take(bool leads, const QList<QJsonObject> &records, const QString &origin,
                      PollStats &stats);
    void readRemainderInBulk(const QJsonObject &after, std::shared_ptr<PollStats> stats,
                             std::function<void(Result<void>)> done);

    Store &m_store;
    SalesforcePort &m_port;
    SalesforceChangeProcessor &m_processor;
    const ObjectMapping &m_leads;
    const ObjectMapping &m_agents;
    qint64 m_overlapMs;
    int m_bulkThreshold;
};

} // namespace lb
