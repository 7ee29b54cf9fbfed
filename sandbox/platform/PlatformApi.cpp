#include "PlatformApi.h"

#include "PlatformCursor.h"
#include "PlatformRecordInput.h"
#include "platform/PlatformTime.h"

#include <QJsonParseError>
#include <QSet>

namespace lb::sandbox {
namespace {

struct PageParams
{
    std::optional<UpdatedAtIndex::Key> after;
    qint64 since = 0;
    int limit = PlatformApi::DefaultPageSize;
};

std::optional<PlatformAnswer> readPageParams(const QUrlQuery &q, bool allowSince, PageParams &out)
{
    const auto bad = [](const QString &message) {
        return PlatformAnswer::error(400, QStringLiteral("invalid_parameter"), message);
    };
    if (q.hasQueryItem(QStringLiteral("limit"))) {
        bool ok = false;
        const int limit = q.queryItemValue(QStringLiteral("limit")).toInt(&ok);
        if (!ok || limit < 1 || limit > PlatformApi::MaxPageSize)
            return bad(QStringLiteral("limit must be a whole number from 1 to %1")
                           .arg(PlatformApi::MaxPageSize));
        out.limit = limit;
    }
    if (allowSince && q.hasQueryItem(QStringLiteral("updated_since"))) {
        const auto since = platform::parsePlatformTimestamp(
            q.queryItemValue(QStringLiteral("updated_since"), QUrl::FullyDecoded));
        if (!since)
            return bad(QStringLiteral("updated_since must be an RFC 3339 time such as "
                                      "2026-11-22T13:05:00.000Z"));
        out.since = *since;
    }
    const QString cursor = q.queryItemValue(QStringLiteral("cursor"), QUrl::FullyDecoded);
    if (!cursor.isEmpty()) {
        const auto c = PlatformCursor::decode(cursor);
        if (!c)
            return PlatformAnswer::error(400, QStringLiteral("invalid_cursor"),
                                         QStringLiteral("cursor is not one this API handed out"));
        out.after = UpdatedAtIndex::Key(c->updatedAt, c->id);
    }
    return std::nullopt;
}

QJsonValue cursorOf(const UpdatedAtIndex::Page &page)
{
    if (!page.last)
        return QJsonValue(QJsonValue::Null);
    return PlatformCursor {page.last->first, page.last->second}.encode();
}

std::optional<QJsonObject> parseObject(const QByteArray &body, PlatformAnswer &failure)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        failure = PlatformAnswer::error(400, QStringLiteral("invalid_json"),
                                        QStringLiteral("The body is not a JSON object."));
        return std::nullopt;
    }
    return doc.object();
}

PlatformAnswer validationFailed(const QList<FieldIssue> &issues)
{
    return PlatformAnswer::json(
        422,
        QJsonObject {{QStringLiteral("error"), QStringLiteral("validation_failed")},
                     {QStringLiteral("message"), platform::describeIssues(issues)},
                     {QStringLiteral("details"), platform::issuesToJson(issues)}});
}

QJsonValue jsonOrNull(const LeadRecord *lead)
{
    return lead ? QJsonValue(lead->toJson()) : QJsonValue(QJsonValue::Null);
}

// If-Match: a bare version number, or one in quotes (ETag style).
std::optional<qint64> parseIfMatch(QByteArray value, bool &malformed)
{
    value = value.trimmed();
    malformed = false;
    if (value.isEmpty())
        return std::nullopt;
    if (value.startsWith("W/"))
        value = value.mid(2);
    if (value.size() >= 2 && value.startsWith('"') && value.endsWith('"'))
        value = value.mid(1, value.size() - 2);
    bool ok = false;
    const qint64 v = value.toLongLong(&ok);
    if (!ok || v < 0) {
        malformed = true;
        return std::nullopt;
    }
    return v;
}

} // namespace

PlatformApi::PlatformApi(LeadRepository &leads, AgentRepository &agents, PlatformWriteLog &log,
                         const Clock &clock)
    : m_leads(leads)
    , m_agents(agents)
    , m_log(log)
    , m_clock(clock)
{ }

