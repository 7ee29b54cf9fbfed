#include "ConsoleBench.h"

#include "ChildProcess.h"
#include "ConsoleContext.h"
#include "PostgresAdmin.h"
#include "demo/SampleData.h"
#include "leads/LeadsView.h"
#include "store/Store.h"
#include "store/models/LeadsTableModel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QLineEdit>
#include <QTableView>
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

// Generates `rows` leads in the store, or reports why not. On PostgreSQL the table is then
// vacuumed, as autovacuum leaves a table at rest: index-only scans need its visibility map.
bool generate(BenchReport &report, const QString &section, const StoreConfig &config, int rows)
{
    ManualClock clock;
    auto store = Store::open(config, clock, QStringLiteral("bench"));
    if (!store) {
        report.failure(section + QStringLiteral(": ") + store.error().message);
        return false;
    }
    QElapsedTimer t;
    t.start();
    if (auto r = sandbox::SampleData::insertLeads(**store, 1, rows, clock.nowMs()); !r) {
        report.failure(section + QStringLiteral(": ") + r.error().message);
        return false;
    }
    if (config.backend == StoreConfig::Backend::Postgres) {
        if (const QString error = execOnPostgres(config, {QStringLiteral("VACUUM ANALYZE leads")});
            !error.isEmpty()) {
            report.failure(section + QStringLiteral(": ") + error);
            return false;
        }
    }
    report.set(section, QStringLiteral("generate_seconds"), double(t.elapsed()) / 1000.0);
    return true;
}

// The child opens the view on `store` and its figures go into `section`, with the goals.
// On PostgreSQL only the jumps and the memory have goals (issue 20); the other figures are
// reported beside them.
void measure(BenchReport &report, const QString &section, const QString &label,
             const QString &workDir, const QString &selfBinary, const QString &store, int rows,
             bool allGoals)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    ChildProcess child(selfBinary,
                       {QStringLiteral("--console-child"), store, QStringLiteral("--records"),
                        QString::number(rows)},
                       env);
    const ChildRun run = child.run(workDir, 600'000);
    const QJsonObject figures
        = QJsonDocument::fromJson(run.out.trimmed().split('\n').last()).object();
    if (!run.ok() || figures.isEmpty()) {
        report.failure(QStringLiteral("%1 console child failed (exit %2): %3")
                           .arg(label)
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
    const QString at = QStringLiteral("at %1 rows (%2)").arg(rows).arg(label);
    const auto goal = [&](const QString &name, const char *key) {
        report.goal(name + at, figures.value(QLatin1String(key)).toDouble(), QStringLiteral("<="),
                    300, QStringLiteral("ms"));
    };
    goal(QStringLiteral("leads view jump to the middle "), "jump_middle_ms");
    goal(QStringLiteral("leads view jump to the end "), "jump_end_ms");
    if (allGoals) {
        goal(QStringLiteral("leads view open "), "view_open_ms");
        report.goal(QStringLiteral("leads view text filter (slower of email, name) ") + at,
                    worstFilter, QStringLiteral("<="), 300, QStringLiteral("ms"));
    }
    report.goal(QStringLiteral("console peak RSS ") + at, peakRss, QStringLiteral("<="), 400,
                QStringLiteral("MB"));
}

} // namespace

int consoleChildMain(const QString &storeUrl, int rows)
{
    const auto config = StoreConfig::parse(storeUrl);
    if (!config) {
        QTextStream(stderr) << config.error().toString() << Qt::endl;
        return 1;
    }
    ManualClock clock;
    QElapsedTimer t;
    t.start();
    auto store = Store::open(*config, clock, QStringLiteral("console"));
    if (!store) {
        QTextStream(stderr) << store.error().toString() << Qt::endl;
        return 1;
    }
    const double storeOpen = msSince(t);

    ui::ConsoleContext context;
    context.store = store->get();
    context.storeConfig = *config;
    context.clock = &clock;
    t.restart();
    ui::LeadsView view(context);
    view.resize(1280, 800);
    view.show();
    paint(view);
    const double open = msSince(t);
    const int shown = view.model()->rowCount();

    // Dragging the scroll bar to the middle, then to the end: the rows there are painted.
    auto *table = view.findChild<QTableView *>(QStringLiteral("leadsTable"));
    const auto jump = [&](int row) {
        QElapsedTimer j;
        j.start();
        table->scrollTo(view.model()->index(row, 0), QAbstractItemView::PositionAtCenter);
        paint(view);
        return msSince(j);
    };
    const double middleMs = jump(rows / 2);
    const double endMs = jump(rows - 1);
    const QString endId = view.model()->platformIdAt(rows - 1);

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
                           {QStringLiteral("jump_middle_ms"), middleMs},
                           {QStringLiteral("jump_end_ms"), endMs},
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
    return shown == rows && !endId.isEmpty() && emailRows >= 1 && clearRows == rows ? 0 : 3;
}

void runConsoleBench(BenchReport &report, const QString &workDir, const QString &selfBinary,
                     int rows, const std::optional<StoreConfig> &postgres)
{
    const QString path = workDir + QStringLiteral("/console.db");
    QFile::remove(path);
    const StoreConfig sqlite = StoreConfig::sqlite(path);
    if (generate(report, QStringLiteral("console"), sqlite, rows))
        measure(report, QStringLiteral("console"), QStringLiteral("SQLite"), workDir, selfBinary,
                sqlite.displayUrl(), rows, true);
    if (!postgres) {
        report.note(QStringLiteral("PostgreSQL leads view skipped: pass --pg URL"));
        return;
    }
    if (const QString error = resetPostgres(*postgres); !error.isEmpty()) {
        report.failure(QStringLiteral("console_pg: ") + error);
        return;
    }
    if (generate(report, QStringLiteral("console_pg"), *postgres, rows))
        measure(report, QStringLiteral("console_pg"), QStringLiteral("PostgreSQL"), workDir,
                selfBinary, postgres->displayUrl(), rows, false);
}

} // namespace lb::bench
