#include "PdfReportWriter.h"

#include "report/ReportExporter.h"

#include <QDateTime>
#include <QFontMetricsF>
#include <QLocale>
#include <QPageLayout>
#include <QPainter>
#include <QPdfWriter>
#include <QRegularExpression>

namespace lb::ui {
namespace {

constexpr int Dpi = 300;
constexpr double Pad = 8; // device pixels around cell text

} // namespace

std::unique_ptr<ReportSink> PdfReportWriter::anySink(ReportFormat format, QIODevice &out)
{
    if (format == ReportFormat::Pdf)
        return std::make_unique<PdfReportWriter>(out);
    return ReportExporter::coreSink(format, out);
}

PdfReportWriter::PdfReportWriter(QIODevice &out)
    : m_out(out)
{ }

PdfReportWriter::~PdfReportWriter()
{
    if (m_painter && m_painter->isActive())
        m_painter->end();
}

QString PdfReportWriter::cellText(const QVariant &value)
{
    if (value.isNull())
        return {};
    switch (value.metaType().id()) {
    case QMetaType::Bool:
        return value.toBool() ? QObject::tr("yes") : QObject::tr("no");
    case QMetaType::Double:
        return QLocale::c().toString(value.toDouble(), 'g', 10);
    default:
        break;
    }
    QString text = value.toString().simplified();
    // Report times are RFC 3339 UTC; on paper the date and time to the second say enough.
    static const QRegularExpression iso(
        QStringLiteral("^(\\d{4}-\\d\\d-\\d\\d)T(\\d\\d:\\d\\d:\\d\\d)(\\.\\d+)?Z$"));
    const QRegularExpressionMatch m = iso.match(text);
    if (m.hasMatch())
        text = m.captured(1) + u' ' + m.captured(2);
    return text;
}

double PdfReportWriter::rowHeight() const
{
    return QFontMetricsF(m_font, m_writer.get()).height() + Pad;
}

Result<void> PdfReportWriter::begin(const ReportInfo &info, const QList<ReportColumn> &columns)
{
    m_info = info;
    m_writer = std::make_unique<QPdfWriter>(&m_out);
    m_writer->setResolution(Dpi);
    m_writer->setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Landscape,
                                        QMarginsF(12, 12, 12, 12), QPageLayout::Millimeter));
    m_writer->setTitle(QStringLiteral("LeadBridge: %1").arg(info.title));
    m_writer->setCreator(QStringLiteral("LeadBridge"));
    m_painter = std::make_unique<QPainter>();
    if (!m_painter->begin(m_writer.get()))
        return makeError(QStringLiteral("report_write"),
                         QStringLiteral("Cannot start the PDF document."));
    m_font = QFont(QStringLiteral("DejaVu Sans"));
    m_font.setStyleHint(QFont::SansSerif);
    m_font.setPointSizeF(7);
    // Any letter spacing turns ligatures off, so "fi" stays two letters for search and copy.
    m_font.setLetterSpacing(QFont::AbsoluteSpacing, 0.1);
    m_bold = m_font;
    m_bold.setBold(true);
    const QRect page = m_writer->pageLayout().paintRectPixels(Dpi);
    m_right = page.width();
    m_bottom = page.height() - rowHeight() * 1.5; // room for the page number

    int totalWeight = 0;
    for (int i = 0; i < columns.size(); ++i) {
        if (columns.at(i).printWeight > 0) {
            m_printed.append(i);
            m_titles.append(columns.at(i).title);
            totalWeight += columns.at(i).printWeight;
        }
    }
    double x = 0;
    for (int i : std::as_const(m_printed)) {
        const double w = m_right * columns.at(i).printWeight / std::max(1, totalWeight);
        m_x.append(x);
        m_widths.append(w);
        x += w;
    }
    startPage();
    return {};
}

