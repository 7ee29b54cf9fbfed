#include "PlatformResponse.h"

#include "PlatformTypes.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

#include <limits>

namespace lb::platform::response {
namespace {

std::optional<qint64> headerNumber(const HttpResponse &r, const char *name)
{
    const QByteArray v = r.header(name).trimmed();
    bool ok = false;
    const qint64 n = v.toLongLong(&ok);
    return ok && n >= 0 ? std::optional<qint64>(n) : std::nullopt;
}

QString defaultCode(int status)
{
    switch (status) {
    case 400:
        return QStringLiteral("bad_request");
    case 401:
        return QStringLiteral("unauthorized");
    case 403:
        return QStringLiteral("forbidden");
    case 404:
        return QStringLiteral("not_found");
    case 409:
        return QStringLiteral("conflict");
    case 410:
        return QStringLiteral("deleted");
    case 412:
        return QStringLiteral("version_conflict");
    case 413:
        return QStringLiteral("payload_too_large");
    case 422:
        return QStringLiteral("validation_failed");
    case 429:
        return QStringLiteral("rate_limited");
    default:
        return status >= 500 ? QStringLiteral("server_error")
                             : QStringLiteral("http_%1").arg(status);
    }
}

QString defaultMessage(int status)
{
    switch (status) {
    case 401:
        return QStringLiteral("The platform refused the API key; check the key stored for "
                              "this profile.");
    case 404:
        return QStringLiteral("The platform has no such record.");
    case 410:
        return QStringLiteral("The lead is deleted on the platform.");
    case 412:
        return QStringLiteral("The record changed on the platform since it was read.");
    case 413:
        return QStringLiteral("The request body is larger than the platform accepts (1 MiB).");
    case 429:
        return QStringLiteral("The platform's rate limit is used up for now.");
    default:
        return status >= 500
            ? QStringLiteral("The platform failed to answer (HTTP %1); it will be retried.")
                  .arg(status)
            : QStringLiteral("The platform answered HTTP %1.").arg(status);
    }
}

} // namespace

Result<QJsonObject> jsonObjectOf(const HttpResponse &r)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(r.body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        Error e
            = makeError(QStringLiteral("invalid_response"),
                        QStringLiteral("The platform's answer (HTTP %1) is not a JSON object%2.")
                            .arg(r.status)
                            .arg(error.error != QJsonParseError::NoError
                                     ? QStringLiteral(": ") + error.errorString()
                                     : QString()));
        e.httpStatus = r.status;
        return e;
    }
    return doc.object();
}

qint64 retryAfterMs(const HttpResponse &r, qint64 nowMs)
{
    const QByteArray v = r.header("Retry-After").trimmed();
    if (v.isEmpty())
        return -1;
    bool ok = false;
    const qint64 seconds = v.toLongLong(&ok);
    // Beyond what milliseconds hold (Retry-After: 99999999999999999) is as unreadable as
    // a negative delay: -1, the caller's own backoff.
    if (ok)
        return seconds >= 0 && seconds <= std::numeric_limits<qint64>::max() / 1000 ? seconds * 1000
                                                                                    : -1;
    const QDateTime at = QDateTime::fromString(QString::fromLatin1(v), Qt::RFC2822Date);
    if (!at.isValid())
        return -1;
    return qMax<qint64>(0, at.toMSecsSinceEpoch() - nowMs);
}

std::optional<ApiLimits> limitsOf(const HttpResponse &r, qint64 nowMs)
{
    const auto limit = headerNumber(r, "X-RateLimit-Limit");
    const auto remaining = headerNumber(r, "X-RateLimit-Remaining");
    if (!limit || !remaining || *limit <= 0)
        return std::nullopt;
    ApiLimits limits;
    limits.system = QStringLiteral("platform");
    limits.max = *limit;
    limits.used = qMax<qint64>(0, *limit - qMin(*remaining, *limit));
    limits.resetAt = headerNumber(r, "X-RateLimit-Reset").value_or(0);
    limits.observedAt = nowMs;
    return limits;
}

bool isTransientTransport(const QString &code)
{
    // A cut gzip stream is a cut connection; a too large answer would be as large again.
    return code == QLatin1String("network") || code == QLatin1String("timeout")
        || code == QLatin1String("undecodable_response");
}

Error errorOf(const HttpResponse &r, qint64 nowMs)
{
    Error e;
    e.httpStatus = r.status;
    if (r.status == 0 || !r.complete()) {
        e.code = r.errorCode.isEmpty() ? QStringLiteral("network") : r.errorCode;
        e.message = (r.status == 0 ? QStringLiteral("The platform could not be reached: ")
                                   : QStringLiteral("The platform's answer was not complete: "))
            + r.errorString;
        e.retryable = isTransientTransport(e.code);
        return e;
    }

    const QJsonObject body = QJsonDocument::fromJson(r.body).object();
    const QJsonValue code = body.value(QStringLiteral("error"));
    // Only a short, clean code is taken over; anything else is not ours to show.
    e.code = code.isString() && isValidRecordId(code.toString()) ? code.toString()
                                                                 : defaultCode(r.status);
    const QString message = body.value(QStringLiteral("message")).toString();
    e.message = message.isEmpty() ? defaultMessage(r.status) : message.left(1000);
    e.retryable = r.status == 429 || r.status >= 500;

    if (r.status == 429)
        e.retryAfterMs = retryAfterMs(r, nowMs);
    // 412 carries the current lead, 409/410 "deleted" the tombstone.
    if ((r.status == 412 || r.status == 409 || r.status == 410)
        && body.value(QStringLiteral("current")).isObject())
        e.details.insert(QStringLiteral("current"), body.value(QStringLiteral("current")));
    if (r.status == 422) {
        const QJsonArray details = body.value(QStringLiteral("details")).toArray();
        e.details.insert(QStringLiteral("details"), details);
        QStringList parts;
        for (const QJsonValue &d : details) {
            const QJsonObject o = d.toObject();
            parts.append(o.value(QStringLiteral("field")).toString() + QStringLiteral(": ")
                         + o.value(QStringLiteral("code")).toString());
        }
        if (!parts.isEmpty())
            e.message = QStringLiteral("The platform refused the record (%1).")
                            .arg(parts.join(QStringLiteral(", ")));
    }
    return e;
}

} // namespace lb::platform::response
