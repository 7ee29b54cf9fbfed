#pragma once

#include "report/ReportSink.h"

#include <QFont>

#include <memory>

class QIODevice;
class QPainter;
class QPdfWriter;

namespace lb::ui {

// A report as a printable PDF table (QPdfWriter, A4 landscape): a title, the range, a header
// row repeated on every page, page numbers. Only the columns with a print weight are printed
// and long cells are cut with an ellipsis; the CSV and JSON exports carry everything. Rows past
// MaxRows are counted, not drawn (a PDF of a million rows helps no one), and the last page says
// so. Streams: rows are drawn as they come. Works on any thread (needs a QGuiApplication).
class PdfReportWriter final : public ReportSink
{
public:
    static constexpr int MaxRows = 50'000;

    explicit PdfReportWriter(QIODevice &out);
    ~PdfReportWriter() override;

    Result<void> begin(const ReportInfo &info, const QList<ReportColumn> &columns) override;
    Result<void> row(const QVariantList &values) override;
    Result<void> finish() override;

    static QString cellText(const QVariant &value);
    // Every format: PDF here, CSV and JSON from core (a ReportExporter::SinkFactory).
    static std::unique_ptr<ReportSink> anySink(ReportFormat format, QIODevice &out);

private:
    void startPage();
    void drawHeader();
    double rowHeight() const;

    QIODevice &m_out;
    std::unique_ptr<QPdfWriter> m_writer;
    std::unique_ptr<QPainter> m_painter;
    ReportInfo m_info;
    QList<int> m_printed; // column indexes that are printed
    QList<double> m_x; // left edge of each printed column
    QList<double> m_widths;
    QStringList m_titles;
    QFont m_font;
    QFont m_bold;
    double m_y = 0;
    double m_bottom = 0;
    double m_right = 0;
    int m_page = 0;
    qint64 m_rows = 0;
    bool m_finished = false;
};

} // namespace lb::ui
