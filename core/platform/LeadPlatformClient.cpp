#include "LeadPlatformClient.h"

#include "PlatformPages.h"
#include "PlatformResponse.h"
#include "PlatformTime.h"
#include "log/Logging.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTimer>
#include <QUrlQuery>

namespace lb::platform {
namespace {

Error invalidArgument(const QString &message)
{
    return makeError(QStringLiteral("invalid_argument"), message);
}

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

bool isTransient(const HttpResponse &r)
{
    if (!r.complete())
        return response::isTransientTransport(r.errorCode);
    return r.status >= 500;
}

} // namespace

using pages::invalidResponse;

LeadPlatformClient::LeadPlatformClient(HttpClient &http, QUrl baseUrl, QString apiKey,
                                       QObject *parent)
    : QObject(parent)
    , m_http(http)
    , m_baseUrl(std::move(baseUrl))
    , m_apiKey(std::move(apiKey))
{ }

QUrl LeadPlatformClient::url(const QString &path) const
{
    QUrl u = m_baseUrl;
    QString base = u.path();
    while (base.endsWith(u'/'))
        base.chop(1);
    u.setPath(base + path);
    return u;
}

HttpRequest LeadPlatformClient::request(const QByteArray &method, const QString &path) const
{
    HttpRequest r;
    r.method = method;
    r.url = url(path);
    r.timeoutMs = m_options.timeoutMs;
    r.setHeader("Authorization", "Bearer " + m_apiKey.toUtf8());
    r.setHeader("Accept", "application/json");
    return r;
}

template<typename T>
void LeadPlatformClient::refuse(const Error &error, QObject *context, Callback<T> &done)
{
    // Still asynchronous, like every other outcome.
    QMetaObject::invokeMethod(
        context ? context : this, [done = std::move(done), error] { done(error); },
        Qt::QueuedConnection);
}

void LeadPlatformClient::observeLimits(const HttpResponse &r)
{
    if (auto limits = response::limitsOf(r, m_clock->nowMs())) {
        m_limits = *limits;
        emit limitsObserved(m_limits);
    }
}

void LeadPlatformClient::execute(const HttpRequest &request, QObject *context, RawCallback done)
{
    attempt(request, QPointer<QObject>(context ? context : this), std::move(done), 0, false);
}

void LeadPlatformClient::attempt(const HttpRequest &request, QPointer<QObject> context,
                                 RawCallback done, int transientAttempt, bool rateLimitRetried)
{
    m_http.send(request, this,
                [this, request, context, done = std::move(done), transientAttempt,
                 rateLimitRetried](const HttpResponse &r) mutable {
                    observeLimits(r);
                    if (!context)
                        return;
                    if (r.status == 429 && m_options.retryRateLimited && !rateLimitRetried) {
                        const qint64 wait = response::retryAfterMs(r, m_clock->nowMs());
                        if (wait >= 0 && wait <= m_options.maxRetryAfterMs) {
                            qCDebug(lcPlatform) << "rate limited; retrying in" << wait << "ms";
                            QTimer::singleShot(wait, this, [=, this]() mutable {
                                if (context)
                                    attempt(request, context, std::move(done), transientAttempt,
                                            true);
                            });
                            return;
                        }
                    }
                    if (isTransient(r) && transientAttempt < m_options.transientRetries) {
                        const qint64 wait = m_options.backoff.backoffMs(
                            transientAttempt + 1, *QRandomGenerator::global());
                        qCDebug(lcPlatform) << "transient failure" << r.status << r.errorCode
                                            << "; retrying in" << wait << "ms";
                        QTimer::singleShot(wait, this, [=, this]() mutable {
                            if (context)
                                attempt(request, context, std::move(done), transientAttempt + 1,
                                        rateLimitRetried);
                        });
                        return;
                    }
                    if (!r.complete() && r.reachedServer()) {
                        // A status line without its whole body is no answer: the handlers read
                        // status 0 as "not answered" and report errorCode/errorString.
                        HttpResponse cut = r;
                        cut.status = 0;
                        cut.body.clear();
                        return done(cut);
                    }
                    done(r);
                });
}

void LeadPlatformClient::listLeads(std::optional<qint64> updatedSince, const QString &cursor,
                                   int limit, QObject *context, Callback<LeadPage> done)
{
    if (limit < 1 || limit > MaxPageSize)
        return refuse(invalidArgument(QStringLiteral("limit must be 1-%1").arg(MaxPageSize)),
                      context, done);
    HttpRequest req = request("GET", QStringLiteral("/v1/leads"));
    QUrlQuery query;
    if (updatedSince)
        query.addQueryItem(QStringLiteral("updated_since"), formatPlatformTimestamp(*updatedSince));
    if (!cursor.isEmpty())
        query.addQueryItem(QStringLiteral("cursor"),
                           QString::fromLatin1(QUrl::toPercentEncoding(cursor)));
    query.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    req.url.setQuery(query);
    execute(req, context, [this, done = std::move(done)](const HttpResponse &r) {
        if (r.status != 200)
            return done(response::errorOf(r, m_clock->nowMs()));
        auto body = response::jsonObjectOf(r);
        if (!body)
            return done(body.error());
        done(pages::readLeadPage(r, *body));
    });
}

void LeadPlatformClient::getLead(const QString &id, QObject *context, Callback<PlatformLead> done)
{
    if (!isValidRecordId(id))
        return refuse(invalidArgument(QStringLiteral("not a valid lead id")), context, done);
    execute(request("GET", QStringLiteral("/v1/leads/") + id), context,
            [this, done = std::move(done)](const HttpResponse &r) {
                if (r.status != 200)
                    return done(response::errorOf(r, m_clock->nowMs()));
                auto body = response::jsonObjectOf(r);
                if (!body)
                    return done(body.error());
                auto lead = PlatformLead::fromJson(*body);
                if (!lead)
                    return done(invalidResponse(r, lead.error().message));
                done(std::move(lead).value());
            });
}

void LeadPlatformClient::putLead(const PlatformLead &lead, std::optional<qint64> ifMatch,
                                 QObject *context, Callback<LeadWrite> done)
{
    if (!isValidRecordId(lead.id))
        return refuse(invalidArgument(QStringLiteral("not a valid lead id")), context, done);
    HttpRequest req = request("PUT", QStringLiteral("/v1/leads/") + lead.id);
    if (ifMatch)
        req.setHeader("If-Match", QByteArray::number(*ifMatch));
    sendPut(std::move(req), lead, context, std::move(done));
}

void LeadPlatformClient::restoreLead(const PlatformLead &lead, QObject *context,
                                     Callback<LeadWrite> done)
{
    if (!isValidRecordId(lead.id))
        return refuse(invalidArgument(QStringLiteral("not a valid lead id")), context, done);
    HttpRequest req = request("PUT", QStringLiteral("/v1/leads/") + lead.id);
    req.url.setQuery(QStringLiteral("restore=true"));
    sendPut(std::move(req), lead, context, std::move(done));
}

void LeadPlatformClient::sendPut(HttpRequest req, const PlatformLead &lead, QObject *context,
                                 Callback<LeadWrite> done)
{
    req.body = compact(lead.toWriteJson());
    execute(req, context, [this, done = std::move(done)](const HttpResponse &r) {
        if (r.status != 200 && r.status != 201)
            return done(response::errorOf(r, m_clock->nowMs()));
        auto body = response::jsonObjectOf(r);
        if (!body)
            return done(body.error());
        auto stored = PlatformLead::fromJson(*body);
        if (!stored)
            return done(invalidResponse(r, stored.error().message));
        done(LeadWrite {std::move(stored).value(), r.status == 201});
    });
}

void LeadPlatformClient::deleteLead(const QString &id, QObject *context, Callback<void> done)
{
    if (!isValidRecordId(id))
        return refuse(invalidArgument(QStringLiteral("not a valid lead id")), context, done);
    execute(request("DELETE", QStringLiteral("/v1/leads/") + id), context,
            [this, done = std::move(done)](const HttpResponse &r) {
                if (r.status != 204 && r.status != 200)
                    return done(response::errorOf(r, m_clock->nowMs()));
                done(Result<void>());
            });
}

void LeadPlatformClient::patchLead(const QString &id, const QJsonObject &fields, QObject *context,
                                   Callback<PlatformLead> done)
{
    if (!isValidRecordId(id))
        return refuse(invalidArgument(QStringLiteral("not a valid lead id")), context, done);
    QJsonObject body = fields;
    if (!body.contains(QStringLiteral("updated_by")))
        body.insert(QStringLiteral("updated_by"), QStringLiteral("salesforce"));
    HttpRequest req = request("PATCH", QStringLiteral("/v1/leads/") + id);
    req.body = compact(body);
    execute(req, context, [this, done = std::move(done)](const HttpResponse &r) {
        if (r.status != 200)
            return done(response::errorOf(r, m_clock->nowMs()));
        auto json = response::jsonObjectOf(r);
        if (!json)
            return done(json.error());
        auto lead = PlatformLead::fromJson(*json);
        if (!lead)
            return done(invalidResponse(r, lead.error().message));
        done(std::move(lead).value());
    });
}

void LeadPlatformClient::batchUpsert(const QList<PlatformLead> &leads, QObject *context,
                                     Callback<QList<BatchItemResult>> done)
{
    QList<LeadUpsert> items;
    items.reserve(leads.size());
    for (const PlatformLead &lead : leads)
        items.append({lead, std::nullopt});
    batchUpsert(items, context, std::move(done));
}

void LeadPlatformClient::batchUpsert(const QList<LeadUpsert> &items, QObject *context,
                                     Callback<QList<BatchItemResult>> done)
{
    if (items.isEmpty() || items.size() > MaxBatch)
        return refuse(
            invalidArgument(
                QStringLiteral("a batch holds 1-%1 leads, not %2").arg(MaxBatch).arg(items.size())),
            context, done);
    QJsonArray upserts;
    QStringList ids;
    for (const LeadUpsert &item : items) {
        QJsonObject o = item.lead.toWriteJson();
        if (item.ifMatch)
            o.insert(QStringLiteral("version"), *item.ifMatch);
        upserts.append(o);
        ids.append(item.lead.id);
    }
    HttpRequest req = request("POST", QStringLiteral("/v1/leads/batch"));
    req.body = compact(QJsonObject {{QStringLiteral("upserts"), upserts}});
    execute(req, context, [this, done = std::move(done), ids](const HttpResponse &r) {
        if (r.status != 207 && r.status != 200)
            return done(response::errorOf(r, m_clock->nowMs()));
        auto body = response::jsonObjectOf(r);
        if (!body)
            return done(body.error());
        done(pages::readBatchResults(r, *body, ids));
    });
}

void LeadPlatformClient::listAgents(const QString &cursor, int limit, QObject *context,
                                    Callback<AgentPage> done)
{
    if (limit < 1 || limit > MaxPageSize)
        return refuse(invalidArgument(QStringLiteral("limit must be 1-%1").arg(MaxPageSize)),
                      context, done);
    HttpRequest req = request("GET", QStringLiteral("/v1/agents"));
    QUrlQuery query;
    if (!cursor.isEmpty())
        query.addQueryItem(QStringLiteral("cursor"),
                           QString::fromLatin1(QUrl::toPercentEncoding(cursor)));
    query.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    req.url.setQuery(query);
    execute(req, context, [this, done = std::move(done)](const HttpResponse &r) {
        if (r.status != 200)
            return done(response::errorOf(r, m_clock->nowMs()));
        auto body = response::jsonObjectOf(r);
        if (!body)
            return done(body.error());
        done(pages::readAgentPage(r, *body));
    });
}

void LeadPlatformClient::putAgent(const PlatformAgent &agent, QObject *context,
                                  Callback<AgentWrite> done)
{
    if (!isValidRecordId(agent.id))
        return refuse(invalidArgument(QStringLiteral("not a valid agent id")), context, done);
    HttpRequest req = request("PUT", QStringLiteral("/v1/agents/") + agent.id);
    req.body = compact(agent.toWriteJson());
    execute(req, context, [this, done = std::move(done)](const HttpResponse &r) {
        if (r.status != 200 && r.status != 201)
            return done(response::errorOf(r, m_clock->nowMs()));
        auto body = response::jsonObjectOf(r);
        if (!body)
            return done(body.error());
        auto stored = PlatformAgent::fromJson(*body);
        if (!stored)
            return done(invalidResponse(r, stored.error().message));
        done(AgentWrite {std::move(stored).value(), r.status == 201});
    });
}

void LeadPlatformClient::deleteAgent(const QString &id, QObject *context, Callback<void> done)
{
    if (!isValidRecordId(id))
        return refuse(invalidArgument(QStringLiteral("not a valid agent id")), context, done);
    execute(request("DELETE", QStringLiteral("/v1/agents/") + id), context,
            [this, done = std::move(done)](const HttpResponse &r) {
                if (r.status != 204 && r.status != 200)
                    return done(response::errorOf(r, m_clock->nowMs()));
                done(Result<void>());
            });
}

std::optional<PlatformLead> LeadPlatformClient::conflictCurrent(const Error &error)
{
    const QJsonValue current = error.details.value(QStringLiteral("current"));
    if (!current.isObject() || PlatformTombstone::isTombstone(current.toObject()))
        return std::nullopt;
    auto lead = PlatformLead::fromJson(current.toObject());
    return lead ? std::optional<PlatformLead>(std::move(lead).value()) : std::nullopt;
}

bool LeadPlatformClient::isDeleted(const Error &error)
{
    return (error.httpStatus == 409 || error.httpStatus == 410)
        && error.code == QLatin1String(DeletedCode);
}

std::optional<PlatformTombstone> LeadPlatformClient::tombstoneOf(const Error &error)
{
    if (!isDeleted(error))
        return std::nullopt;
    auto tombstone
        = PlatformTombstone::fromJson(error.details.value(QStringLiteral("current")).toObject());
    return tombstone ? std::optional<PlatformTombstone>(std::move(tombstone).value())
                     : std::nullopt;
}

} // namespace lb::platform
