#include "MirrorRefresh.h"

#include "ChangeTime.h"
#include "MirrorObservation.h"
#include "SalesforceState.h"
#include "log/Logging.h"
#include "salesforce/Soql.h"

namespace lb {

MirrorRefresh::MirrorRefresh(Store &store, SalesforcePort &salesforce, PlatformPort &platform,
                             const SyncPlanner &leads, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_salesforce(salesforce)
    , m_platform(platform)
    , m_leads(leads)
{ }

void MirrorRefresh::fromSalesforce(const QStringList &ids, std::function<void()> then)
{
    if (ids.isEmpty()) {
        then();
        return;
    }
    const ObjectMapping &m = m_leads.mapping();
    const QStringList chunk = ids.mid(0, 100);
    const QStringList rest = ids.mid(100);
    QStringList quoted;
    for (const QString &id : chunk)
        quoted.append(salesforce::soqlString(id));
    QStringList fields = m.salesforceFields();
    fields.append(QStringLiteral("SystemModstamp"));
    // soql: SOQL sent to Salesforce's REST API, not to the store; record values are quoted by
    // soqlString(), field and object names come from the loaded mapping
    const QString soql = QStringLiteral("SELECT %1 FROM %2 WHERE %3 IN (%4)")
                             .arg(fields.join(QStringLiteral(", ")), m.salesforceObject,
                                  m.salesforceKey, quoted.join(QStringLiteral(", ")));
    m_salesforce.query(
        soql, this, [this, chunk, rest, then = std::move(then)](Result<RecordPage> page) mutable {
            if (!page) {
                qCInfo(lcSync) << "could not check Salesforce before a resend:"
                               << page.error().toString();
                fromSalesforce(rest, std::move(then));
                return;
            }
            const ObjectMapping &m = m_leads.mapping();
            auto mirrors = m_store.leads().byKeys(chunk);
            if (!mirrors) {
                qCWarning(lcSync) << "could not read the mirror before a resend:"
                                  << mirrors.error().toString();
                fromSalesforce(rest, std::move(then));
                return;
            }
            QList<MirrorRecord> updates;
            QSet<QString> found;
            for (const QJsonObject &r : page->records) {
                const QString pid = r.value(m.salesforceKey).toString();
                found.insert(pid);
                MirrorRecord record = mirrors->value(pid);
                if (record.platformId.isEmpty())
                    continue;
                record.salesforceId = r.value(QStringLiteral("Id")).toString();
                observeSalesforce(
                    record, SalesforceState::fromRecord(r, m),
                    parseTimestampMs(r.value(QStringLiteral("SystemModstamp")).toString()));
                updates.append(record);
            }
            for (const QString &pid : chunk) {
                if (!found.contains(pid) && mirrors->contains(pid)) {
                    MirrorRecord record = mirrors->value(pid);
                    record.salesforceHash.clear(); // not there: it did not land
                    updates.append(record);
                }
            }
            if (auto r = m_store.leads().put(updates); !r)
                qCWarning(lcSync) << "could not keep what Salesforce holds before a resend:"
                                  << r.error().toString();
            fromSalesforce(rest, std::move(then));
        });
}

void MirrorRefresh::fromPlatform(const QStringList &ids, std::function<void()> then)
{
    fromPlatformAt(ids, 0, std::move(then));
}

void MirrorRefresh::fromPlatformAt(const QStringList &ids, int index, std::function<void()> then)
{
    if (index >= ids.size()) {
        then();
        return;
    }
    m_platform.getLead(ids.at(index), this,
                       [this, ids, index, then = std::move(then)](Result<QJsonObject> r) mutable {
                           if (r && !r->isEmpty()) {
                               auto mirror = m_store.leads().byPlatformId(ids.at(index));
                               if (mirror && mirror->has_value()) {
                                   MirrorRecord record = **mirror;
                                   observePlatformLead(record, m_leads.platformView(*r), *r);
                                   if (auto put = m_store.leads().put({record}); !put)
                                       qCWarning(lcSync)
                                           << "could not keep the platform's record before a retry:"
                                           << put.error().toString();
                               }
                           }
                           fromPlatformAt(ids, index + 1, std::move(then));
                       });
}

} // namespace lb
