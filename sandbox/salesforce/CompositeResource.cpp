#include "CompositeResource.h"

#include "JsonBody.h"
#include "JsonWriter.h"
#include "RestRouter.h"
#include "SandboxOrg.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSet>

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

namespace {

struct SubResult
{
    QString referenceId;
    int status = 0;
    QJsonObject headers;
    QJsonValue body;
    QByteArray raw; // the subresponse as the resource wrote it (keeps its key order)
    bool executed = false;
};

const QString &haltedMessage()
{
    static const QString m = u"The transaction was rolled back since another operation in the "
                             u"same transaction failed."_s;
    return m;
}

QJsonValue haltedBody(const QString &message)
{
    return QJsonArray {
        QJsonObject {{u"errorCode"_s, u"PROCESSING_HALTED"_s}, {u"message"_s, message}}};
}

bool validReferenceId(const QString &id)
{
    if (id.isEmpty() || !id[0].isLetterOrNumber())
        return false;
    return std::all_of(id.begin(), id.end(), [](QChar c) {
        return (c.isLetterOrNumber() && c.unicode() < 128) || c == u'_';
    });
}

bool isQueryOrCollections(const QString &url)
{
    const QString path = url.section(u'?', 0, 0);
    return path.contains("/query"_L1) || path.contains("/composite/sobjects"_L1);
}

// Walks "id" or "records[0].Id" through a subresponse body.
std::optional<QJsonValue> walk(QJsonValue value, const QString &path)
{
    for (const QString &step : path.split(u'.')) {
        QString name = step;
        QList<int> indexes;
        while (name.endsWith(u']')) {
            const qsizetype open = name.lastIndexOf(u'[');
            if (open < 0)
                return std::nullopt;
            bool ok = false;
            indexes.prepend(name.mid(open + 1, name.size() - open - 2).toInt(&ok));
            if (!ok)
                return std::nullopt;
            name.truncate(open);
        }
        if (!name.isEmpty()) {
            if (!value.isObject() || !value.toObject().contains(name))
                return std::nullopt;
            value = value.toObject().value(name);
        }
        for (int index : indexes) {
            if (!value.isArray() || index < 0 || index >= value.toArray().size())
                return std::nullopt;
            value = value.toArray().at(index);
        }
    }
    return value;
}

QString textOf(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::String:
        return v.toString();
    case QJsonValue::Bool:
        return v.toBool() ? u"true"_s : u"false"_s;
    case QJsonValue::Double:
        return QString::number(v.toDouble(), 'g', 17);
    case QJsonValue::Null:
        return u"null"_s;
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    default:
        return {};
    }
}

class References
{
public:
    void succeeded(const QString &id, const QJsonValue &body) { m_bodies.insert(id, body); }

    // Replaces every @{ref.path} in `text`; sets *missing to the first reference that has no
    // value. With whole = true and `text` being exactly one reference, *raw gets its JSON value.
    QString substitute(const QString &text, QString *missing, QJsonValue *raw = nullptr) const
    {
        QString out;
        qsizetype pos = 0;
        while (true) {
            const qsizetype start = text.indexOf("@{"_L1, pos);
            const qsizetype end = start < 0 ? -1 : text.indexOf(u'}', start);
            if (start < 0 || end < 0) {
                out += text.mid(pos);
                return out;
            }
            out += text.mid(pos, start - pos);
            const QString expression = text.mid(start + 2, end - start - 2);
            const QString id = expression.section(u'.', 0, 0);
            const QString path = expression.section(u'.', 1);
            std::optional<QJsonValue> value;
            if (m_bodies.contains(id))
                value = path.isEmpty() ? m_bodies.value(id) : walk(m_bodies.value(id), path);
            if (!value) {
                if (missing->isEmpty())
                    *missing = expression;
                value = QJsonValue();
            }
            if (raw && start == 0 && end == text.size() - 1)
                *raw = *value;
            out += textOf(*value);
            pos = end + 1;
        }
    }

    QJsonValue substituteJson(const QJsonValue &v, QString *missing) const
    {
        if (v.isString()) {
            QJsonValue raw = QJsonValue::Undefined;
            const QString text = substitute(v.toString(), missing, &raw);
            return raw.isUndefined() || raw.isString() ? QJsonValue(text) : raw;
        }
        if (v.isArray()) {
            QJsonArray out;
            for (const QJsonValue &item : v.toArray())
                out.append(substituteJson(item, missing));
            return out;
        }
        if (v.isObject()) {
            QJsonObject out;
            const QJsonObject in = v.toObject();
            for (auto it = in.begin(); it != in.end(); ++it)
                out.insert(it.key(), substituteJson(it.value(), missing));
            return out;
        }
        return v;
    }

private:
    QHash<QString, QJsonValue> m_bodies;
};

} // namespace

CompositeResource::CompositeResource(SandboxOrg &org, RestRouter &router)
    : m_org(org)
    , m_router(router)
{ }