void PdfReportWriter::startPage()
{
    if (m_page > 0)
        m_writer->newPage();
    ++m_page;
    m_y = 0;
    QPainter &p = *m_painter;
    if (m_page == 1) {
        QFont title = m_bold;
        title.setPointSizeF(13);
        p.setFont(title);
        const double h = QFontMetricsF(title, m_writer.get()).height();
        p.drawText(QRectF(0, 0, m_right, h), Qt::AlignLeft | Qt::AlignVCenter,
                   QStringLiteral("LeadBridge: %1").arg(m_info.title));
        m_y += h + Pad;
        auto when = [](qint64 ms) {
            return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)
                .toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
        };
        const QString range
            = QObject::tr("From %1 until %2. Generated %3. %4 rows.")
                  .arg(m_info.sinceMs > 0 ? when(m_info.sinceMs) : QObject::tr("the beginning"),
                       m_info.untilMs > 0 ? when(m_info.untilMs) : QObject::tr("now"),
                       when(m_info.generatedAt), QLocale().toString(m_info.expectedRows));
        p.setFont(m_font);
        p.drawText(QRectF(0, m_y, m_right, rowHeight()), Qt::AlignLeft | Qt::AlignVCenter, range);
        m_y += rowHeight() * 1.5;
    }
    p.setFont(m_font);
    p.drawText(QRectF(0, m_bottom + rowHeight() * 0.5, m_right, rowHeight()),
               Qt::AlignRight | Qt::AlignVCenter, QObject::tr("Page %1").arg(m_page));
    drawHeader();
}

void PdfReportWriter::drawHeader()
{
    QPainter &p = *m_painter;
    p.setFont(m_bold);
    const double h = rowHeight();
    p.fillRect(QRectF(0, m_y, m_right, h), QColor(232, 232, 232));
    for (int c = 0; c < m_titles.size(); ++c)
        p.drawText(QRectF(m_x.at(c) + Pad / 2, m_y, m_widths.at(c) - Pad, h),
                   Qt::AlignLeft | Qt::AlignVCenter,
                   QFontMetricsF(m_bold, m_writer.get())
                       .elidedText(m_titles.at(c), Qt::ElideRight, m_widths.at(c) - Pad));
    m_y += h;
    p.setFont(m_font);
}

Result<void> PdfReportWriter::row(const QVariantList &values)
{
    ++m_rows;
    if (m_rows > MaxRows)
        return {};
    const double h = rowHeight();
    if (m_y + h > m_bottom)
        startPage();
    QPainter &p = *m_painter;
    const QFontMetricsF metrics(m_font, m_writer.get());
    for (int c = 0; c < m_printed.size(); ++c) {
        const QString text = cellText(values.value(m_printed.at(c)));
        p.drawText(QRectF(m_x.at(c) + Pad / 2, m_y, m_widths.at(c) - Pad, h),
                   Qt::AlignLeft | Qt::AlignVCenter,
                   metrics.elidedText(text, Qt::ElideRight, m_widths.at(c) - Pad));
    }
    m_y += h;
    p.setPen(QColor(220, 220, 220));
    p.drawLine(QPointF(0, m_y), QPointF(m_right, m_y));
    p.setPen(Qt::black);
    return {};
}

Result<void> PdfReportWriter::finish()
{
    if (m_finished)
        return {};
    m_finished = true;
    const double h = rowHeight();
    if (m_y + 2 * h > m_bottom)
        startPage();
    m_y += h / 2;
    const QString end = m_rows > MaxRows
        ? QObject::tr("%1 rows; the first %2 are printed. Export as CSV or JSON for all of them.")
              .arg(QLocale().toString(m_rows), QLocale().toString(MaxRows))
        : m_rows == 0 ? QObject::tr("No rows in this range.")
                      : QObject::tr("%1 rows.").arg(QLocale().toString(m_rows));
    m_painter->drawText(QRectF(0, m_y, m_right, h), Qt::AlignLeft | Qt::AlignVCenter, end);
    if (!m_painter->end())
        return makeError(QStringLiteral("report_write"),
                         QStringLiteral("Cannot finish the PDF document."));
    return {};
}

} // namespace lb::ui
