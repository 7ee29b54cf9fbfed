#include "ReportExporter.h"

#include "CsvWriter.h"
#include "JsonWriter.h"
#include "log/Logging.h"

#include <QDir>
#include <QSaveFile>

namespace lb {

std::unique_ptr<ReportSink> ReportExporter::coreSink(ReportFormat format, QIODevice &out)
{
    switch (format) {
    case ReportFormat::Csv:
        return std::make_unique<CsvWriter>(out);
    case ReportFormat::Json:
        return std::make_unique<JsonWriter>(out);
    case ReportFormat::Pdf:
        return nullptr;
    }
    return nullptr;
}

Result<qint64> ReportExporter::toFile(Store &store, const ReportRequest &request,
                                      const SinkFactory &factory,
                                      const ReportQuery::Progress &progress,
                                      const std::atomic_bool *cancel)
{
    if (request.outPath.isEmpty())
        return makeError(QStringLiteral("report_file"),
                         QStringLiteral("Say where to write the report."));
    if (request.untilMs > 0 && request.sinceMs >= request.untilMs)
        return makeError(QStringLiteral("report_range"),
                         QStringLiteral("The start of the range is not before its end."));
    QSaveFile file(request.outPath);
    if (!file.open(QIODevice::WriteOnly))
        return makeError(QStringLiteral("report_file"),
                         QStringLiteral("Cannot write %1: %2")
                             .arg(QDir::toNativeSeparators(request.outPath), file.errorString()));
    std::unique_ptr<ReportSink> sink = factory ? factory(request.format, file) : nullptr;
    if (!sink)
        return makeError(QStringLiteral("report_format"),
                         QStringLiteral("%1 reports cannot be written here.")
                             .arg(ReportRequest::formatName(request.format).toUpper()));
    auto rows = ReportQuery::run(store, request, *sink, progress, cancel);
    sink.reset(); // a PDF writer finishes its document when destroyed
    if (!rows) {
        file.cancelWriting();
        return rows.error();
    }
    if (!file.commit())
        return makeError(QStringLiteral("report_file"),
                         QStringLiteral("Cannot write %1: %2")
                             .arg(QDir::toNativeSeparators(request.outPath), file.errorString()));
    qCDebug(lcReport) << "wrote" << *rows << "rows of" << ReportRequest::kindName(request.kind)
                      << "to" << request.outPath;
    return rows;
}

} // namespace lb