ApiResponse CompositeResource::handle(const RestCall &call)
{
    if (call.method() == "GET") {
        const QJsonObject list {{u"sobjects"_s, QString(call.base() + u"/composite/sobjects"_s)}};
        return ApiResponse::json(200, QJsonDocument(list).toJson(QJsonDocument::Compact));
    }
    if (call.method() != "POST")
        return ApiResponse::error(405, u"METHOD_NOT_ALLOWED"_s,
                                  u"HTTP Method '%1' not allowed. Allowed are GET,POST"_s.arg(
                                      QString::fromLatin1(call.method())));
    if (call.request.internal)
        return ApiResponse::error(400, u"INVALID_INPUT"_s,
                                  u"A composite request cannot contain a composite request"_s);
    QJsonDocument doc;
    if (auto error = JsonBody::parse(call.request.body, &doc))
        return ApiResponse::error(400, *error);
    const QJsonObject body = doc.object();
    if (!doc.isObject() || !body.value("compositeRequest"_L1).isArray())
        return ApiResponse::error(400, u"JSON_PARSER_ERROR"_s,
                                  u"The request body must be an object with a compositeRequest "
                                  u"array"_s);
    const QJsonArray requests = body.value("compositeRequest"_L1).toArray();
    if (requests.isEmpty() || requests.size() > kMaxSubrequests)
        return ApiResponse::error(400, u"LIMIT_EXCEEDED"_s,
                                  u"A composite request must have 1 to 25 subrequests"_s);
    QSet<QString> seen;
    int heavy = 0;
    for (const QJsonValue &v : requests) {
        const QJsonObject sub = v.toObject();
        const QString ref = sub.value("referenceId"_L1).toString();
        const QString url = sub.value("url"_L1).toString();
        if (!validReferenceId(ref) || seen.contains(ref))
            return ApiResponse::error(400, u"INVALID_INPUT"_s,
                                      u"Invalid or duplicate referenceId: '%1'"_s.arg(ref));
        seen.insert(ref);
        if (sub.value("method"_L1).toString().isEmpty() || !url.startsWith("/services/data/v"_L1))
            return ApiResponse::error(
                400, u"INVALID_INPUT"_s,
                u"Each subrequest needs a method and a /services/data/ url: "_s + ref);
        if (isQueryOrCollections(url) && ++heavy > kMaxQueriesAndCollections)
            return ApiResponse::error(400, u"LIMIT_EXCEEDED"_s,
                                      u"A composite request can have at most 5 query or sObject "
                                      u"Collections subrequests"_s);
    }

    const bool allOrNone = body.value("allOrNone"_L1).toBool(false);
    const OrgData::Savepoint savepoint = m_org.data().savepoint();
    References references;
    QSet<QString> failed;
    QList<SubResult> results;
    int firstFailure = -1;
    for (const QJsonValue &v : requests) {
        const QJsonObject sub = v.toObject();
        SubResult result;
        result.referenceId = sub.value("referenceId"_L1).toString();
        if (allOrNone && firstFailure >= 0) {
            results.append(result);
            continue;
        }
        QString missing;
        const QString url = references.substitute(sub.value("url"_L1).toString(), &missing);
        const QJsonValue subBody = references.substituteJson(sub.value("body"_L1), &missing);
        if (!missing.isEmpty()) {
            const QString refId = missing.section(u'.', 0, 0);
            result.status = 400;
            result.body = haltedBody(
                u"Invalid reference specified. No value for %1 found in %2. Provided referenceId "
                u"('%2') is not valid for this composite request."_s.arg(missing, refId));
            result.executed = true;
            failed.insert(result.referenceId);
            if (firstFailure < 0)
                firstFailure = int(results.size());
            results.append(result);
            continue;
        }
        ApiRequest request;
        request.method = sub.value("method"_L1).toString().toUpper().toLatin1();
        request.setTarget(url.toUtf8());
        request.headers = call.request.headers;
        const QJsonObject headers = sub.value("httpHeaders"_L1).toObject();
        for (auto it = headers.begin(); it != headers.end(); ++it)
            request.headers.insert(it.key().toLower().toLatin1(), it.value().toString().toUtf8());
        if (!subBody.isUndefined() && !subBody.isNull()) {
            request.body = subBody.isObject()
                ? QJsonDocument(subBody.toObject()).toJson(QJsonDocument::Compact)
                : QJsonDocument(subBody.toArray()).toJson(QJsonDocument::Compact);
            request.headers.insert("content-type", "application/json");
        }
        request.internal = true;
        const ApiResponse response = m_router.handleSubrequest(request, call);
        result.executed = true;
        result.status = response.status;
        const QJsonDocument answer = QJsonDocument::fromJson(response.body);
        if (!answer.isNull())
            result.raw = response.body;
        result.body = answer.isArray() ? QJsonValue(answer.array())
            : answer.isObject()        ? QJsonValue(answer.object())
                                       : QJsonValue();
        if (const QByteArray location = response.header("Location"); !location.isEmpty())
            result.headers.insert(u"Location"_s, QString::fromUtf8(location));
        if (response.status >= 300) {
            failed.insert(result.referenceId);
            if (firstFailure < 0)
                firstFailure = int(results.size());
        } else {
            references.succeeded(result.referenceId, result.body);
        }
        results.append(result);
    }
    if (allOrNone && firstFailure >= 0) {
        m_org.data().rollbackTo(savepoint);
        for (int i = 0; i < results.size(); ++i) {
            if (i == firstFailure)
                continue;
            results[i].status = 400;
            results[i].headers = {};
            results[i].body = haltedBody(haltedMessage());
            results[i].raw.clear();
        }
    }

    JsonWriter w;
    w.beginObject();
    w.key("compositeResponse"_L1).beginArray();
    for (const SubResult &r : results) {
        w.beginObject();
        if (r.raw.isEmpty())
            w.key("body"_L1).value(r.body);
        else
            w.key("body"_L1).raw(r.raw);
        w.key("httpHeaders"_L1).value(QJsonValue(r.headers));
        w.key("httpStatusCode"_L1).value(r.status);
        w.key("referenceId"_L1).value(QStringView(r.referenceId));
        w.endObject();
    }
    w.endArray();
    w.endObject();
    return ApiResponse::json(200, w.take());
}

} // namespace lb::sandbox
