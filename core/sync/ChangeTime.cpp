#include "ChangeTime.h"

#include <QDateTime>
#include <QRegularExpression>

namespace lb {

qint64 parseTimestampMs(const QString &text)
{
    QString t = text.trimmed();
    // "+0000" -> "+00:00" so Qt's ISO parser accepts it.
    static const QRegularExpression offset(QStringLiteral(R"(([+-]\d{2})(\d{2})$)"));
    t.replace(offset, QStringLiteral("\\1:\\2"));
    const QDateTime dt = QDateTime::fromString(t, Qt::ISODateWithMs);
    return dt.isValid() ? dt.toMSecsSinceEpoch() : 0;
}

QString formatPlatformTime(qint64 epochMs)
{
    return QDateTime::fromMSecsSinceEpoch(epochMs, Qt::UTC)
        .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ"));
}

QString formatSoqlTime(qint64 epochMs)
{
    // Whole seconds: fractional seconds are not part of SOQL's documented datetime grammar.
    return QDateTime::fromMSecsSinceEpoch(epochMs - epochMs % 1000, Qt::UTC)
        .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ssZ"));
}

} // namespace lb
