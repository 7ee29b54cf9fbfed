#include "PlatformPortAdapter.h"

#include <QJsonArray>

namespace lb {

using platform::LeadPlatformClient;
using platform::PlatformAgent;
using platform::PlatformLead;

namespace {

std::optional<QString> optionalText(const QJsonValue &v)
{
    if (!v.isString() || v.toString().isEmpty())
        return std::nullopt;
    return v.toString();
}

} // namespace

PlatformPortAdapter::PlatformPortAdapter(LeadPlatformClient &client)
    : m_client(client)
{ }

PlatformLead PlatformPortAdapter::leadFrom(const QJsonObject &j)
{
    PlatformLead l;
    l.id = j.value(QStringLiteral("id")).toString();
    l.firstName = j.value(QStringLiteral("first_name")).toString();
    l.lastName = j.value(QStringLiteral("last_name")).toString();
    l.company = j.value(QStringLiteral("company")).toString();
    l.email = j.value(QStringLiteral("email")).toString();
    l.phone = j.value(QStringLiteral("phone")).toString();
    l.status = j.value(QStringLiteral("status")).toString();
    l.source = j.value(QStringLiteral("source")).toString();
    l.score = qBound(0, qRound(j.value(QStringLiteral("score")).toDouble()), 100);
    l.value = j.value(QStringLiteral("value")).toDouble();
    l.agentId = optionalText(j.value(QStringLiteral("agent_id")));
    l.eligible = j.value(QStringLiteral("eligible")).toBool();
    l.salesforceId = optionalText(j.value(QStringLiteral("salesforce_id")));
    l.updatedBy = j.value(QStringLiteral("updated_by")).toString();
    return l;
}

PlatformAgent PlatformPortAdapter::agentFrom(const QJsonObject &j)
{
    PlatformAgent a;
    a.id = j.value(QStringLiteral("id")).toString();
    a.name = j.value(QStringLiteral("name")).toString();
    a.email = j.value(QStringLiteral("email")).toString();
    a.active = j.value(QStringLiteral("active")).toBool(true);
    a.eligible = j.value(QStringLiteral("eligible")).toBool();
    for (const QJsonValue &s : j.value(QStringLiteral("states")).toArray())
        a.states.append(s.toString());
    a.capacity = qMax(0, qRound(j.value(QStringLiteral("capacity")).toDouble()));
    a.salesforceId = optionalText(j.value(QStringLiteral("salesforce_id")));
    return a;
}

void PlatformPortAdapter::listLeads(qint64 updatedSinceMs, const QString &cursor, int limit,
                                    QObject *context, std::function<void(Result<RecordPage>)> done)
{
    m_client.listLeads(updatedSinceMs > 0 ? std::optional(updatedSinceMs) : std::nullopt, cursor,
                       limit, context, [done = std::move(done)](Result<platform::LeadPage> r) {
                           if (!r)
                               return done(r.error());
                           RecordPage page;
                           for (const PlatformLead &l : r->leads)
                               page.records.append(l.toJson());
                           for (const platform::RejectedItem &item : r->rejected)
                               page.rejected.append({item.raw, item.error});
                           for (const platform::PlatformTombstone &t : r->tombstones)
                               page.tombstones.append(t.toJson());
                           page.next = r->nextCursor;
                           done(page);
                       });
}

void PlatformPortAdapter::deleteLead(const QString &id, QObject *context,
                                     std::function<void(Result<void>)> done)
{
    m_client.deleteLead(id, context, [done = std::move(done)](Result<void> r) {
        // Unknown to the platform: nothing left to delete.
        if (!r && r.error().code == QLatin1String("not_found"))
            return done({});
        done(r);
    });
}

void PlatformPortAdapter::deactivateAgent(const QString &id, QObject *context,
                                          std::function<void(Result<void>)> done)
{
    m_client.deleteAgent(id, context, [done = std::move(done)](Result<void> r) {
        // Unknown to the platform: nothing left to deactivate.
        if (!r && r.error().code == QLatin1String("not_found"))
            return done({});
        done(r);
    });
}

void PlatformPortAdapter::restoreLead(const QJsonObject &lead, QObject *context,
                                      std::function<void(Result<WriteOutcome>)> done)
{
    m_client.restoreLead(leadFrom(lead), context,
                         [done = std::move(done)](Result<platform::LeadWrite> r) {
                             if (!r)
                                 return done(r.error());
                             WriteOutcome o;
                             o.success = true;
                             o.id = r->lead.id;
                             o.created = r->created;
                             o.current = r->lead.toJson();
                             done(o);
                         });
}

void PlatformPortAdapter::listAgents(const QString &cursor, int limit, QObject *context,
                                     std::function<void(Result<RecordPage>)> done)
{
    m_client.listAgents(cursor, limit, context,
                        [done = std::move(done)](Result<platform::AgentPage> r) {
                            if (!r)
                                return done(r.error());
                            RecordPage page;
                            for (const PlatformAgent &a : r->agents)
                                page.records.append(a.toJson());
                            page.next = r->nextCursor;
                            done(page);
                        });
}

void PlatformPortAdapter::upsertLeads(const QList<QJsonObject> &leads, QObject *context,
                                      std::function<void(Result<QList<WriteOutcome>>)> done)
{
    QList<PlatformLead> typed;
    for (const QJsonObject &j : leads)
        typed.append(leadFrom(j));
    m_client.batchUpsert(typed, context,
                         [done = std::move(done)](Result<QList<platform::BatchItemResult>> r) {
                             if (!r)
                                 return done(r.error());
                             QList<WriteOutcome> out;
                             for (const platform::BatchItemResult &item : *r) {
                                 WriteOutcome o;
                                 o.success = item.ok();
                                 o.id = item.id;
                                 o.created = item.created();
                                 o.version = item.version;
                                 o.code = item.errorCode;
                                 o.message = item.errorMessage;
                                 if (item.current)
                                     o.current = item.current->toJson();
                                 out.append(o);
                             }
                             done(out);
                         });
}

void PlatformPortAdapter::putAgent(const QJsonObject &agent, QObject *context,
                                   std::function<void(Result<WriteOutcome>)> done)
{
    m_client.putAgent(
        agentFrom(agent), context, [done = std::move(done)](Result<platform::AgentWrite> r) {
            if (!r) {
                // A refusal of this agent's data is an outcome, not a failed call.
                if (!r.error().retryable && r.error().httpStatus >= 400
                    && r.error().httpStatus < 500 && r.error().httpStatus != 401
                    && r.error().httpStatus != 429)
                    return done(WriteOutcome {
                        false, false, r.error().code, r.error().message, {}, false, {}});
                return done(r.error());
            }
            done(WriteOutcome {true, false, {}, {}, r->agent.id, r->created, {}});
        });
}

void PlatformPortAdapter::getLead(const QString &id, QObject *context,
                                  std::function<void(Result<QJsonObject>)> done)
{
    m_client.getLead(id, context, [done = std::move(done)](Result<PlatformLead> r) {
        if (!r)
            return done(r.error());
        done(r->toJson());
    });
}

} // namespace lb
