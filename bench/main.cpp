// leadbridge-bench: performance figures of LeadBridge and its peers, measured in one run.
#include "BenchReport.h"
#include "BenchWorld.h"
#include "ConsoleBench.h"
#include "HashBench.h"
#include "LatencyBench.h"
#include "SoakBench.h"
#include "StoreBench.h"
#include "StreamLatencyBench.h"
#include "ThroughputBench.h"

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
    const QCommandLineOption leadbridge(
        QStringLiteral("leadbridge"),
        QStringLiteral("The leadbridge binary (default: the build's)."), QStringLiteral("FILE"));
    const QCommandLineOption peers(
        QStringLiteral("peers"), QStringLiteral("Folder of the peer scripts (bench/peers)."),
        QStringLiteral("DIR"), QStringLiteral(LB_SOURCE_DIR "/bench/peers"));
    const QCommandLineOption rate(QStringLiteral("events-per-second"),
                                  QStringLiteral("Webhook events (latency) and Salesforce edits "
                                                 "(stream) per second for the latency runs."),
                                  QStringLiteral("N"), QStringLiteral("200"));
    const QCommandLineOption seconds(QStringLiteral("seconds"),
                                     QStringLiteral("Length of each latency run."),
                                     QStringLiteral("S"), QStringLiteral("60"));
    const QCommandLineOption consoleRows(QStringLiteral("console-rows"),
                                         QStringLiteral("Leads in the console's store."),
                                         QStringLiteral("N"), QStringLiteral("1000000"));
    const QCommandLineOption consoleChild(
        QStringLiteral("console-child"),
        QStringLiteral("(internal) measure the leads view on the store at URL."),
        QStringLiteral("URL"));
    const QCommandLineOption soak(
        QStringLiteral("soak"),
        QStringLiteral("Only the soak: two-way traffic with every sandbox fault on for MINUTES; "
                       "fails on a lost or duplicated change or RSS growth over 10%."),
        QStringLiteral("MINUTES"));
    parser.addOptions({quick, records, pg, pgStateDir, out, only, leadbridge, peers, rate, seconds,
                       consoleRows, consoleChild, soak});
    parser.process(app);
    if (parser.isSet(consoleChild))
        return lb::bench::consoleChildMain(parser.value(consoleChild),
                                           parser.value(records).toInt());

    const bool isQuick = parser.isSet(quick);
    const int n = isQuick ? 2'000 : parser.value(records).toInt();
    const QStringList sections = parser.value(only).split(u',', Qt::SkipEmptyParts);
    // --soak runs the soak alone: its figures are about time, not about the other sections.
    const double soakMinutes = parser.value(soak).toDouble();
    if (parser.isSet(soak) && soakMinutes <= 0) {
        QTextStream(stderr) << "--soak wants a number of minutes above 0\n";
        return 2;
    }
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

    if (!parser.isSet(soak) && wanted("hash"))
        lb::bench::runHashBench(report, isQuick ? 2'000 : 200'000, work.path(),
                                isQuick ? 2'000 : 100'000);
    if (!parser.isSet(soak) && wanted("store"))
        lb::bench::runStoreBench(report, work.path(), isQuick ? 5'000 : 100'000, postgres);

    lb::bench::BenchWorld::Binaries binaries;
    binaries.leadbridge = parser.isSet(leadbridge)
        ? parser.value(leadbridge)
        : QCoreApplication::applicationDirPath() + QStringLiteral("/../app/leadbridge");
    binaries.peersDir = parser.value(peers);
    if (QFile::exists(binaries.peersDir + QStringLiteral("/node_modules/jsforce/package.json")))
        binaries.node = QStandardPaths::findExecutable(QStringLiteral("node"));
    lb::bench::BenchWorld world(work.path(), binaries);
    if (parser.isSet(soak)) {
        if (auto started = world.start(); !started)
            report.failure(QStringLiteral("sandboxes: ") + started.error().message);
        else
            lb::bench::runSoakBench(report, world, soakMinutes);
    }
    if (!parser.isSet(soak)
        && (wanted("inbound") || wanted("bulk") || wanted("latency") || wanted("stream"))) {
        if (auto started = world.start(); !started)
            report.failure(QStringLiteral("sandboxes: ") + started.error().message);
        else {
            if (wanted("inbound"))
                lb::bench::runThroughputBench(report, world, n);
            // Above the default sync.bulk_threshold (2,000) even when quick.
            if (wanted("bulk"))
                lb::bench::runBulkLoadBench(report, world, isQuick ? 5'000 : n);
            if (wanted("latency"))
                lb::bench::runLatencyBench(report, world, isQuick ? 300 : 2'000,
                                           isQuick ? 50 : parser.value(rate).toInt(),
                                           isQuick ? 3 : parser.value(seconds).toInt());
            if (wanted("stream"))
                lb::bench::runStreamLatencyBench(report, world, isQuick ? 300 : 2'000,
                                                 isQuick ? 50 : parser.value(rate).toInt(),
                                                 isQuick ? 3 : parser.value(seconds).toInt());
        }
    }
    if (!parser.isSet(soak) && wanted("console"))
        lb::bench::runConsoleBench(report, work.path(), QCoreApplication::applicationFilePath(),
                                   isQuick ? 20'000 : parser.value(consoleRows).toInt(), postgres);

    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    // The bench process itself (sandboxes included); LeadBridge's own figures are its children's.
    report.set(QStringLiteral("run"), QStringLiteral("bench_peak_rss_mb"),
               usage.ru_maxrss / 1024.0);
    report.set(QStringLiteral("run"), QStringLiteral("bench_cpu_seconds"),
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
    return report.failed() ? 1 : 0;
}
