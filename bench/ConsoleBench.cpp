#include "ConsoleBench.h"

#include "ChildProcess.h"
#include "ConsoleContext.h"
#include "demo/SampleData.h"
#include "leads/LeadsView.h"
#include "store/Store.h"
#include "store/models/LeadsTableModel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QLineEdit>
#include <QTextStream>

namespace lb::bench {
namespace {

double msSince(const QElapsedTimer &t)
{
    return double(t.nsecsElapsed()) / 1e6;
}

// Until the view is on screen with its rows: the paint asks the model for every visible cell.
void paint(QWidget &w)
{
    QApplication::processEvents();
    (void)w.grab();
}

} // namespace

int consoleChildMain(const QString &storePath, int rows)
{
    ManualClock clock;
    QElapsedTimer t;
    t.start();
    auto store = Store::open(StoreConfig::sqlite(storePath), clock, QStringLiteral("console"));
    if (!store) {
        QTextStream(stderr) << store.error().toString() << Qt::endl;
        return 1;
    }
    const double storeOpen = msSince(t);

    ui::ConsoleContext context;
    context.store = store->get();
    context.storeConfig = StoreConfig::sqlite(storePath);
    context.clock = &clock;
    t.restart();
    ui::LeadsView view(context);
    view.resize(1280, 800);
    view.show();
    paint(view);
    const double open = msSince(t);
    const int shown = view.model()->rowCount();

    auto *text = view.findChild<QLineEdit *>(QStringLiteral("filterText"));
    const auto filter = [&](const QString &term) {
        QElapsedTimer f;
        f.start();
        text->setText(term);
        view.applyFilter();
        paint(view);
        return std::make_pair(msSince(f), view.model()->rowCount());
    };
    // One person by email (selective, served by the search index), a surname shared by many,
    // a term in every row (counted to the cap), then back to everything.
    const QString email = sandbox::SampleData::lead(std::min(123'457, rows / 2), 0)
                              .value(QStringLiteral("email"))
                              .toString();
    const auto [emailMs, emailRows] = filter(email);
    const auto [nameMs, nameRows] = filter(QStringLiteral("kowalski"));
    const auto [commonMs, commonRows] = filter(QStringLiteral("example"));
    const auto [clearMs, clearRows] = filter(QString());

    const QJsonObject out {{QStringLiteral("rows"), shown},
                           {QStringLiteral("store_open_ms"), storeOpen},
                           {QStringLiteral("view_open_ms"), open},
                           {QStringLiteral("filter_email_ms"), emailMs},
                           {QStringLiteral("filter_email_rows"), emailRows},
                           {QStringLiteral("filter_name_ms"), nameMs},
                           {QStringLiteral("filter_name_rows"), nameRows},
                           {QStringLiteral("filter_common_ms"), commonMs},
                           {QStringLiteral("filter_common_rows"), commonRows},
                           {QStringLiteral("filter_clear_ms"), clearMs},
                           {QStringLiteral("filter_clear_rows"), clearRows},
                           {QStringLiteral("peak_rss_mb"), processPeakRssMb()}};
    QTextStream(stdout) << QJsonDocument(out).toJson(QJsonDocument::Compact) << Qt::endl;
    return shown == rows && emailRows >= 1 && clearRows == rows ? 0 : 3;
}

void runConsoleBench(BenchReport &report, const QString &workDir, const QString &selfBinary,
                     int rows)
{
    const QString section = QStringLiteral("console");
    const QString path = workDir + QStringLiteral("/console.db");
    QFile::remove(path);
    {
        ManualClock clock;
        auto store = Store::open(StoreConfig::sqlite(path), clock, QStringLiteral("bench"));
        if (!store) {
            report.failure(QStringLiteral("console: ") + store.error().message);
            return;
        }
        QElapsedTimer t;
        t.start();
        if (auto r = sandbox::SampleData::insertLeads(**store, 1, rows, clock.nowMs()); !r) {
            report.failure(QStringLiteral("console: ") + r.error().message);
            return;
        }
        report.set(section, QStringLiteral("generate_seconds"), double(t.elapsed()) / 1000.0);
    }
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    ChildProcess child(selfBinary,
                       {QStringLiteral("--console-child"), path, QStringLiteral("--records"),
                        QString::number(rows)},
                       env);
    const ChildRun run = child.run(workDir, 600'000);
    const QJsonObject figures
        = QJsonDocument::fromJson(run.out.trimmed().split('\n').last()).object();
    if (!run.ok() || figures.isEmpty()) {
        report.failure(QStringLiteral("console child failed (exit %1): %2")
                           .arg(run.exitCode)
                           .arg(QString::fromUtf8(run.err.right(600))));
        return;
    }
    for (auto it = figures.begin(); it != figures.end(); ++it)
        report.set(section, it.key(), it.value());
    // The child's own reading at its end, or the sampled one if that is higher.
    const double peakRss
        = std::max(run.peakRssMb, figures.value(QStringLiteral("peak_rss_mb")).toDouble());
    report.set(section, QStringLiteral("peak_rss_mb"), peakRss);
    const double worstFilter = std::max(figures.value(QStringLiteral("filter_email_ms")).toDouble(),
                                        figures.value(QStringLiteral("filter_name_ms")).toDouble());
    const QString at = QString::number(rows);
    report.goal(QStringLiteral("leads view open at %1 rows").arg(at),
                figures.value(QStringLiteral("view_open_ms")).toDouble(), QStringLiteral("<="), 300,
                QStringLiteral("ms"));
    report.goal(QStringLiteral("leads view text filter at %1 rows (slower of email, name)").arg(at),
                worstFilter, QStringLiteral("<="), 300, QStringLiteral("ms"));
    report.goal(QStringLiteral("console peak RSS with %1 leads").arg(at), peakRss,
                QStringLiteral("<="), 400, QStringLiteral("MB"));
}

} // namespace lb::bench