QString PlatformApi::eventTypeFor(const LeadRepository::Write &write)
{
    if (write.stored.deleted)
        return QStringLiteral("lead.deleted");
    if (write.created || write.changed.contains(QStringLiteral("deleted")))
        return QStringLiteral("lead.created");
    if (write.changed == QStringList {QStringLiteral("agent_id")})
        return QStringLiteral("lead.assigned");
    return QStringLiteral("lead.updated");
}

PlatformAnswer PlatformApi::deletedAnswer(int status, const LeadRecord &tombstone)
{
    return PlatformAnswer::json(
        status,
        QJsonObject {{QStringLiteral("error"), QStringLiteral("deleted")},
                     {QStringLiteral("message"),
                      QStringLiteral("Lead %1 is deleted; PUT with ?restore=true brings "
                                     "it back.")
                          .arg(tombstone.id)},
                     {QStringLiteral("current"), tombstone.toJson()}});
}

PlatformAnswer PlatformApi::handle(const Request &r)
{
    const QStringList &p = r.path;
    const auto notAllowed = [](const char *allow) {
        PlatformAnswer a
            = PlatformAnswer::error(405, QStringLiteral("method_not_allowed"),
                                    QStringLiteral("Allowed: ") + QString::fromLatin1(allow));
        a.headers.append(qMakePair(QByteArray("Allow"), QByteArray(allow)));
        return a;
    };
    if (p.size() >= 2 && p.at(0) == QLatin1String("v1") && p.at(1) == QLatin1String("leads")) {
        if (p.size() == 2)
            return r.method == "GET" ? listLeads(r) : notAllowed("GET");
        if (p.size() == 3 && p.at(2) == QLatin1String("batch") && r.method == "POST")
            return batch(r);
        if (p.size() == 3) {
            if (r.method == "GET")
                return getLead(p.at(2));
            if (r.method == "PUT")
                return writeLead(r, p.at(2), false);
            if (r.method == "PATCH")
                return writeLead(r, p.at(2), true);
            if (r.method == "DELETE")
                return deleteLead(p.at(2));
            return notAllowed("GET, PUT, PATCH, DELETE");
        }
    }
    if (p.size() >= 2 && p.at(0) == QLatin1String("v1") && p.at(1) == QLatin1String("agents")) {
        if (p.size() == 2)
            return r.method == "GET" ? listAgents(r) : notAllowed("GET");
        if (p.size() == 3) {
            if (r.method == "PUT")
                return putAgent(r, p.at(2));
            if (r.method == "DELETE")
                return deleteAgent(p.at(2));
            return notAllowed("PUT, DELETE");
        }
    }
    if (p.size() == 2 && p.at(0) == QLatin1String("__sandbox") && p.at(1) == QLatin1String("writes")
        && r.method == "GET") {
        // Not part of the platform's API: the write log, for tests that run the sandbox as a
        // process of its own and count what reached the platform (?since=<seq>).
        const qint64 since = r.query.queryItemValue(QStringLiteral("since")).toLongLong();
        return PlatformAnswer::json(200,
                                    QJsonObject {{QStringLiteral("writes"), m_log.toJson(since)}});
    }
    return PlatformAnswer::error(404, QStringLiteral("not_found"),
                                 QStringLiteral("No such endpoint."));
}

PlatformAnswer PlatformApi::listLeads(const Request &r)
{
    PageParams params;
    if (auto failure = readPageParams(r.query, true, params))
        return *failure;
    const UpdatedAtIndex::Page page = m_leads.page(params.after, params.since, params.limit);
    QJsonArray data;
    for (const QString &id : page.ids)
        data.append(m_leads.find(id)->toJson());
    if (!params.after)
        for (const QJsonValue &raw : m_rawLeads)
            data.append(raw);
    return PlatformAnswer::json(200,
                                QJsonObject {{QStringLiteral("data"), data},
                                             {QStringLiteral("next_cursor"), cursorOf(page)}});
}

PlatformAnswer PlatformApi::getLead(const QString &id)
{
    const LeadRecord *lead = m_leads.find(id);
    if (!lead)
        return PlatformAnswer::error(404, QStringLiteral("not_found"),
                                     QStringLiteral("There is no lead with this id."));
    if (lead->deleted)
        return deletedAnswer(410, *lead);
    return PlatformAnswer::json(200, lead->toJson());
}

