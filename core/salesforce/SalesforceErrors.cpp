#include "SalesforceErrors.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace lb::salesforce {
namespace {

SfError item(const QJsonObject &o)
{
    SfError e;
    e.code = o.value(QStringLiteral("errorCode")).toString();
    if (e.code.isEmpty())
        e.code = o.value(QStringLiteral("statusCode")).toString();
    if (e.code.isEmpty())
        e.code = o.value(QStringLiteral("error")).toString();
    e.message = o.value(QStringLiteral("message")).toString();
    if (e.message.isEmpty())
        e.message = o.value(QStringLiteral("error_description")).toString();
    for (const QJsonValue &f : o.value(QStringLiteral("fields")).toArray())
        e.fields.append(f.toString());
    return e;
}

} // namespace

QList<SfError> SalesforceErrors::parseItems(const QJsonValue &value)
{
    QList<SfError> out;
    if (value.isArray()) {
        for (const QJsonValue &v : value.toArray()) {
            if (v.isObject())
                out.append(item(v.toObject()));
        }
    } else if (value.isObject()) {
        out.append(item(value.toObject()));
    }
    return out;
}

QList<SfError> SalesforceErrors::parse(const QByteArray &body)
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (doc.isArray())
        return parseItems(doc.array());
    if (doc.isObject())
        return parseItems(doc.object());
    return {};
}

bool SalesforceErrors::isRetryableCode(const QString &code)
{
    return code == QLatin1String("UNABLE_TO_LOCK_ROW")
        || code == QLatin1String("REQUEST_LIMIT_EXCEEDED")
        || code == QLatin1String("SERVER_UNAVAILABLE") || code == QLatin1String("QUERY_TIMEOUT")
        || code == QLatin1String("network") || code == QLatin1String("timeout");
}

Error SalesforceErrors::fromResponse(const HttpResponse &response)
{
    Error e;
    e.httpStatus = response.status;
    if (response.status == 0) {
        e.code = response.errorCode.isEmpty() ? QStringLiteral("network") : response.errorCode;
        e.message = response.errorString;
        // Refused before sending (allowlist, insecure URL): retrying cannot help.
        e.retryable = e.code == QLatin1String("network") || e.code == QLatin1String("timeout");
        return e;
    }
    const QList<SfError> items = parse(response.body);
    if (!items.isEmpty()) {
        e.code = items.first().code;
        QStringList messages;
        for (const SfError &i : items)
            messages.append(i.message);
        e.message = messages.join(QStringLiteral("; "));
    }
    if (e.code.isEmpty())
        e.code = QStringLiteral("HTTP_%1").arg(response.status);
    if (e.message.isEmpty())
        e.message = QStringLiteral("Salesforce answered HTTP %1").arg(response.status);
    e.retryable = response.status >= 500 || response.status == 429 || isRetryableCode(e.code);
    const QByteArray retryAfter = response.header("Retry-After");
    if (!retryAfter.isEmpty())
        e.retryAfterMs = retryAfter.toLongLong() * 1000;
    return e;
}

} // namespace lb::salesforce
