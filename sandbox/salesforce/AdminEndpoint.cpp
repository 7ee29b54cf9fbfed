#include "AdminEndpoint.h"

#include "LeadLifecycle.h"
#include "SandboxOrg.h"
#include "SaveResultJson.h"
#include "SeedLoader.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

namespace {

ApiResponse ok(const QJsonObject &body)
{
    return ApiResponse::json(200, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

ApiResponse bad(int status, const Error &error)
{
    return ApiResponse::json(
        status,
        QJsonDocument(QJsonObject {{u"error"_s, error.code}, {u"message"_s, error.message}})
            .toJson(QJsonDocument::Compact));
}

Result<QJsonObject> objectBody(const QByteArray &body)
{
    if (body.trimmed().isEmpty())
        return QJsonObject();
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return makeError(u"BAD_JSON"_s,
                         u"the body must be a JSON object: "_s + error.errorString());
    return doc.object();
}

} // namespace

AdminEndpoint::AdminEndpoint(SandboxOrg &org, SaveHook save)
    : m_org(org)
    , m_save(std::move(save))
{ }

bool AdminEndpoint::handles(const ApiRequest &request)
{
    return !request.segments.isEmpty() && request.segments[0] == "__sandbox"_L1;
}

QJsonObject AdminEndpoint::stats(const SandboxOrg &org, qint64 since, qsizetype limit,
                                 const QString &object, const QString &externalId)
{
    QJsonObject byKind;
    for (auto it = org.usage().byKind().begin(); it != org.usage().byKind().end(); ++it)
        byKind.insert(it.key(), it.value());
    QJsonObject records;
    for (const ObjectDef *def : org.schema().objects()) {
        if (const RecordTable *t = org.data().table(def->name())) {
            records.insert(def->name(),
                           QJsonObject {{u"total"_s, t->rowCount()},
                                        {u"live"_s, t->liveCount()},
                                        {u"deleted"_s, t->rowCount() - t->liveCount()}});
        }
    }
    const WriteLog &log = org.data().writeLog();
    QJsonObject byClient;
    const auto clients = log.countByClient();
    for (auto it = clients.begin(); it != clients.end(); ++it)
        byClient.insert(it.key().isEmpty() ? u"(none)"_s : it.key(), it.value());
    const FaultInjector::Counters &f = org.faults().counters();
    QJsonObject out {
        {u"apiUsage"_s,
         QJsonObject {{u"used"_s, org.usage().used()},
                      {u"max"_s, org.usage().max()},
                      {u"byKind"_s, byKind}}},
        {u"records"_s, records},
        {u"writes"_s,
         QJsonObject {
             {u"total"_s, log.size()}, {u"echoes"_s, log.echoCount()}, {u"byClient"_s, byClient}}},
        {u"writeLog"_s, log.toJson(since, limit)},
        {u"events"_s, org.data().events().size()},
        {u"faults"_s, org.faults().config().toJson()},
        {u"faultCounts"_s,
         QJsonObject {{u"fail503"_s, f.fail503},
                      {u"hang"_s, f.hang},
                      {u"drop"_s, f.drop},
                      {u"slow"_s, f.slow},
                      {u"lock"_s, f.lock},
                      {u"bulkFail"_s, f.bulkFail}}},
        {u"bulk"_s,
         QJsonObject {{u"ingestBatches"_s, org.usage().bulkBatches()},
                      {u"queryJobs"_s, org.usage().bulkQueryJobs()},
                      {u"queryResultBytes"_s, org.usage().bulkQueryBytes()}}},
        {u"sessions"_s,
         QJsonObject {{u"active"_s, qint64(org.sessions().activeSessions())},
                      {u"expired"_s, org.sessions().sessionsExpired()}}},
    };
    if (!object.isEmpty() && !externalId.isEmpty()) {
        out.insert(u"writeCountFor"_s,
                   QJsonObject {{u"object"_s, object},
                                {u"externalId"_s, externalId},
                                {u"writes"_s, log.countFor(object, externalId)},
                                {u"changed"_s, log.changedCountFor(object, externalId)}});
    }
    return out;
}

std::optional<ApiResponse> AdminEndpoint::handleUserAction(const QString &what,
                                                           const QByteArray &requestBody)
{
    if (what != "merge"_L1 && what != "convert"_L1 && what != "undelete"_L1)
        return std::nullopt;
    auto body = objectBody(requestBody);
    if (!body)
        return bad(400, body.error());
    const auto text = [&body](const char *key) { return body->value(QLatin1StringView(key)); };
    const auto idList = [](const QJsonValue &v) -> std::optional<QStringList> {
        if (!v.isArray())
            return std::nullopt;
        QStringList ids;
        for (const QJsonValue &id : v.toArray()) {
            if (!id.isString())
                return std::nullopt;
            ids.append(id.toString());
        }
        return ids;
    };
    // A user in the UI: no API client, so no LeadBridge changeOrigin.
    const WriteContext user {m_org.users().constFirst().userId, QString(), false, false};
    LeadLifecycle lifecycle(m_org);
    if (what == "merge"_L1) {
        const auto losers = idList(text("mergeIds"));
        if (!text("masterId").isString() || !losers
            || !(text("fields").isUndefined() || text("fields").isObject()))
            return bad(400,
                       makeError(u"BAD_REQUEST"_s,
                                 u"merge needs masterId (text), mergeIds (a list of ids) "
                                 u"and optionally fields (an object)"_s));
        auto merged = lifecycle.merge(text("masterId").toString(), *losers,
                                      text("fields").toObject(), user);
        if (!merged)
            return bad(400, merged.error());
        return ok({{u"masterId"_s, merged->masterId},
                   {u"mergedIds"_s, QJsonArray::fromStringList(merged->mergedIds)}});
    }
    if (what == "convert"_L1) {
        LeadLifecycle::ConvertOptions options;
        if (!text("leadId").isString()
            || !(text("convertedStatus").isUndefined() || text("convertedStatus").isString())
            || !(text("doNotCreateOpportunity").isUndefined()
                 || text("doNotCreateOpportunity").isBool()))
            return bad(400,
                       makeError(u"BAD_REQUEST"_s,
                                 u"convert needs leadId (text), optionally convertedStatus "
                                 u"(text) and doNotCreateOpportunity (true/false)"_s));
        options.convertedStatus = text("convertedStatus").toString(options.convertedStatus);
        options.createOpportunity = !text("doNotCreateOpportunity").toBool(false);
        auto converted = lifecycle.convert(text("leadId").toString(), options, user);
        if (!converted)
            return bad(400, converted.error());
        const auto orNull
            = [](const QString &id) { return id.isEmpty() ? QJsonValue() : QJsonValue(id); };
        return ok({{u"leadId"_s, converted->leadId},
                   {u"accountId"_s, converted->accountId},
                   {u"contactId"_s, converted->contactId},
                   {u"opportunityId"_s, orNull(converted->opportunityId)}});
    }
    const auto ids = idList(text("ids"));
    if (!text("object").isString() || !ids || ids->isEmpty())
        return bad(
            400,
            makeError(u"BAD_REQUEST"_s, u"undelete needs object (text) and ids (a list of ids)"_s));
    QJsonArray results;
    for (const SaveResult &r : lifecycle.undelete(text("object").toString(), *ids, user))
        results.append(QJsonDocument::fromJson(SaveResultJson::toJson(r, false)).object());
    return ok({{u"results"_s, results}});
}

ApiResponse AdminEndpoint::handle(const ApiRequest &request)
{
    const QString what = request.segments.value(1);
    const QByteArray &m = request.method;
    if (what == "stats"_L1 && m == "GET") {
        const qint64 since = request.queryValue(u"since"_s).toLongLong();
        const qsizetype limit
            = request.hasQuery(u"limit"_s) ? request.queryValue(u"limit"_s).toLongLong() : 1000;
        return ok(stats(m_org, since, limit, request.queryValue(u"object"_s),
                        request.queryValue(u"externalId"_s)));
    }
    if (what == "faults"_L1 && (m == "GET" || m == "POST")) {
        if (m == "POST") {
            auto body = objectBody(request.body);
            if (!body)
                return bad(400, body.error());
            auto config = FaultConfig::fromJson(*body, m_org.faults().config());
            if (!config)
                return bad(400, config.error());
            m_org.faults().configure(*config);
        }
        return ok(m_org.faults().config().toJson());
    }
    if (what == "reset"_L1 && m == "POST") {
        m_org.reset();
        return ok({{u"reset"_s, true}});
    }
    if (what == "seed"_L1 && m == "POST") {
        SeedLoader loader(m_org);
        const QString object = request.queryValue(u"object"_s);
        if (!object.isEmpty()) {
            auto count = loader.loadCsv(object, request.body);
            if (!count)
                return bad(400, count.error());
            return ok({{u"inserted"_s, QJsonObject {{object, *count}}}});
        }
        auto counts = loader.loadJson(request.body);
        if (!counts)
            return bad(400, counts.error());
        QJsonObject inserted;
        for (auto it = counts->begin(); it != counts->end(); ++it)
            inserted.insert(it.key(), it.value());
        return ok({{u"inserted"_s, inserted}});
    }
    if (what == "expire-sessions"_L1 && m == "POST") {
        const qsizetype count = m_org.sessions().activeSessions();
        m_org.sessions().expireAllSessions();
        return ok({{u"expired"_s, qint64(count)}});
    }
    if (what == "api-usage"_L1 && (m == "GET" || m == "POST")) {
        if (m == "POST") {
            auto body = objectBody(request.body);
            if (!body)
                return bad(400, body.error());
            const qint64 max = body->contains("max"_L1) ? qint64(body->value("max"_L1).toDouble())
                                                        : m_org.usage().max();
            const qint64 used = body->contains("used"_L1)
                ? qint64(body->value("used"_L1).toDouble())
                : m_org.usage().used();
            if (max <= 0 || used < 0)
                return bad(400, makeError(u"BAD_USAGE"_s, u"max must be > 0 and used >= 0"_s));
            m_org.usage().set(used, max);
        }
        return ok({{u"used"_s, m_org.usage().used()}, {u"max"_s, m_org.usage().max()}});
    }
    if (what == "events"_L1 && m == "GET") {
        QJsonArray events;
        for (const PublishedEvent &e : m_org.data().events().events())
            events.append(e.toJson());
        return ok({{u"events"_s, events}});
    }
    if (what == "external-id"_L1 && m == "POST") {
        auto body = objectBody(request.body);
        if (!body)
            return bad(400, body.error());
        auto r = m_org.markExternalId(body->value("object"_L1).toString(),
                                      body->value("field"_L1).toString(),
                                      body->value("unique"_L1).toBool(false));
        if (!r)
            return bad(400, r.error());
        return ok({{u"externalId"_s, true}});
    }
    if (m == "POST") {
        if (auto answer = handleUserAction(what, request.body))
            return *answer;
    }
    if (what == "save"_L1 && m == "POST") {
        auto r = m_save ? m_save() : Result<void>(makeError(u"NO_STATE"_s, u"no state file"_s));
        if (!r)
            return bad(400, r.error());
        return ok({{u"saved"_s, true}});
    }
    return bad(404,
               makeError(u"NOT_FOUND"_s, u"no such sandbox admin resource: "_s + request.path));
}

} // namespace lb::sandbox
