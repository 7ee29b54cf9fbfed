#include "SalesforceTime.h"

#include <QDateTime>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace lb::salesforce {

std::optional<qint64> parseSalesforceDateTime(const QString &text)
{
    static const QRegularExpression shape(
        u"^(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,3})?)(Z|[+-]\\d{2}:?\\d{2})$"_s);
    const QRegularExpressionMatch m = shape.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    QString zone = m.captured(2);
    if (zone.size() == 5) // +0000 -> +00:00, which Qt's ISO parser reads
        zone.insert(3, u':');
    const QDateTime dt = QDateTime::fromString(m.captured(1) + zone, Qt::ISODateWithMs);
    if (!dt.isValid())
        return std::nullopt;
    return dt.toMSecsSinceEpoch();
}

QString formatSalesforceDateTime(qint64 epochMs)
{
    const qint64 whole = epochMs - ((epochMs % 1000) + 1000) % 1000;
    return QDateTime::fromMSecsSinceEpoch(whole, Qt::UTC).toString(u"yyyy-MM-ddTHH:mm:ssZ"_s);
}

} // namespace lb::salesforce
