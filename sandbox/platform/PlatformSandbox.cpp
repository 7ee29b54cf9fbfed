#include "PlatformSandbox.h"

#include "LoopbackServer.h"
#include "PlatformRecordInput.h"
#include "log/Logging.h"
#include "platform/PlatformTime.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>

namespace lb::sandbox {
namespace {

Error sandboxError(const char *code, const QString &message)
{
    return makeError(QString::fromLatin1(code), message);
}

// A tombstone in a seed file, in the API's shape: {"id", "deleted": true, "deleted_at",
// "updated_at", "updated_by", "version"}.
Result<LeadRecord> tombstoneFromSeed(const QJsonObject &body)
{
    LeadRecord t;
    t.id = body.value(QStringLiteral("id")).toString();
    const auto deletedAt
        = platform::parsePlatformTimestamp(body.value(QStringLiteral("deleted_at")).toString());
    const auto updatedAt
        = platform::parsePlatformTimestamp(body.value(QStringLiteral("updated_at")).toString());
    const qint64 version = body.value(QStringLiteral("version")).toInteger(0);
    if (!platform::isValidRecordId(t.id) || !deletedAt || version < 1)
        return sandboxError("seed_invalid",
                            QStringLiteral("a tombstone needs a valid id, deleted_at (RFC 3339) "
                                           "and a version of at least 1"));
    t.status.clear();
    t.deleted = true;
    t.deletedAt = *deletedAt;
    t.updatedAt = updatedAt.value_or(*deletedAt);
    t.updatedBy = body.value(QStringLiteral("updated_by")).toString(QStringLiteral("platform"));
    t.version = version;
    return t;
}

} // namespace

PlatformSandbox::PlatformSandbox(const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_clock(clock)
    , m_rate(clock)
    , m_api(m_leads, m_agents, m_log, clock)
    , m_router(m_api, m_rate, m_faults)
    , m_dispatcher(std::make_unique<WebhookDispatcher>(clock, m_faults))
    , m_eventPrefix(QRandomGenerator::global()->generate64())
{
    m_router.setApiKey(DefaultApiKey);
    m_router.setObserver([this](const QByteArray &method, const QString &path, int status) {
        emit requestHandled(method, path, status);
    });
    m_api.setLeadListener([this](const QString &type, const LeadRecord &lead) {
        emit leadChanged(type, lead.id);
        if (m_webhooksForApiWrites)
            emitEvent(type, lead);
    });
}

PlatformSandbox::~PlatformSandbox()
{
    m_router.releaseHung();
}

bool PlatformSandbox::listen(quint16 port)
{
    if (!m_server) {
        m_server = std::make_unique<LoopbackServer>();
        m_router.install(m_server->http());
    }
    const bool ok = m_server->listen(port);
    if (ok)
        qCInfo(lcSandbox) << "lead platform sandbox listening on" << baseUrl();
    return ok;
}

quint16 PlatformSandbox::port() const
{
    return m_server ? m_server->port() : 0;
}

QString PlatformSandbox::baseUrl() const
{
    return m_server ? m_server->baseUrl() : QString();
}

void PlatformSandbox::setApiKey(const QString &key)
{
    m_router.setApiKey(key.toUtf8());
}

QString PlatformSandbox::apiKey() const
{
    return QString::fromUtf8(m_router.apiKey());
}

void PlatformSandbox::setRateLimit(int requests, int windowS)
{
    m_rate.configure(requests, windowS);
}

void PlatformSandbox::setWebhookTarget(const QUrl &url, const QByteArray &secret)
{
    m_dispatcher->setTarget(url, secret);
}

QString PlatformSandbox::nextEventId()
{
    return QStringLiteral("evt_%1_%2")
        .arg(m_eventPrefix, 16, 16, QLatin1Char('0'))
        .arg(++m_eventSeq);
}

QByteArray PlatformSandbox::eventBody(const QString &eventId, const QString &type,
                                      const LeadRecord &lead) const
{
    return QJsonDocument(QJsonObject {{QStringLiteral("event_id"), eventId},
                                      {QStringLiteral("type"), type},
                                      {QStringLiteral("occurred_at"),
                                       platform::formatPlatformTimestamp(m_clock.nowMs())},
                                      {QStringLiteral("data"), lead.toJson()}})
        .toJson(QJsonDocument::Compact);
}

QString PlatformSandbox::emitEvent(const QString &type, const LeadRecord &lead)
{
    const QString id = nextEventId();
    m_dispatcher->enqueue(id, eventBody(id, type, lead));
    return id;
}

QString PlatformSandbox::emitEvent(const QString &type, const QString &leadId)
{
    const LeadRecord *lead = m_leads.find(leadId);
    return lead ? emitEvent(type, *lead) : QString();
}

void PlatformSandbox::leadChangedInternally(const QString &type, const LeadRecord &lead)
{
    emit leadChanged(type, lead.id);
    emitEvent(type, lead);
}

Result<LeadRecord> PlatformSandbox::userWrite(const QString &id, const QJsonObject &changes,
                                              const QString &user, bool create)
{
    const LeadRecord *current = m_leads.find(id);
    if (create && current)
        return sandboxError("exists", QStringLiteral("Lead %1 exists already.").arg(id));
    if (current && current->deleted)
        return sandboxError("deleted", QStringLiteral("Lead %1 is deleted.").arg(id));
    if (!create && !current)
        return sandboxError("not_found", QStringLiteral("There is no lead %1.").arg(id));
    if (!platform::isValidRecordId(id))
        return sandboxError("invalid_id", QStringLiteral("%1 is not a valid lead id.").arg(id));
    LeadRecord lead = current ? *current : LeadRecord {};
    lead.id = id;
    QStringList written;
    const auto issues = PlatformRecordInput::applyLead(
        changes, create ? PlatformRecordInput::Mode::Replace : PlatformRecordInput::Mode::Merge,
        lead, written);
    if (!issues.isEmpty())
        return sandboxError("validation_failed", platform::describeIssues(issues));
    lead.updatedBy = user;
    if (lead.salesforceId) {
        const QString holder = m_leads.holderOfSalesforceId(*lead.salesforceId);
        if (!holder.isEmpty() && holder != id)
            return sandboxError("duplicate_salesforce_id",
                                QStringLiteral("salesforce_id already belongs to ") + holder);
    }
    const auto write = m_leads.put(lead, m_clock.nowMs());
    if (write.changedAnything())
        leadChangedInternally(PlatformApi::eventTypeFor(write), write.stored);
    return write.stored;
}

Result<LeadRecord> PlatformSandbox::createLead(const LeadRecord &lead, const QString &user)
{
    QJsonObject json = lead.toJson();
    json.remove(QStringLiteral("updated_at"));
    json.remove(QStringLiteral("version"));
    json.remove(QStringLiteral("updated_by"));
    return userWrite(lead.id, json, user, true);
}

Result<LeadRecord> PlatformSandbox::editLead(const QString &id, const QJsonObject &changes,
                                             const QString &user)
{
    return userWrite(id, changes, user, false);
}

Result<LeadRecord> PlatformSandbox::assignLead(const QString &id,
                                               const std::optional<QString> &agentId,
                                               const QString &user)
{
    return userWrite(
        id,
        QJsonObject {{QStringLiteral("agent_id"), agentId ? QJsonValue(*agentId) : QJsonValue()}},
        user, false);
}

Result<void> PlatformSandbox::deleteLead(const QString &id, const QString &user)
{
    const LeadRecord *current = m_leads.find(id);
    if (!current || current->deleted)
        return sandboxError("not_found", QStringLiteral("There is no lead %1.").arg(id));
    const qint64 now = m_clock.nowMs();
    const auto write = m_leads.put(current->tombstone(now, user), now);
    leadChangedInternally(PlatformApi::eventTypeFor(write), write.stored);
    return {};
}

Result<LeadRecord> PlatformSandbox::restoreLead(const LeadRecord &lead, const QString &user)
{
    const LeadRecord *current = m_leads.find(lead.id);
    if (!current || !current->deleted)
        return sandboxError("not_deleted", QStringLiteral("Lead %1 is not deleted.").arg(lead.id));
    LeadRecord restored = lead;
    restored.deleted = false;
    restored.deletedAt = 0;
    restored.updatedBy = user;
    const auto write = m_leads.put(restored, m_clock.nowMs());
    leadChangedInternally(PlatformApi::eventTypeFor(write), write.stored);
    return write.stored;
}

void PlatformSandbox::seedLead(const LeadRecord &lead)
{
    m_leads.seed(lead, m_clock.nowMs());
}

void PlatformSandbox::seedAgent(const AgentRecord &agent)
{
    m_agents.seed(agent, m_clock.nowMs());
}

void PlatformSandbox::generateLeads(int count, quint32 seed)
{
    static const char *const first[]
        = {"Ada",     "Grace", "Alan",     "Edsger", "Barbara", "Donald",
           "Frances", "Ken",   "Margaret", "Dennis", "Radia",   "Linus"};
    static const char *const last[]
        = {"Lovelace", "Hopper",   "Turing",   "Dijkstra", "Liskov",  "Knuth",
           "Allen",    "Thompson", "Hamilton", "Ritchie",  "Perlman", "Torvalds"};
    static const char *const companies[]
        = {"Acme Corp",           "Globex",           "Initech",          "Umbrella", "Hooli",
           "Vandelay Industries", "Stark Industries", "Wayne Enterprises"};
    static const char *const sources[] = {"web", "phone", "partner", "list", "other"};
    QRandomGenerator random(seed);
    const qint64 now = m_clock.nowMs();
    const int agents = int(m_agents.size());
    for (int i = 1; i <= count; ++i) {
        LeadRecord lead;
        lead.id = QStringLiteral("L-%1").arg(i, 6, 10, QLatin1Char('0'));
        lead.firstName = QString::fromLatin1(first[random.bounded(12)]);
        lead.lastName = QString::fromLatin1(last[random.bounded(12)]);
        lead.company = QString::fromLatin1(companies[random.bounded(8)]);
        lead.email = (lead.firstName + u'.' + lead.lastName + QString::number(i)).toLower()
            + QStringLiteral("@example.com");
        lead.phone
            = QStringLiteral("+1512555%1").arg(random.bounded(10000), 4, 10, QLatin1Char('0'));
        lead.status = PlatformRecordInput::leadStatuses().at(random.bounded(4));
        lead.source = QString::fromLatin1(sources[random.bounded(5)]);
        lead.score = int(random.bounded(101));
        lead.value = double(random.bounded(100000));
        if (agents > 0 && random.bounded(2) == 0)
            lead.agentId = QStringLiteral("A-%1").arg(int(random.bounded(agents)) + 1, 4, 10,
                                                      QLatin1Char('0'));
        lead.eligible = random.bounded(2) == 0;
        lead.updatedAt = now;
        lead.updatedBy = QStringLiteral("platform");
        lead.version = 1;
        m_leads.seed(lead, now);
    }
}

void PlatformSandbox::generateAgents(int count, quint32 seed)
{
    static const char *const states[] = {"TX", "CA", "NY", "FL", "WA", "IL", "CO", "GA"};
    QRandomGenerator random(seed);
    const qint64 now = m_clock.nowMs();
    for (int i = 1; i <= count; ++i) {
        AgentRecord agent;
        agent.id = QStringLiteral("A-%1").arg(i, 4, 10, QLatin1Char('0'));
        agent.name = QStringLiteral("Agent %1").arg(i);
        agent.email = QStringLiteral("agent%1@example.com").arg(i);
        agent.active = true;
        agent.eligible = random.bounded(4) != 0;
        agent.states = {QString::fromLatin1(states[random.bounded(8)])};
        agent.capacity = int(random.bounded(50)) + 1;
        agent.updatedAt = now;
        agent.version = 1;
        m_agents.seed(agent, now);
    }
}

Result<int> PlatformSandbox::seedFromFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return sandboxError(
            "seed_unreadable",
            QStringLiteral("Cannot read the seed file %1: %2").arg(path, file.errorString()));
    auto loaded = seedFromJson(file.readAll());
    if (!loaded)
        return sandboxError("seed_invalid", path + QStringLiteral(": ") + loaded.error().message);
    return loaded;
}

Result<int> PlatformSandbox::seedFromJson(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return sandboxError("seed_invalid",
                            QStringLiteral("not a JSON object: ") + error.errorString());
    const QJsonObject root = doc.object();
    int loaded = 0;
    const qint64 now = m_clock.nowMs();
    const QJsonArray agents = root.value(QStringLiteral("agents")).toArray();
    for (qsizetype i = 0; i < agents.size(); ++i) {
        const QJsonObject o = agents.at(i).toObject();
        AgentRecord agent;
        agent.id = o.value(QStringLiteral("id")).toString();
        QJsonObject body = o;
        const auto updatedAt
            = platform::parsePlatformTimestamp(body.take(QStringLiteral("updated_at")).toString());
        const qint64 version = body.take(QStringLiteral("version")).toInteger(1);
        QStringList written;
        auto issues = PlatformRecordInput::applyAgent(body, agent, written);
        if (!platform::isValidRecordId(agent.id))
            issues.append({QStringLiteral("id"), QStringLiteral("invalid_format"),
                           QStringLiteral("id is missing or invalid")});
        if (!issues.isEmpty())
            return sandboxError(
                "seed_invalid",
                QStringLiteral("agents[%1]: %2").arg(i).arg(platform::describeIssues(issues)));
        agent.updatedAt = updatedAt.value_or(now);
        agent.version = version;
        m_agents.seed(agent, now);
        ++loaded;
    }
    // Listed as they are, unchecked (PlatformApi::setRawLeads).
    const QJsonValue raw = root.value(QStringLiteral("raw_leads"));
    if (!raw.isUndefined() && !raw.isArray())
        return sandboxError("seed_invalid", QStringLiteral("raw_leads must be a list"));
    m_api.setRawLeads(raw.toArray());
    loaded += int(raw.toArray().size());
    const QJsonArray leads = root.value(QStringLiteral("leads")).toArray();
    for (qsizetype i = 0; i < leads.size(); ++i) {
        QJsonObject body = leads.at(i).toObject();
        if (body.value(QStringLiteral("deleted")) == QJsonValue(true)) {
            auto tombstone = tombstoneFromSeed(body);
            if (!tombstone)
                return sandboxError(
                    "seed_invalid",
                    QStringLiteral("leads[%1]: %2").arg(i).arg(tombstone.error().message));
            m_leads.seed(*tombstone, now);
            ++loaded;
            continue;
        }
        LeadRecord lead;
        lead.id = body.value(QStringLiteral("id")).toString();
        const auto updatedAt
            = platform::parsePlatformTimestamp(body.take(QStringLiteral("updated_at")).toString());
        const qint64 version = body.take(QStringLiteral("version")).toInteger(1);
        QStringList written;
        auto issues = PlatformRecordInput::applyLead(body, PlatformRecordInput::Mode::Replace, lead,
                                                     written);
        if (!platform::isValidRecordId(lead.id))
            issues.append({QStringLiteral("id"), QStringLiteral("invalid_format"),
                           QStringLiteral("id is missing or invalid")});
        if (!issues.isEmpty())
            return sandboxError(
                "seed_invalid",
                QStringLiteral("leads[%1]: %2").arg(i).arg(platform::describeIssues(issues)));
        if (!body.contains(QStringLiteral("updated_by")))
            lead.updatedBy = QStringLiteral("platform");
        lead.updatedAt = updatedAt.value_or(now);
        lead.version = version;
        m_leads.seed(lead, now);
        ++loaded;
    }
    return loaded;
}

void PlatformSandbox::clear()
{
    m_leads.clear();
    m_agents.clear();
    m_log.clear();
    m_api.setRawLeads({});
}

std::optional<LeadRecord> PlatformSandbox::lead(const QString &id) const
{
    const LeadRecord *l = m_leads.find(id);
    return l ? std::optional<LeadRecord>(*l) : std::nullopt;
}

std::optional<AgentRecord> PlatformSandbox::agent(const QString &id) const
{
    const AgentRecord *a = m_agents.find(id);
    return a ? std::optional<AgentRecord>(*a) : std::nullopt;
}

PlatformSandbox::Stats PlatformSandbox::stats() const
{
    Stats s;
    s.http = m_router.stats();
    s.webhooks = m_dispatcher->stats();
    s.leads = m_leads.size();
    s.agents = m_agents.size();
    s.writes = m_log.size();
    s.echoWrites = m_log.echoCount();
    return s;
}

} // namespace lb::sandbox
