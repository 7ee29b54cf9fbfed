#include "ReportRequest.h"

#include <QDateTime>

namespace lb {
namespace {

struct KindInfo
{
    ReportKind kind;
    const char *name;
    const char *title;
};
constexpr KindInfo Kinds[] = {
    {ReportKind::Leads, "leads", "Leads"},
    {ReportKind::History, "history", "Sync history"},
    {ReportKind::Errors, "errors", "Errors"},
    {ReportKind::ApiUsage, "api-usage", "API usage"},
    {ReportKind::Reconcile, "reconcile", "Reconcile results"},
    {ReportKind::Deliveries, "deliveries", "Deliveries per destination"},
};

} // namespace

QString ReportRequest::kindName(ReportKind kind)
{
    for (const KindInfo &k : Kinds) {
        if (k.kind == kind)
            return QString::fromLatin1(k.name);
    }
    return {};
}

QString ReportRequest::kindTitle(ReportKind kind)
{
    for (const KindInfo &k : Kinds) {
        if (k.kind == kind)
            return QString::fromLatin1(k.title);
    }
    return {};
}

QStringList ReportRequest::kindNames()
{
    QStringList names;
    for (const KindInfo &k : Kinds)
        names.append(QString::fromLatin1(k.name));
    return names;
}

QStringList ReportRequest::formatNames()
{
    return {QStringLiteral("csv"), QStringLiteral("json"), QStringLiteral("pdf")};
}

QString ReportRequest::formatName(ReportFormat format)
{
    switch (format) {
    case ReportFormat::Csv:
        return QStringLiteral("csv");
    case ReportFormat::Json:
        return QStringLiteral("json");
    case ReportFormat::Pdf:
        return QStringLiteral("pdf");
    }
    return {};
}

Result<ReportKind> ReportRequest::parseKind(const QString &name)
{
    for (const KindInfo &k : Kinds) {
        if (name == QLatin1String(k.name))
            return k.kind;
    }
    return makeError(QStringLiteral("report_kind"),
                     QStringLiteral("Unknown report \"%1\"; choose one of %2.")
                         .arg(name, kindNames().join(QStringLiteral(", "))));
}

Result<ReportFormat> ReportRequest::parseFormat(const QString &name)
{
    for (ReportFormat f : {ReportFormat::Csv, ReportFormat::Json, ReportFormat::Pdf}) {
        if (name.compare(formatName(f), Qt::CaseInsensitive) == 0)
            return f;
    }
    return makeError(QStringLiteral("report_format"),
                     QStringLiteral("Unknown format \"%1\"; choose csv, json or pdf.").arg(name));
}

Result<qint64> ReportRequest::parseTime(const QString &text, bool endOfRange)
{
    const QString t = text.trimmed();
    const QDate date = QDate::fromString(t, Qt::ISODate);
    if (date.isValid() && t.size() == 10) {
        const QDate day = endOfRange ? date.addDays(1) : date;
        return QDateTime(day, QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
    }
    QDateTime dt = QDateTime::fromString(t, Qt::ISODateWithMs);
    if (!dt.isValid())
        dt = QDateTime::fromString(t, Qt::ISODate);
    if (!dt.isValid())
        return makeError(QStringLiteral("report_time"),
                         QStringLiteral("\"%1\" is not a date (YYYY-MM-DD) or an ISO 8601 time "
                                        "(YYYY-MM-DDTHH:MM:SSZ).")
                             .arg(t));
    if (dt.timeSpec() == Qt::LocalTime && !t.endsWith(u'Z') && !t.contains(u'+'))
        dt.setTimeSpec(Qt::UTC); // times without a zone are UTC, like the reports' own
    return dt.toMSecsSinceEpoch();
}

QString ReportRequest::formatTime(qint64 epochMs)
{
    if (epochMs <= 0)
        return {};
    return QDateTime::fromMSecsSinceEpoch(epochMs, Qt::UTC).toString(Qt::ISODateWithMs);
}

} // namespace lb
