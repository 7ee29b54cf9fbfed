#include "LimitInfo.h"

#include <QRegularExpression>

namespace lb::salesforce {

std::optional<ApiLimits> LimitInfo::fromHeader(const QByteArray &header, qint64 nowMs)
{
    if (header.isEmpty())
        return std::nullopt;
    static const QRegularExpression part(QStringLiteral(
        R"(^\s*([A-Za-z-]+)\s*=\s*(\d+)\s*/\s*(\d+)\s*(?:\(appName=([^)]*)\))?\s*$)"));
    ApiLimits limits;
    limits.system = QStringLiteral("salesforce");
    limits.observedAt = nowMs;
    bool found = false;
    for (const QString &piece : QString::fromLatin1(header).split(u';', Qt::SkipEmptyParts)) {
        const auto m = part.match(piece);
        if (!m.hasMatch())
            continue;
        const QString name = m.captured(1);
        const qint64 used = m.captured(2).toLongLong();
        const qint64 max = m.captured(3).toLongLong();
        if (name == QLatin1String("api-usage")) {
            limits.used = used;
            limits.max = max;
            found = true;
        } else {
            const QString app = m.captured(4);
            limits.counters.insert(app.isEmpty() ? name : name + u':' + app, {used, max});
        }
    }
    return found ? std::optional(limits) : std::nullopt;
}

ApiLimits LimitInfo::fromLimitsResource(const QJsonObject &body, qint64 nowMs)
{
    ApiLimits limits;
    limits.system = QStringLiteral("salesforce");
    limits.observedAt = nowMs;
    for (auto it = body.begin(); it != body.end(); ++it) {
        const QJsonObject o = it.value().toObject();
        if (!o.contains(QStringLiteral("Max")) || !o.contains(QStringLiteral("Remaining")))
            continue; // unknown shapes are ignored, per the reference
        const qint64 max = o.value(QStringLiteral("Max")).toInteger();
        const qint64 used = max - o.value(QStringLiteral("Remaining")).toInteger();
        if (it.key() == QLatin1String("DailyApiRequests")) {
            limits.max = max;
            limits.used = used;
        } else {
            limits.counters.insert(it.key(), {used, max});
        }
    }
    return limits;
}

} // namespace lb::salesforce
