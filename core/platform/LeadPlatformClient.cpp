#include "LeadPlatformClient.h"

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

Error invalidResponse(const HttpResponse &r, const QString &what)
{
    Error e = makeError(QStringLiteral("invalid_response"),
                        QStringLiteral("The platform's answer (HTTP %1) is not what the "
                                       "contract says: %2")
                            .arg(r.status)
                            .arg(what));
    e.httpStatus = r.status;
    return e;
}

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// Any JSON value as compact text (QJsonDocument holds only objects and arrays, so the value is
// written inside a one-item array and the brackets are cut off).
QByteArray compactValue(const QJsonValue &v)
{
    return QJsonDocument(QJsonArray {v}).toJson(QJsonDocument::Compact).sliced(1).chopped(1);
}

QString nextCursorOf(const QJsonObject &body)
{
    const QJsonValue v = body.value(QStringLiteral("next_cursor"));
    return v.isString() ? v.toString() : QString();
}

bool isTransient(const HttpResponse &r)
{
    if (!r.complete())
        return response::isTransientTransport(r.errorCode);
    return r.status >= 500;
}

template<typename T> Result<QList<T>> readList(const HttpResponse &r, const QJsonObject &body)
{
    const QJsonValue data = body.value(QStringLiteral("data"));
    if (!data.isArray())
        return invalidResponse(r, QStringLiteral("\"data\" is not a list."));
    const QJsonArray array = data.toArray();
    QList<T> items;
    items.reserve(array.size());
    for (const QJsonValue &v : array) {
        auto item = T::fromJson(v.toObject());
        if (!v.isObject() || !item)
            return invalidResponse(r,
                                   v.isObject() ? item.error().message
                                                : QStringLiteral("a list item is no object."));
        items.append(std::move(item).value());
    }
    return items;
}

// The lead listing: leads and tombstones, each read by its own rules. An item that cannot be
// read is handed back as rejected, with its raw JSON, and the rest of the page goes on; only a
// body that is not a listing at all refuses the page.
Result<LeadPage> readLeadPage(const HttpResponse &r, const QJsonObject &body)
{
    const QJsonValue data = body.value(QStringLiteral("data"));
    if (!data.isArray())
        return invalidResponse(r, QStringLiteral("\"data\" is not a list."));
    LeadPage page;
    for (const QJsonValue &v : data.toArray()) {
        const auto reject = [&page, &v](Error error) {
            page.rejected.append({compactValue(v), std::move(error)});
        };
        if (!v.isObject()) {
            reject(makeError(QStringLiteral("invalid_record"),
                             QStringLiteral("The platform listed an item that is not a lead "
                                            "object.")));
            continue;
        }
        const QJsonObject o = v.toObject();
        if (PlatformTombstone::isTombstone(o)) {
            auto tombstone = PlatformTombstone::fromJson(o);
            if (tombstone)
                page.tombstones.append(std::move(tombstone).value());
            else
                reject(tombstone.error());
            continue;
        }
        // Observed, not contract, reading: a score of 130 is the mapping's to clamp.
        auto lead = PlatformLead::fromObserved(o);
        if (lead)
            page.leads.append(std::move(lead).value());
        else
            reject(lead.error());
    }
    page.nextCursor = nextCursorOf(body);
    return page;
}

} // namespace

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
        done(readLeadPage(r, *body));
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
        const QJsonArray results = body->value(QStringLiteral("results")).toArray();
        if (results.size() != ids.size())
            return done(invalidResponse(
                r, QStringLiteral("%1 results for %2 leads").arg(results.size()).arg(ids.size())));
        QList<BatchItemResult> out;
        out.reserve(results.size());
        for (qsizetype i = 0; i < results.size(); ++i) {
            const QJsonObject o = results.at(i).toObject();
            BatchItemResult item;
            item.id = o.value(QStringLiteral("id")).toString();
            item.status = o.value(QStringLiteral("status")).toInt();
            if (item.id != ids.at(i) || item.status < 100 || item.status > 599)
                return done(invalidResponse(r,
                                            QStringLiteral("result %1 does not answer for "
                                                           "lead %2")
                                                .arg(i)
                                                .arg(ids.at(i))));
            const QJsonObject error = o.value(QStringLiteral("error")).toObject();
            item.errorCode = error.value(QStringLiteral("code")).toString();
            item.errorMessage = error.value(QStringLiteral("message")).toString();
            item.errorField = error.value(QStringLiteral("field")).toString();
            item.version = o.value(QStringLiteral("version")).toInteger();
            if (o.value(QStringLiteral("current")).isObject()) {
                const QJsonObject current = o.value(QStringLiteral("current")).toObject();
                if (PlatformTombstone::isTombstone(current)) {
                    if (auto tombstone = PlatformTombstone::fromJson(current))
                        item.tombstone = std::move(tombstone).value();
                } else if (auto lead = PlatformLead::fromJson(current)) {
                    item.current = std::move(lead).value();
                }
            }
            out.append(std::move(item));
        }
        done(std::move(out));
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
        auto agents = readList<PlatformAgent>(r, *body);
        if (!agents)
            return done(agents.error());
        done(AgentPage {std::move(agents).value(), nextCursorOf(*body)});
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
