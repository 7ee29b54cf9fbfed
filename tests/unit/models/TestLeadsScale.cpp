// The leads view's model at a million rows (LB_LEADS_ROWS overrides the count): prints how
// long opening, filtering, sorting and jumping take, and the process's peak memory. Figures
// only (qInfo); the benchmark owns the goals. Checks that every answer is right.
#include "demo/SampleData.h"
#include "TestBackend.h"
#include "store/Store.h"
#include "store/models/LeadsTableModel.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace lb;

namespace {

qint64 peakRssKb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

// What a view does when it shows a screenful: asks for every cell of the visible rows.
void touchRows(const LeadsTableModel &model, int first, int count)
{
    for (int r = first; r < std::min(model.rowCount(), first + count); ++r) {
        for (int c = 0; c < LeadsTableModel::ColumnCount; ++c)
            (void)model.data(model.index(r, c));
    }
}

} // namespace

class TestLeadsScale : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    ManualClock m_clock;
    std::unique_ptr<Store> m_store;
    int m_rows = 0;

    double timed(const std::function<void()> &f)
    {
        QElapsedTimer t;
        t.start();
        f();
        return double(t.nsecsElapsed()) / 1e6;
    }

private slots:
    void initTestCase()
    {
        m_rows = qEnvironmentVariableIntValue("LB_LEADS_ROWS");
        if (m_rows <= 0)
            m_rows = 1'000'000;
        // LB_LEADS_SCALE_DB=FILE keeps the generated SQLite store between runs.
        const QString keep = qEnvironmentVariable("LB_LEADS_SCALE_DB");
        auto config = keep.isEmpty() || test::TestBackend::isPostgres()
            ? test::TestBackend::freshStore(m_dir)
            : Result<StoreConfig>(StoreConfig::sqlite(keep));
        QVERIFY(config.ok());
        auto store = Store::open(*config, m_clock, QStringLiteral("scale"));
        QVERIFY2(store.ok(), store ? "" : qPrintable(store.error().toString()));
        m_store = std::move(*store);
        QElapsedTimer t;
        t.start();
        auto existing = m_store->leads().count();
        QVERIFY(existing.ok());
        if (*existing != m_rows) {
            QCOMPARE(*existing, 0);
            auto inserted = sandbox::SampleData::insertLeads(*m_store, 1, m_rows, m_clock.nowMs());
            QVERIFY2(inserted.ok(), inserted ? "" : qPrintable(inserted.error().toString()));
        }
        if (test::TestBackend::isPostgres())
            QVERIFY(m_store->database().execute(QStringLiteral("ANALYZE leads")).ok());
        qInfo("generated %d leads (%s) in %.1f s, peak RSS so far %lld KiB", m_rows,
              qPrintable(test::TestBackend::name()), double(t.elapsed()) / 1000.0, peakRssKb());
        // The store reopens as a console would (cold statement cache, warm OS page cache).
        m_store.reset();
        auto reopened = Store::open(*config, m_clock, QStringLiteral("console"));
        QVERIFY(reopened.ok());
        m_store = std::move(*reopened);
    }

    void openFilterSortJump()
    {
        LeadsTableModel model(*m_store);
        const double open = timed([&] {
            model.setFilter({});
            touchRows(model, 0, 40);
        });
        QCOMPARE(model.rowCount(), m_rows);
        QVERIFY(model.countIsExact());

        // A specific person: selective, served by the search index.
        const QString someone = sandbox::SampleData::lead(std::min(123'457, m_rows / 2), 0)
                                    .value(QStringLiteral("email"))
                                    .toString();
        const double filterSelective = timed([&] {
            model.setFilter({someone, {}, {}, {}});
            touchRows(model, 0, 40);
        });
        QVERIFY(model.rowCount() >= 1);
        QVERIFY(model.countIsExact());
        // A name shared by about a thousand leads.
        const double filterName = timed([&] {
            model.setFilter({QStringLiteral("smith12"), {}, {}, {}});
            touchRows(model, 0, 40);
        });
        QVERIFY(model.rowCount() > 0);
        // A term in every row: counted up to the cap, first screen at once.
        const double filterCommon = timed([&] {
            model.setFilter({QStringLiteral("example"), {}, {}, {}});
            touchRows(model, 0, 40);
        });
        QCOMPARE(model.rowCount(), LeadsTableModel::DefaultCountCap);
        QVERIFY(!model.countIsExact());
        const double filterShort = timed([&] {
            model.setFilter({QStringLiteral("zo"), {}, {}, {}});
            touchRows(model, 0, 40);
        });
        const double filterStatus = timed([&] {
            model.setFilter({{}, QStringLiteral("won"), QStringLiteral("error"), {}});
            touchRows(model, 0, 40);
        });
        QVERIFY(model.rowCount() > 0);

        model.setFilter({});
        const double jumpMiddle = timed([&] { touchRows(model, m_rows / 2 - 20, 40); });
        const double jumpEnd = timed([&] { touchRows(model, m_rows - 40, 40); });
        const double sortName = timed([&] {
            model.sort(LeadsTableModel::Name, Qt::AscendingOrder);
            touchRows(model, 0, 40);
        });
        const double sortedJump = timed([&] { touchRows(model, m_rows / 3, 40); });
        QVERIFY(!model.platformIdAt(m_rows - 1).isEmpty());

        qInfo("leads view at %d rows (%s): open %.1f ms; text filter: one person %.1f ms, "
              "a name %.1f ms, a term in every row %.1f ms, two letters %.1f ms; status + sync "
              "state %.1f ms; jump to middle %.1f ms, to end %.1f ms; sort by name %.1f ms, "
              "jump in sorted %.1f ms; peak RSS %lld KiB",
              m_rows, qPrintable(test::TestBackend::name()), open, filterSelective, filterName,
              filterCommon, filterShort, filterStatus, jumpMiddle, jumpEnd, sortName, sortedJump,
              peakRssKb());
    }
};

QTEST_GUILESS_MAIN(TestLeadsScale)
#include "TestLeadsScale.moc"
