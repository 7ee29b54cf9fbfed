#include "DestinationConfig.h"

#include "ObjectReader.h"

#include <QHostAddress>
#include <QRegularExpression>
#include <QSet>

namespace lb {

using config::ObjectReader;

const QStringList &LeadEvent::all()
{
    static const QStringList events {Created,   Updated, StatusChanged, Assigned,
                                     Converted, Deleted, AgentChanged};
    return events;
}

Result<void> DestinationConfig::checkName(const QString &name)
{
    static const QRegularExpression valid(QStringLiteral("^[a-z0-9][a-z0-9_-]{0,62}$"));
    if (!valid.match(name).hasMatch())
        return makeError(QStringLiteral("destination_name"),
                         QStringLiteral("\"%1\" is not a valid name: use 1-63 lower-case letters, "
                                        "digits, '-' and '_', starting with a letter or digit")
                             .arg(name.left(80)));
    return {};
}

Result<void> DestinationConfig::checkUrl(const QUrl &url)
{
    if (!url.isValid() || url.host().isEmpty())
        return makeError(QStringLiteral("destination_url"),
                         QStringLiteral("must be an http(s) URL with a host"));
    if (url.scheme() == QLatin1String("https"))
        return {};
    const QHostAddress address(url.host());
    const bool loopback
        = url.host() == QLatin1String("localhost") || (!address.isNull() && address.isLoopback());
    if (url.scheme() == QLatin1String("http") && loopback)
        return {};
    return makeError(QStringLiteral("destination_url"),
                     QStringLiteral("must be https (http only to a loopback host), got \"%1\"")
                         .arg(url.toString(QUrl::RemoveUserInfo).left(200)));
}

Result<DestinationConfig> DestinationConfig::fromJson(const QJsonValue &json, const QString &path,
                                                      const QString &file)
{
    const auto fail = [&](const QString &what) {
        return makeError(QStringLiteral("profile"),
                         QStringLiteral("%1: %2 %3").arg(file, path, what));
    };
    if (!json.isObject())
        return fail(QStringLiteral("must be an object"));
    DestinationConfig d;
    ObjectReader r(json.toObject(), path, file);
    LB_TRY(r.string(QStringLiteral("name"), d.name, true));
    if (auto n = checkName(d.name); !n)
        return r.error(QStringLiteral("name"), n.error().message);
    LB_TRY(r.url(QStringLiteral("url"), d.url, true));
    if (auto u = checkUrl(d.url); !u)
        return r.error(QStringLiteral("url"), u.error().message);
    LB_TRY(r.stringList(QStringLiteral("events"), d.events));
    if (d.events.isEmpty())
        return r.error(QStringLiteral("events"), QStringLiteral("must name at least one event"));
    for (const QString &event : std::as_const(d.events)) {
        if (!LeadEvent::all().contains(event))
            return r.error(QStringLiteral("events"),
                           QStringLiteral("holds an unknown event \"%1\" (known: %2)")
                               .arg(event.left(80), LeadEvent::all().join(QStringLiteral(", "))));
    }
    auto when = DestinationRule::fromJson(r.raw(QStringLiteral("when")));
    if (!when)
        return r.error(QStringLiteral("when"), when.error().message);
    d.when = *when;
    LB_TRY(r.number(QStringLiteral("rate_per_s"), d.ratePerSecond, 0.1, 10'000));
    LB_TRY(r.boolean(QStringLiteral("enabled"), d.enabled));
    LB_TRY(r.unknownKeys());
    return d;
}

QJsonObject DestinationConfig::toJson() const
{
    QJsonObject json {{QStringLiteral("name"), name},
                      {QStringLiteral("url"), url.toString()},
                      {QStringLiteral("events"), QJsonArray::fromStringList(events)}};
    if (!when.isEmpty())
        json.insert(QStringLiteral("when"), when.toJson());
    if (ratePerSecond != DestinationConfig().ratePerSecond)
        json.insert(QStringLiteral("rate_per_s"), ratePerSecond);
    if (!enabled)
        json.insert(QStringLiteral("enabled"), false);
    return json;
}

const QStringList &AlertConfig::formats()
{
    static const QStringList formats {QStringLiteral("slack"), QStringLiteral("pagerduty")};
    return formats;
}

Result<AlertConfig> AlertConfig::fromJson(const QJsonValue &json, const QString &path,
                                          const QString &file)
{
    if (!json.isObject())
        return makeError(QStringLiteral("profile"),
                         QStringLiteral("%1: %2 must be an object").arg(file, path));
    AlertConfig a;
    ObjectReader r(json.toObject(), path, file);
    LB_TRY(r.string(QStringLiteral("name"), a.name, true));
    if (auto n = DestinationConfig::checkName(a.name); !n)
        return r.error(QStringLiteral("name"), n.error().message);
    LB_TRY(r.string(QStringLiteral("format"), a.format, true));
    if (!formats().contains(a.format))
        return r.error(QStringLiteral("format"),
                       QStringLiteral("must be one of %1 (got \"%2\")")
                           .arg(formats().join(QStringLiteral(", ")), a.format.left(80)));
    LB_TRY(r.url(QStringLiteral("url"), a.url, true));
    if (auto u = DestinationConfig::checkUrl(a.url); !u)
        return r.error(QStringLiteral("url"), u.error().message);
    LB_TRY(r.unknownKeys());
    return a;
}

QJsonObject AlertConfig::toJson() const
{
    return {{QStringLiteral("name"), name},
            {QStringLiteral("format"), format},
            {QStringLiteral("url"), url.toString()}};
}

Result<QList<DestinationConfig>> destinationsFromJson(const QJsonArray &array, const QString &file)
{
    QList<DestinationConfig> out;
    QSet<QString> names;
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString path = QStringLiteral("$.destinations[%1]").arg(i);
        auto d = DestinationConfig::fromJson(array.at(i), path, file);
        if (!d)
            return d.error();
        if (names.contains(d->name))
            return makeError(
                QStringLiteral("profile"),
                QStringLiteral("%1: %2.name \"%3\" is used twice").arg(file, path, d->name));
        names.insert(d->name);
        out.append(*d);
    }
    return out;
}

Result<QList<AlertConfig>> alertsFromJson(const QJsonArray &array, const QString &file)
{
    QList<AlertConfig> out;
    QSet<QString> names;
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString path = QStringLiteral("$.alerts[%1]").arg(i);
        auto a = AlertConfig::fromJson(array.at(i), path, file);
        if (!a)
            return a.error();
        if (names.contains(a->name))
            return makeError(
                QStringLiteral("profile"),
                QStringLiteral("%1: %2.name \"%3\" is used twice").arg(file, path, a->name));
        names.insert(a->name);
        out.append(*a);
    }
    return out;
}

} // namespace lb
