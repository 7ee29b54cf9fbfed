#include "ErrorEnvelope.h"

#include "ErrorClassification.h"
#include "net/HttpClient.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;

namespace lb::salesforce {

namespace {

constexpr qsizetype kSnippetChars = 160;

QString firstString(const QJsonObject &item, std::initializer_list<QLatin1String> keys)
{
    for (const QLatin1String key : keys) {
        const QJsonValue v = item.value(key);
        if (v.isString() && !v.toString().isEmpty())
            return v.toString();
    }
    return {};
}

bool looksLikeError(const QJsonObject &item)
{
    return item.contains("errorCode"_L1) || item.contains("statusCode"_L1)
        || item.contains("error"_L1) || item.contains("message"_L1);
}

QString bodySnippet(const QByteArray &body)
{
    QString text = QString::fromUtf8(body.left(kSnippetChars * 4)).simplified();
    if (text.size() > kSnippetChars)
        text = text.left(kSnippetChars) + u"..."_s;
    return text;
}

} // namespace

SfError ErrorEnvelope::parseItem(const QJsonObject &item)
{
    SfError e;
    // Envelope 4: the Bayeux "error" is "<http>::<text>", only meaningful with successful=false.
    if (item.contains("successful"_L1) && item.value("error"_L1).isString()) {
        e.code = item.value("error"_L1).toString();
        e.message = e.code.section("::"_L1, 1);
        if (e.message.isEmpty())
            e.message = e.code;
        return e;
    }
    e.code = firstString(item, {"errorCode"_L1, "statusCode"_L1, "error"_L1});
    e.message = firstString(item, {"message"_L1, "error_description"_L1});
    const QJsonArray fields = item.value("fields"_L1).toArray();
    for (const QJsonValue &f : fields) {
        if (f.isString())
            e.fields.append(f.toString());
    }
    return e;
}

QList<SfError> ErrorEnvelope::parseValue(const QJsonValue &value)
{
    QList<SfError> items;
    if (value.isObject()) {
        const QJsonObject o = value.toObject();
        if (o.value("successful"_L1).toBool(true) && !looksLikeError(o))
            return items;
        if (looksLikeError(o))
            items.append(parseItem(o));
    } else if (value.isArray()) {
        const QJsonArray array = value.toArray();
        for (const QJsonValue &v : array) {
            if (!v.isObject())
                continue;
            const QJsonObject o = v.toObject();
            if (o.contains("successful"_L1) && o.value("successful"_L1).toBool())
                continue;
            if (looksLikeError(o))
                items.append(parseItem(o));
        }
    }
    return items;
}

QList<SfError> ErrorEnvelope::parse(const QByteArray &body)
{
    if (body.trimmed().isEmpty())
        return {};
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return {};
    return parseValue(doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object()));
}

SfError ErrorEnvelope::statusItem(int httpStatus)
{
    return SfError {u"http_%1"_s.arg(httpStatus),
                    u"Salesforce answered HTTP %1 without an error description."_s.arg(httpStatus),
                    {}};
}

Error ErrorEnvelope::fromItems(const QList<SfError> &items, int httpStatus)
{
    Error error;
    error.httpStatus = httpStatus;
    if (items.isEmpty()) {
        const SfError item = statusItem(httpStatus);
        error.code = item.code;
        error.message = item.message;
    } else {
        // An item with a message but no code (fuzzing found it): the status names the error,
        // so no caller ever classifies or files an error without a code.
        error.code = items.constFirst().code.isEmpty() ? statusItem(httpStatus).code
                                                       : items.constFirst().code;
        QStringList messages;
        for (const SfError &item : items) {
            QString text = item.message.isEmpty() ? item.code : item.message;
            // An item with neither (`{"error": ""}`, fuzzing found it): the status speaks.
            if (text.isEmpty())
                text = statusItem(httpStatus).message;
            if (!item.fields.isEmpty())
                text += u" (fields: "_s + item.fields.join(u", "_s) + u')';
            messages.append(text);
        }
        error.message = messages.join(u"; "_s);
    }
    error.retryable = isRetryableHttpStatus(httpStatus) || isRetryableCode(error.code);
    return error;
}

Error ErrorEnvelope::toError(const HttpResponse &response)
{
    if (!response.reachedServer() || !response.complete()) {
        // No answer, or one that did not arrive whole (cut, too large): HttpClient's words.
        Error error;
        error.httpStatus = response.status;
        error.code = response.errorCode.isEmpty() ? u"network"_s : response.errorCode;
        error.message = response.errorString.isEmpty() ? u"The request did not reach Salesforce."_s
                                                       : response.errorString;
        error.retryable = isRetryableCode(error.code);
        return error;
    }
    const QList<SfError> items = parse(response.body);
    Error error = fromItems(items, response.status);
    if (items.isEmpty() && !response.body.trimmed().isEmpty())
        error.message += u" Body: "_s + bodySnippet(response.body);
    return error;
}

} // namespace lb::salesforce
