#include "ConsolePgBench.h"

#include "StoreBench.h"
#include "demo/SampleData.h"
#include "store/Store.h"
#include "store/models/LeadsTableModel.h"

#include <QElapsedTimer>

namespace lb::bench {
namespace {

constexpr int Screen = 40; // rows a 1280x800 view shows

// Reads a screenful from `first` as a view painting it would: every column of every row.
// Returns the ms it took, or -1 when a row could not be read.
double readScreen(LeadsTableModel &model, int first)
{
    QElapsedTimer t;
    t.start();
    const int last = std::min(model.rowCount(), first + Screen);
    for (int r = first; r < last; ++r) {
        for (int c = 0; c < LeadsTableModel::ColumnCount; ++c)
            (void)model.data(model.index(r, c));
        if (model.platformIdAt(r).isEmpty())
            return -1;
    }
    return double(t.nsecsElapsed()) / 1e6;
}

} // namespace

void runConsolePgBench(BenchReport &report, const StoreConfig &postgres, int rows)
{
    const QString section = QStringLiteral("console_pg");
    resetPostgres(postgres);
    ManualClock clock;
    auto store = Store::open(postgres, clock, QStringLiteral("bench-console"));
    if (!store) {
        report.failure(QStringLiteral("console_pg: ") + store.error().message);
        return;
    }
    QElapsedTimer t;
    t.start();
    if (auto r = sandbox::SampleData::insertLeads(**store, 1, rows, clock.nowMs()); !r) {
        report.failure(QStringLiteral("console_pg: ") + r.error().message);
        return;
    }
    report.set(section, QStringLiteral("rows"), rows);
    report.set(section, QStringLiteral("generate_seconds"), double(t.elapsed()) / 1000.0);
    // What autovacuum does soon after a load; the figures are of a settled table.
    (void)(*store)->database().execute(QStringLiteral("VACUUM ANALYZE leads"));

    t.restart();
    LeadsTableModel model(**store);
    model.setFilter({});
    const bool firstRead = readScreen(model, 0) >= 0;
    const double open = double(t.nsecsElapsed()) / 1e6;
    if (!firstRead || model.rowCount() != rows)
        report.failure(QStringLiteral("console_pg: the model shows %1 of %2 rows")
                           .arg(model.rowCount())
                           .arg(rows));
    const double middle = readScreen(model, rows / 2);
    const double middleNext = readScreen(model, rows / 2 + LeadsTableModel::PageSize);
    const double end = readScreen(model, std::max(0, rows - Screen));
    const double endPrevious
        = readScreen(model, std::max(0, rows - Screen - LeadsTableModel::PageSize));
    if (middle < 0 || end < 0 || middleNext < 0 || endPrevious < 0)
        report.failure(QStringLiteral("console_pg: rows could not be read: ") + model.lastError());
    report.set(section, QStringLiteral("open_ms"), open);
    report.set(section, QStringLiteral("jump_to_middle_ms"), middle);
    report.set(section, QStringLiteral("page_after_middle_ms"), middleNext);
    report.set(section, QStringLiteral("jump_to_end_ms"), end);
    report.set(section, QStringLiteral("page_before_end_ms"), endPrevious);
    const QString at = QString::number(rows);
    report.goal(QStringLiteral("leads model on PostgreSQL, jump to the middle of %1 rows").arg(at),
                middle, QStringLiteral("<="), 300, QStringLiteral("ms"));
    report.goal(QStringLiteral("leads model on PostgreSQL, jump to the end of %1 rows").arg(at),
                end, QStringLiteral("<="), 300, QStringLiteral("ms"));
}

} // namespace lb::bench
