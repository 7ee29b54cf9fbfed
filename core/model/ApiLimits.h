#pragma once

#include <QHash>
#include <QMetaType>
#include <QString>

namespace lb {

// One observation of an API allowance, the same shape for both systems so the console's gauges
// and the throttle read one type:
//  - Salesforce: daily API requests (`Sforce-Limit-Info: api-usage=N/M`, `/limits`);
//  - platform: the current rate-limit window (X-RateLimit-Limit/-Remaining/-Reset).
struct ApiLimits
{
    struct Counter
    {
        qint64 used = -1;
        qint64 max = -1;
        friend bool operator==(const Counter &, const Counter &) = default;
    };

    QString system; // "salesforce" | "platform"
    qint64 used = -1; // -1 = unknown
    qint64 max = -1;
    qint64 resetAt = 0; // epoch seconds when the window resets (platform), 0 = unknown
    qint64 observedAt = 0; // epoch ms
    QHash<QString, Counter> counters; // other named limits, e.g. "DailyBulkApiBatches"

    bool isKnown() const { return used >= 0 && max > 0; }
    qint64 remaining() const { return isKnown() ? qMax<qint64>(0, max - used) : -1; }
    double usageRatio() const { return isKnown() ? double(used) / double(max) : 0.0; }
};

} // namespace lb

Q_DECLARE_METATYPE(lb::ApiLimits)
