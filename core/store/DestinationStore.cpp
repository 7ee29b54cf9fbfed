#include "DestinationStore.h"

#include <QJsonDocument>

namespace lb {

DestinationStore::DestinationStore(Database &db, const Clock &clock)
    : m_db(db)
    , m_clock(clock)
{ }

Result<QList<DestinationConfig>>
DestinationStore::effective(const QList<DestinationConfig> &fromProfile)
{
    auto q
        = m_db.run(QStringLiteral("destinations.list"),
                   QStringLiteral("SELECT name, config, enabled FROM destinations ORDER BY name"));
    if (!q)
        return q.error();
    QList<DestinationConfig> out = fromProfile;
    while ((*q)->next()) {
        const QString name = (*q)->value(0).toString();
        auto d = DestinationConfig::fromJson(
            QJsonDocument::fromJson((*q)->value(1).toString().toUtf8()).object(),
            QStringLiteral("$"), QStringLiteral("store destination ") + name);
        if (!d)
            continue; // written by a newer version: kept, not used (the profile's still apply)
        d->enabled = (*q)->value(2).toInt() != 0;
        const auto same = std::find_if(out.begin(), out.end(),
                                       [&](const DestinationConfig &p) { return p.name == name; });
        if (same != out.end())
            *same = *d;
        else
            out.append(*d);
    }
    (*q)->finish();
    return out;
}

Result<void> DestinationStore::save(const DestinationConfig &destination, const QString &actor)
{
    if (auto n = DestinationConfig::checkName(destination.name); !n)
        return n.error();
    if (auto u = DestinationConfig::checkUrl(destination.url); !u)
        return u.error();
    QJsonObject config = destination.toJson();
    config.remove(QStringLiteral("enabled")); // its own column
    auto q = m_db.run(
        QStringLiteral("destinations.save"),
        QStringLiteral("INSERT INTO destinations (name, config, enabled, updated_at, updated_by) "
                       "VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET config = "
                       "excluded.config, enabled = excluded.enabled, updated_at = "
                       "excluded.updated_at, updated_by = excluded.updated_by"),
        {destination.name, QString::fromUtf8(QJsonDocument(config).toJson(QJsonDocument::Compact)),
         destination.enabled ? 1 : 0, m_clock.nowMs(), actor});
    if (!q)
        return q.error();
    (*q)->finish();
    return {};
}

Result<bool> DestinationStore::setEnabled(const DestinationConfig &destination, bool enabled,
                                          const QString &actor)
{
    DestinationConfig changed = destination;
    changed.enabled = enabled;
    if (auto r = save(changed, actor); !r)
        return r.error();
    return true;
}

Result<QHash<QString, LaneCounts>> DestinationStore::laneCounts(const QStringList &targets)
{
    QHash<QString, LaneCounts> counts;
    for (const QString &target : targets) {
        auto q = m_db.run(QStringLiteral("destinations.laneCounts"),
                          QStringLiteral("SELECT state, COUNT(*) FROM outbox WHERE target = ? "
                                         "GROUP BY state"),
                          {target});
        if (!q)
            return q.error();
        LaneCounts &c = counts[target];
        while ((*q)->next()) {
            const QString state = (*q)->value(0).toString();
            const qint64 n = (*q)->value(1).toLongLong();
            if (state == QLatin1String("pending") || state == QLatin1String("claimed"))
                c.pending += n;
            else if (state == QLatin1String("done"))
                c.delivered += n;
            else if (state == QLatin1String("failed"))
                c.failed += n;
        }
        (*q)->finish();
    }
    return counts;
}

} // namespace lb
