#pragma once

#include "Ports.h"
#include "SalesforceChangeProcessor.h"
#include "SyncPlanner.h"
#include "store/Store.h"

#include <QObject>
#include <QStringList>

#include <functional>
#include <optional>

namespace lb {

// Reads leads again, before a resend, where the mirror's knowledge may be stale, and observes
// what was read into the mirror:
//  - a job tried before with no recorded outcome (the worker died mid-call, the lease ran out,
//    recording its answer failed): what the target holds now, so a write that did land is found
//    and not sent again;
//  - a job an admin retried from the inbox: the platform record, so data fixed at the source is
//    what goes out.
// `then` always runs. A Salesforce check that fails (the call, or keeping what it read) names
// the leads it left unchecked, so their resend waits instead of going out blind; a platform read
// that fails leaves the mirror as it was (the retry plans from it).
class MirrorRefresh : public QObject
{
    Q_OBJECT
public:
    // The leads a Salesforce check could not read (or keep), and why.
    struct Unchecked
    {
        QStringList platformIds;
        std::optional<Error> error; // the first failure
        bool callFailed = false; // the error is Salesforce's answer (not the store's)
    };

    MirrorRefresh(Store &store, SalesforcePort &salesforce, PlatformPort &platform,
                  const SyncPlanner &leads, const SyncPlanner &agents, QString platformDelete,
                  const QString &actor, QObject *parent = nullptr);

    // Leads by platform id, read from Salesforce 100 at a time with one SOQL query each.
    void fromSalesforce(const QStringList &platformIds,
                        std::function<void(const Unchecked &)> then);
    // Leads by platform id, read from the platform one by one.
    void fromPlatform(const QStringList &platformIds, std::function<void()> then);

private:
    // Takes in one page of Salesforce's leads `chunk` names (the Recycle Bin's too) as one
    // unit: what was read goes through the SalesforceChangeProcessor (a user's edit goes on to
    // the platform, a deletion becomes a tombstone), a platform tombstone found created there is
    // closed or deleted, a lead not found did not land.
    Result<void> observe(const QStringList &chunk, const QList<QJsonObject> &records,
                         const QHash<QString, MirrorRecord> &mirrors);
    void fromSalesforceFrom(const QStringList &platformIds, Unchecked unchecked,
                            std::function<void(const Unchecked &)> then);
    void fromPlatformAt(const QStringList &platformIds, int index, std::function<void()> then);

    Store &m_store;
    SalesforcePort &m_salesforce;
    PlatformPort &m_platform;
    const SyncPlanner &m_leads;
    SalesforceChangeProcessor m_changes; // what is read is taken in like any Salesforce change
    QString m_platformDelete; // lifecycle.platform_delete (PlatformDeletion.h)
    QString m_actor;
};

} // namespace lb
