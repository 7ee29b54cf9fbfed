// leadbridge-bench: performance figures of LeadBridge and its peers, measured in one run.
#include "BenchReport.h"
#include "StoreBench.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTextStream>

#include <sys/resource.h>

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM",
            qgetenv("QT_QPA_PLATFORM").isEmpty() ? "offscreen" : qgetenv("QT_QPA_PLATFORM"));
    QApplication app(argc, argv);
    app.setApplicationName(QStringLiteral("leadbridge-bench"));
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Measures LeadBridge against its goals and peers."));
    parser.addHelpOption();
    const QCommandLineOption quick(QStringLiteral("quick"),
                                   QStringLiteral("Small N, a few seconds (CI)."));
    const QCommandLineOption records(QStringLiteral("records"),
                                     QStringLiteral("Records per throughput run."),
                                     QStringLiteral("N"), QStringLiteral("100000"));
    const QCommandLineOption pg(QStringLiteral("pg"),
                                QStringLiteral("PostgreSQL URL for the scale-out figures."),
                                QStringLiteral("URL"));
    const QCommandLineOption pgStateDir(
        QStringLiteral("pg-state"), QStringLiteral("Folder of a tests/tools/pg-fixture.sh server."),
        QStringLiteral("DIR"));
    const QCommandLineOption out(QStringLiteral("json"),
                                 QStringLiteral("Also write the JSON to FILE."),
                                 QStringLiteral("FILE"));
    const QCommandLineOption only(QStringLiteral("only"),
                                  QStringLiteral("Run only these sections (comma list)."),
                                  QStringLiteral("LIST"));
    parser.addOptions({quick, records, pg, pgStateDir, out, only});
    parser.process(app);

    const bool isQuick = parser.isSet(quick);
    const int n = isQuick ? 2'000 : parser.value(records).toInt();
    const QStringList sections = parser.value(only).split(u',', Qt::SkipEmptyParts);
    auto wanted
        = [&](const char *s) { return sections.isEmpty() || sections.contains(QLatin1String(s)); };

    QTemporaryDir work;
    lb::bench::BenchReport report;
    report.set(QStringLiteral("run"), QStringLiteral("quick"), isQuick);
    report.set(QStringLiteral("run"), QStringLiteral("records"), n);

    std::optional<lb::StoreConfig> postgres;
    QString pgUrl = parser.value(pg);
    if (pgUrl.isEmpty() && parser.isSet(pgStateDir)) {
        QFile f(parser.value(pgStateDir) + QStringLiteral("/url"));
        if (f.open(QIODevice::ReadOnly))
            pgUrl = QString::fromUtf8(f.readAll()).trimmed();
    }
    if (!pgUrl.isEmpty()) {
        auto config = lb::StoreConfig::parse(pgUrl);
        if (config)
            postgres = *config;
        else
            report.note(config.error().message);
    }

    if (wanted("store"))
        lb::bench::runStoreBench(report, work.path(), isQuick ? 5'000 : 100'000, postgres);

    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    report.set(QStringLiteral("run"), QStringLiteral("peak_rss_mb"), usage.ru_maxrss / 1024.0);
    report.set(QStringLiteral("run"), QStringLiteral("cpu_seconds"),
               usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
                   + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6);

    const QByteArray json = QJsonDocument(report.toJson()).toJson(QJsonDocument::Indented);
    QTextStream stdoutStream(stdout);
    stdoutStream << json << report.table() << Qt::endl;
    if (parser.isSet(out)) {
        QFile f(parser.value(out));
        if (f.open(QIODevice::WriteOnly))
            f.write(json);
    }
    return 0;
}