PlatformAnswer PlatformApi::deleteLead(const QString &id)
{
    const LeadRecord *current = m_leads.find(id);
    if (!current)
        return PlatformAnswer::error(404, QStringLiteral("not_found"),
                                     QStringLiteral("There is no lead with this id."));
    // Deleting a tombstone again changes nothing: a client that replays a deletion it made
    // (or that reached the platform first from someone else) is not told it failed.
    if (current->deleted)
        return PlatformAnswer::empty(204);
    const qint64 now = m_clock.nowMs();
    const auto write = m_leads.put(current->tombstone(now, QStringLiteral("api")), now);
    logLead(QStringLiteral("delete"), write, {QStringLiteral("deleted")}, 204,
            write.stored.updatedBy);
    if (m_onLeadChanged)
        m_onLeadChanged(eventTypeFor(write), write.stored);
    return PlatformAnswer::empty(204);
}

PlatformAnswer PlatformApi::writeLead(const Request &r, const QString &id, bool partial)
{
    if (!platform::isValidRecordId(id))
        return validationFailed({{QStringLiteral("id"), QStringLiteral("invalid_format"),
                                  QStringLiteral("id must be 1-64 letters, digits, '.', '_' "
                                                 "or '-'")}});
    PlatformAnswer failure;
    const auto body = parseObject(r.body, failure);
    if (!body)
        return failure;
    bool malformed = false;
    const auto ifMatch = parseIfMatch(r.ifMatch, malformed);
    if (malformed)
        return PlatformAnswer::error(400, QStringLiteral("invalid_parameter"),
                                     QStringLiteral("If-Match must be a version number."));
    bool restore = false;
    if (r.query.hasQueryItem(QStringLiteral("restore"))) {
        const QString value = r.query.queryItemValue(QStringLiteral("restore"));
        if (partial || (value != QLatin1String("true") && value != QLatin1String("false")))
            return PlatformAnswer::error(400, QStringLiteral("invalid_parameter"),
                                         partial ? QStringLiteral("restore is a parameter of "
                                                                  "PUT, not of PATCH.")
                                                 : QStringLiteral("restore must be true or "
                                                                  "false."));
        restore = value == QLatin1String("true");
    }

    const LeadRecord *current = m_leads.find(id);
    if (partial && !current)
        return PlatformAnswer::error(404, QStringLiteral("not_found"),
                                     QStringLiteral("There is no lead with this id."));
    if (current && current->deleted && !restore)
        return deletedAnswer(409, *current);
    if (ifMatch && (!current || current->version != *ifMatch)) {
        return PlatformAnswer::json(
            412,
            QJsonObject {{QStringLiteral("error"), QStringLiteral("version_conflict")},
                         {QStringLiteral("message"),
                          QStringLiteral("The lead is not at version %1.").arg(*ifMatch)},
                         {QStringLiteral("current"), jsonOrNull(current)}});
    }

    LeadRecord lead = current ? *current : LeadRecord {};
    lead.id = id;
    QStringList written;
    const auto issues = PlatformRecordInput::applyLead(
        *body, partial ? PlatformRecordInput::Mode::Merge : PlatformRecordInput::Mode::Replace,
        lead, written);
    if (!issues.isEmpty())
        return validationFailed(issues);
    if (lead.salesforceId) {
        const QString holder = m_leads.holderOfSalesforceId(*lead.salesforceId);
        if (!holder.isEmpty() && holder != id)
            return PlatformAnswer::error(409, QStringLiteral("duplicate_salesforce_id"),
                                         QStringLiteral("salesforce_id already belongs to lead ")
                                             + holder);
    }
    const QString updatedBy = lead.updatedBy;
    const bool restoring = current && current->deleted;
    lead.deleted = false;
    lead.deletedAt = 0;
    const auto write = m_leads.put(lead, m_clock.nowMs());
    const int status = write.created || restoring ? 201 : 200;
    logLead(restoring ? QStringLiteral("restore")
                      : (partial ? QStringLiteral("patch") : QStringLiteral("put")),
            write, written, status, updatedBy);
    if (write.changedAnything() && m_onLeadChanged)
        m_onLeadChanged(eventTypeFor(write), write.stored);
    return PlatformAnswer::json(status, write.stored.toJson());
}

