#pragma once

#include <QString>
#include <QStringList>

namespace lb::duty {

// The work only one process of a fleet may do at a time for a store (one org, one platform
// account). Each is a lease in the store (LeaseStore); writes made under a duty are fenced
// with the lease's token.
inline const QString PlatformPoll = QStringLiteral("platform.poll");
inline const QString SalesforceStream = QStringLiteral("salesforce.stream");
inline const QString SalesforcePoll = QStringLiteral("salesforce.poll"); // the backstop poll
inline const QString Reconcile = QStringLiteral("reconcile");
inline const QString LimitsRefresh = QStringLiteral("limits.refresh");
inline const QString Retention = QStringLiteral("retention"); // the daily purge (RetentionPurge)

// The duties a scheduler gates (the stream's consumer takes its own lease when it starts).
inline QStringList scheduled()
{
    return {PlatformPoll, SalesforcePoll, Reconcile, LimitsRefresh, Retention};
}

// The duty whose holder alone may move a watermark, empty for positions nobody fences (the
// stored status). Poll positions are "platform.leads" and "salesforce.<sobject>", the stream's
// replayIds "stream:<channel>" (Pollers.h, SalesforceStream.h).
inline QString ofWatermark(const QString &name)
{
    if (name.startsWith(QLatin1String("stream:")))
        return SalesforceStream;
    if (name == QLatin1String("platform.leads"))
        return PlatformPoll;
    if (name.startsWith(QLatin1String("salesforce.")))
        return SalesforcePoll;
    return {};
}

} // namespace lb::duty
