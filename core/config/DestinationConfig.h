#pragma once

#include "DestinationRule.h"

#include <QJsonArray>
#include <QStringList>
#include <QUrl>

namespace lb {

// The lead events a destination can ask for (PROFILE.md "Destinations and alerts").
namespace LeadEvent {
inline const QString Created = QStringLiteral("lead.created");
inline const QString Updated = QStringLiteral("lead.updated");
inline const QString StatusChanged = QStringLiteral("lead.status_changed");
inline const QString Assigned = QStringLiteral("lead.assigned");
inline const QString Converted = QStringLiteral("lead.converted");
inline const QString Deleted = QStringLiteral("lead.deleted");
inline const QString AgentChanged = QStringLiteral("agent.changed");
const QStringList &all();
} // namespace LeadEvent

// One receiver of lead events: where they go, which it wants, and its own outbox lane
// ("destination:<name>"), breaker, rate limit and inbox items.
struct DestinationConfig
{
    QString name;
    QUrl url;
    QStringList events;
    DestinationRule when;
    double ratePerSecond = 20; // its own token bucket: a burst of events cannot flood it
    bool enabled = true;

    QString target() const { return QStringLiteral("destination:") + name; }
    bool wants(const QString &type, const QJsonObject &data) const
    {
        return enabled && events.contains(type) && when.matches(data);
    }

    // `path` is the JSON path for messages, e.g. "$.destinations[0]".
    static Result<DestinationConfig> fromJson(const QJsonValue &json, const QString &path,
                                              const QString &file);
    QJsonObject toJson() const;
    // Names are lower-case letters, digits, '-' and '_': they become keychain keys,
    // environment variable names and metric labels.
    static Result<void> checkName(const QString &name);
    // https, or http to a loopback host only (as everywhere else in the profile).
    static Result<void> checkUrl(const QUrl &url);
};

// Where alerts about LeadBridge itself go: a Slack-compatible incoming webhook or PagerDuty
// Events API v2. Each alert has its own outbox lane ("alert:<name>") like a destination.
struct AlertConfig
{
    QString name;
    QString format; // "slack" | "pagerduty"
    QUrl url;

    QString target() const { return QStringLiteral("alert:") + name; }
    bool isPagerDuty() const { return format == QLatin1String("pagerduty"); }
    static const QStringList &formats();
    static Result<AlertConfig> fromJson(const QJsonValue &json, const QString &path,
                                        const QString &file);
    QJsonObject toJson() const;
};

Result<QList<DestinationConfig>> destinationsFromJson(const QJsonArray &array, const QString &file);
Result<QList<AlertConfig>> alertsFromJson(const QJsonArray &array, const QString &file);

} // namespace lb
