#pragma once

#include "Ports.h"
#include "SalesforceSideEvents.h"
#include "SyncPlanner.h"
#include "store/Store.h"

#include <QObject>

namespace lb {

// Re-aligns both systems (hourly by default, or on demand): reads every linked lead and the
// whole roster on both sides, refreshes the mirror with what each side really holds, counts the
// differences (missing on a side, content differing), enqueues the writes that repair them and
// stores a report with counts and sample differences. With more leads in the mirror than
// `bulkThreshold`, Salesforce's leads are read through one Bulk API 2.0 query job (queryAll,
// page by page) instead of REST pages of 2,000.
class Reconciler : public QObject
{
    Q_OBJECT
public:
    Reconciler(Store &store, SalesforcePort &salesforce, PlatformPort &platform,
               const SyncPlanner &leads, const SyncPlanner &agents, const Clock &clock,
               QString actor, int bulkThreshold, QObject *parent = nullptr);

    void run(const QString &trigger, std::function<void(Result<ReconcileReport>)> done);
    bool isRunning() const { return m_running; }
    // A status change, conversion, deletion or roster change in Salesforce that only the
    // reconcile found (missed by the stream and the poll) reaches destinations too.
    void setFanout(const DestinationFanout *fanout) { m_events.setFanout(fanout); }

private:
    struct Snapshot;
    void readPlatformLeads(std::shared_ptr<Snapshot> s, const QString &cursor);
    void readPlatformAgents(std::shared_ptr<Snapshot> s, const QString &cursor);
    void readSalesforce(std::shared_ptr<Snapshot> s, bool leads, const Result<RecordPage> &page);
    void readSalesforceLeads(std::shared_ptr<Snapshot> s);
    void takeSalesforceLead(Snapshot &s, const QJsonObject &record);
    void compare(std::shared_ptr<Snapshot> s);
    Result<void> compareAndRepair(Snapshot &s);
    void fail(std::shared_ptr<Snapshot> s, const Error &error);

    Store &m_store;
    SalesforcePort &m_salesforce;
    PlatformPort &m_platform;
    const SyncPlanner &m_leads;
    const SyncPlanner &m_agents;
    const Clock &m_clock;
    QString m_actor;
    int m_bulkThreshold;
    bool m_running = false;
    SalesforceSideEvents m_events;
};

} // namespace lb
