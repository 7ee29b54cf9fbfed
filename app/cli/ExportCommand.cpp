#include "ExportCommand.h"

#include "report/ReportExporter.h"
#include "reports/PdfReportWriter.h"
#include "store/Store.h"

#include <QCommandLineParser>
#include <QDir>

#include <string_view>

namespace lb::cli {

bool exportNeedsGui(int argc, char **argv)
{
    bool exporting = false;
    bool pdf = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg(argv[i]);
        exporting = exporting || arg == "export";
        pdf = pdf || arg == "pdf" || arg == "--format=pdf";
    }
    return exporting && pdf;
}

int runExport(CliContext &ctx)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Export a report as CSV, JSON or PDF."));
    const QCommandLineOption report(QStringLiteral("report"),
                                    QStringLiteral("leads, history, errors, api-usage or "
                                                   "reconcile."),
                                    QStringLiteral("NAME"));
    const QCommandLineOption format(QStringLiteral("format"), QStringLiteral("csv, json or pdf."),
                                    QStringLiteral("FORMAT"), QStringLiteral("csv"));
    const QCommandLineOption out(QStringLiteral("out"), QStringLiteral("The file to write."),
                                 QStringLiteral("FILE"));
    const QCommandLineOption since(QStringLiteral("since"),
                                   QStringLiteral("From this date (YYYY-MM-DD, UTC) or time."),
                                   QStringLiteral("DATE"));
    const QCommandLineOption until(QStringLiteral("until"),
                                   QStringLiteral("Up to and including this date (or before this "
                                                  "time)."),
                                   QStringLiteral("DATE"));
    parser.addOptions({report, format, out, since, until});
    if (!parser.parse(QStringList {QStringLiteral("leadbridge export")} + ctx.args)) {
        ctx.err << "leadbridge export: " << parser.errorText() << Qt::endl;
        return ConfigError;
    }
    if (!parser.isSet(report) || !parser.isSet(out)) {
        ctx.err << "leadbridge export: give --report NAME and --out FILE." << Qt::endl;
        return ConfigError;
    }
    ReportRequest request;
    auto kind = ReportRequest::parseKind(parser.value(report));
    auto fmt = ReportRequest::parseFormat(parser.value(format));
    for (const Error *e : {kind ? nullptr : &kind.error(), fmt ? nullptr : &fmt.error()}) {
        if (e) {
            ctx.err << "leadbridge export: " << e->message << Qt::endl;
            return ConfigError;
        }
    }
    request.kind = *kind;
    request.format = *fmt;
    request.outPath = QDir::current().absoluteFilePath(parser.value(out));
    for (const auto &[option, end, target] : {std::tuple {&since, false, &request.sinceMs},
                                              std::tuple {&until, true, &request.untilMs}}) {
        if (!parser.isSet(*option))
            continue;
        auto t = ReportRequest::parseTime(parser.value(*option), end);
        if (!t) {
            ctx.err << "leadbridge export: --" << option->names().first() << ": "
                    << t.error().message << Qt::endl;
            return ConfigError;
        }
        *target = *t;
    }
    auto store = Store::open(ctx.store, Clock::system(), QStringLiteral("cli"));
    if (!store) {
        ctx.err << store.error().message << Qt::endl;
        return ConfigError;
    }
    auto rows = ReportExporter::toFile(**store, request, ui::PdfReportWriter::anySink);
    if (!rows) {
        ctx.err << "leadbridge export: " << rows.error().message << Qt::endl;
        return rows.error().code == QLatin1String("report_range") ? ConfigError : Failed;
    }
    ctx.out << "Wrote " << *rows << " rows of " << ReportRequest::kindName(request.kind) << " to "
            << QDir::toNativeSeparators(request.outPath) << "." << Qt::endl;
    return Ok;
}

} // namespace lb::cli
