#include "ApiLimitsParser.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace lb::salesforce {

namespace {

struct Usage
{
    qint64 used = -1;
    qint64 max = -1;
    QString appName;
};

// "51/100000" or "17/250(appName=sample-connected-app)"
std::optional<Usage> parseUsage(const QString &value)
{
    static const QRegularExpression re(
        u"^\\s*(\\d+)\\s*/\\s*(\\d+)\\s*(?:\\(\\s*appName\\s*=\\s*([^)]*)\\))?\\s*$"_s);
    const QRegularExpressionMatch m = re.match(value);
    if (!m.hasMatch())
        return std::nullopt;
    bool okUsed = false;
    bool okMax = false;
    Usage u;
    u.used = m.captured(1).toLongLong(&okUsed);
    u.max = m.captured(2).toLongLong(&okMax);
    u.appName = m.captured(3).trimmed();
    if (!okUsed || !okMax)
        return std::nullopt;
    return u;
}

} // namespace

bool ApiLimitsParser::parseLimitInfo(const QByteArray &header, ApiLimits &into)
{
    ApiLimits parsed = into;
    bool any = false;
    // Current docs separate parts with "; ", older ones with ", ".
    static const QRegularExpression separators(u"[;,]"_s);
    const QStringList parts = QString::fromLatin1(header).split(separators, Qt::SkipEmptyParts);
    for (const QString &raw : parts) {
        const qsizetype eq = raw.indexOf(u'=');
        if (eq <= 0)
            continue;
        const QString name = raw.left(eq).trimmed().toLower();
        const auto usage = parseUsage(raw.mid(eq + 1));
        if (!usage)
            continue;
        any = true;
        if (name == "api-usage"_L1) {
            parsed.used = usage->used;
            parsed.max = usage->max;
        } else {
            parsed.counters.insert(name, {usage->used, usage->max});
            if (!usage->appName.isEmpty())
                parsed.counters.insert(name + u':' + usage->appName, {usage->used, usage->max});
        }
    }
    if (!any)
        return false;
    parsed.system = u"salesforce"_s;
    into = parsed;
    return true;
}

Result<ApiLimits> ApiLimitsParser::parseLimitsResource(const QByteArray &json)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return makeError(u"unexpected_response"_s, u"The /limits answer is not a JSON object."_s);
    ApiLimits limits;
    limits.system = u"salesforce"_s;
    const QJsonObject root = doc.object();
    for (auto it = root.begin(); it != root.end(); ++it) {
        const QJsonObject limit = it.value().toObject();
        const QJsonValue max = limit.value("Max"_L1);
        const QJsonValue remaining = limit.value("Remaining"_L1);
        // Out-of-range numbers (1e300, negative) are no allowance; converting them to qint64
        // would be undefined.
        const auto inRange = [](double d) { return d >= 0 && d < 9.0e15; };
        if (!max.isDouble() || !remaining.isDouble() || !inRange(max.toDouble())
            || !inRange(remaining.toDouble()))
            continue;
        const qint64 m = qint64(max.toDouble());
        const qint64 used = qMax<qint64>(0, m - qint64(remaining.toDouble()));
        limits.counters.insert(it.key(), {used, m});
        if (it.key() == "DailyApiRequests"_L1) {
            limits.used = used;
            limits.max = m;
        }
    }
    return limits;
}

ApiLimits ApiLimitsParser::merged(const ApiLimits &base, const ApiLimits &update)
{
    ApiLimits out = base;
    out.system = u"salesforce"_s;
    if (update.used >= 0 && update.max >= 0) {
        out.used = update.used;
        out.max = update.max;
    }
    if (update.observedAt > 0)
        out.observedAt = update.observedAt;
    for (auto it = update.counters.begin(); it != update.counters.end(); ++it)
        out.counters.insert(it.key(), it.value());
    return out;
}

} // namespace lb::salesforce
