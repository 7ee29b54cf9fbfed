#include "DisplayFormat.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>

namespace lb::display {

QString time(qint64 epochMs)
{
    if (epochMs <= 0)
        return {};
    return QDateTime::fromMSecsSinceEpoch(epochMs).toLocalTime().toString(
        QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString prettyJson(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || doc.isNull())
        return QString::fromUtf8(json);
    return QString::fromUtf8(doc.toJson(QJsonDocument::Indented));
}

QString oneLine(const QString &text, int maxChars)
{
    QString out = text.simplified();
    if (out.size() > maxChars)
        out = out.left(maxChars - 1) + QChar(0x2026);
    return out;
}

QString lifecycle(const QString &deletedOn, const QString &mergedInto, bool converted)
{
    const char *context = "LeadLifecycle";
    if (!mergedInto.isEmpty())
        return QCoreApplication::translate(context, "Merged into %1").arg(mergedInto);
    if (deletedOn == QLatin1String("salesforce"))
        return QCoreApplication::translate(context, "Deleted in Salesforce");
    if (deletedOn == QLatin1String("platform"))
        return QCoreApplication::translate(context, "Deleted on the platform");
    if (converted)
        return QCoreApplication::translate(context, "Converted");
    return {};
}

} // namespace lb::display