PlatformAnswer PlatformApi::batch(const Request &r)
{
    PlatformAnswer failure;
    const auto body = parseObject(r.body, failure);
    if (!body)
        return failure;
    const QJsonValue upserts = body->value(QStringLiteral("upserts"));
    if (!upserts.isArray())
        return validationFailed({{QStringLiteral("upserts"), QStringLiteral("required"),
                                  QStringLiteral("upserts must be a list of leads")}});
    const QJsonArray items = upserts.toArray();
    if (items.size() > MaxBatch)
        return validationFailed({{QStringLiteral("upserts"), QStringLiteral("too_many"),
                                  QStringLiteral("a batch holds at most %1 leads, not %2")
                                      .arg(MaxBatch)
                                      .arg(items.size())}});

    QJsonArray results;
    QSet<QString> seen;
    const auto itemError = [](const QString &id, int status, const QString &code,
                              const QString &message, const QString &field = {}) {
        QJsonObject error {{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
        if (!field.isEmpty())
            error.insert(QStringLiteral("field"), field);
        return QJsonObject {{QStringLiteral("id"), id},
                            {QStringLiteral("status"), status},
                            {QStringLiteral("error"), error}};
    };
    for (const QJsonValue &value : items) {
        const QJsonObject item = value.toObject();
        const QJsonValue idValue = item.value(QStringLiteral("id"));
        const QString id = idValue.isString() ? idValue.toString().left(64) : QString();
        if (!value.isObject()) {
            results.append(itemError(id, 400, QStringLiteral("invalid_type"),
                                     QStringLiteral("an upsert must be a lead object")));
            continue;
        }
        if (!idValue.isString() || !platform::isValidRecordId(idValue.toString())) {
            results.append(itemError(id, 400, QStringLiteral("invalid_format"),
                                     QStringLiteral("id must be 1-64 letters, digits, '.', '_' "
                                                    "or '-'"),
                                     QStringLiteral("id")));
            continue;
        }
        if (seen.contains(id)) {
            results.append(itemError(id, 409, QStringLiteral("duplicate_in_batch"),
                                     QStringLiteral("this id appears earlier in the batch")));
            continue;
        }
        seen.insert(id);

        const LeadRecord *current = m_leads.find(id);
        if (current && current->deleted) {
            QJsonObject result = itemError(id, 409, QStringLiteral("deleted"),
                                           QStringLiteral("the lead is deleted; PUT it with "
                                                          "?restore=true to bring it back"));
            result.insert(QStringLiteral("current"), current->toJson());
            results.append(result);
            continue;
        }
        const QJsonValue version = item.value(QStringLiteral("version"));
        if (!version.isUndefined() && !version.isNull()) {
            const qint64 expected = version.toInteger(-1);
            if (!version.isDouble() || expected < 0) {
                results.append(itemError(id, 400, QStringLiteral("invalid_type"),
                                         QStringLiteral("version must be a whole number"),
                                         QStringLiteral("version")));
                continue;
            }
            if (!current || current->version != expected) {
                QJsonObject result
                    = itemError(id, 412, QStringLiteral("version_conflict"),
                                QStringLiteral("the lead is not at version %1").arg(expected),
                                QStringLiteral("version"));
                result.insert(QStringLiteral("current"), jsonOrNull(current));
                results.append(result);
                continue;
            }
        }

        LeadRecord lead = current ? *current : LeadRecord {};
        lead.id = id;
        QStringList written;
        const auto issues = PlatformRecordInput::applyLead(item, PlatformRecordInput::Mode::Replace,
                                                           lead, written);
        if (!issues.isEmpty()) {
            results.append(itemError(id, 400, issues.first().code, platform::describeIssues(issues),
                                     issues.first().field));
            continue;
        }
        if (lead.salesforceId) {
            const QString holder = m_leads.holderOfSalesforceId(*lead.salesforceId);
            if (!holder.isEmpty() && holder != id) {
                results.append(
                    itemError(id, 409, QStringLiteral("duplicate_salesforce_id"),
                              QStringLiteral("salesforce_id already belongs to lead ") + holder,
                              QStringLiteral("salesforce_id")));
                continue;
            }
        }
        const auto write = m_leads.put(lead, m_clock.nowMs());
        const int status = write.created ? 201 : 200;
        logLead(QStringLiteral("batch"), write, written, status, lead.updatedBy);
        if (write.changedAnything() && m_onLeadChanged)
            m_onLeadChanged(eventTypeFor(write), write.stored);
        results.append(QJsonObject {{QStringLiteral("id"), id},
                                    {QStringLiteral("status"), status},
                                    {QStringLiteral("version"), write.stored.version}});
    }
    return PlatformAnswer::json(207, QJsonObject {{QStringLiteral("results"), results}});
}

PlatformAnswer PlatformApi::listAgents(const Request &r)
{
    PageParams params;
    if (auto failure = readPageParams(r.query, false, params))
        return *failure;
    const UpdatedAtIndex::Page page = m_agents.page(params.after, params.limit);
    QJsonArray data;
    for (const QString &id : page.ids)
        data.append(m_agents.find(id)->toJson());
    return PlatformAnswer::json(200,
                                QJsonObject {{QStringLiteral("data"), data},
                                             {QStringLiteral("next_cursor"), cursorOf(page)}});
}

PlatformAnswer PlatformApi::putAgent(const Request &r, const QString &id)
{
    if (!platform::isValidRecordId(id))
        return validationFailed({{QStringLiteral("id"), QStringLiteral("invalid_format"),
                                  QStringLiteral("id must be 1-64 letters, digits, '.', '_' "
                                                 "or '-'")}});
    PlatformAnswer failure;
    const auto body = parseObject(r.body, failure);
    if (!body)
        return failure;
    AgentRecord agent;
    agent.id = id;
    QStringList written;
    const auto issues = PlatformRecordInput::applyAgent(*body, agent, written);
    if (!issues.isEmpty())
        return validationFailed(issues);
    const auto write = m_agents.put(agent, m_clock.nowMs());
    const int status = write.created ? 201 : 200;
    logAgent(QStringLiteral("agent_put"), write, written, status);
    return PlatformAnswer::json(status, write.stored.toJson());
}

PlatformAnswer PlatformApi::deleteAgent(const QString &id)
{
    const AgentRecord *current = m_agents.find(id);
    if (!current)
        return PlatformAnswer::error(404, QStringLiteral("not_found"),
                                     QStringLiteral("There is no agent with this id."));
    AgentRecord agent = *current;
    agent.active = false;
    const auto write = m_agents.put(agent, m_clock.nowMs());
    logAgent(QStringLiteral("agent_delete"), write, {QStringLiteral("active")}, 204);
    return PlatformAnswer::empty(204);
}

void PlatformApi::logLead(const QString &operation, const LeadRepository::Write &write,
                          const QStringList &fields, int status, const QString &updatedBy)
{
    PlatformWriteEntry e;
    e.operation = operation;
    e.entity = QStringLiteral("lead");
    e.id = write.stored.id;
    e.fields = fields;
    e.changedFields = write.created ? fields : write.changed;
    const QJsonObject stored = write.stored.toJson();
    for (const QString &field : std::as_const(write.changed))
        e.changedTo.insert(field, stored.value(field));
    e.updatedBy = updatedBy;
    e.status = status;
    e.version = write.stored.version;
    e.timeMs = m_clock.nowMs();
    e.created = write.created;
    e.changed = write.changedAnything();
    m_log.append(std::move(e));
}

void PlatformApi::logAgent(const QString &operation, const AgentRepository::Write &write,
                           const QStringList &fields, int status)
{
    PlatformWriteEntry e;
    e.operation = operation;
    e.entity = QStringLiteral("agent");
    e.id = write.stored.id;
    e.fields = fields;
    e.changedFields = write.created ? fields : write.changed;
    e.updatedBy = QStringLiteral("api");
    e.status = status;
    e.version = write.stored.version;
    e.timeMs = m_clock.nowMs();
    e.created = write.created;
    e.changed = write.changedAnything();
    m_log.append(std::move(e));
}

} // namespace lb::sandbox
