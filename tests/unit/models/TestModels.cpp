// The console's item models over a real store. Runs against SQLite and PostgreSQL
// (LB_TEST_BACKEND), so both forms of the leads text filter are exercised.
#include "demo/SampleData.h"
#include "TestBackend.h"
#include "mapping/FieldMapping.h"
#include "store/Store.h"
#include "store/models/InboxTableModel.h"
#include "store/models/LeadHistoryModel.h"
#include "store/models/LeadsTableModel.h"
#include "store/models/QueueTableModel.h"
#include "store/models/RecordComparisonModel.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace lb;
using lb::sandbox::SampleData;

namespace {

MirrorRecord mirrorOf(const QJsonObject &lead, const QString &syncState = QStringLiteral("synced"))
{
    MirrorRecord r;
    r.platformId = lead.value(QStringLiteral("id")).toString();
    QJsonObject state = lead;
    state.remove(QStringLiteral("updated_at"));
    state.remove(QStringLiteral("version"));
    r.platformState = state;
    r.platformHash = QByteArrayLiteral("h-") + r.platformId.toLatin1();
    r.syncState = syncState;
    return r;
}

QJsonObject person(const QString &id, const QString &first, const QString &last,
                   const QString &email, const QString &status = QStringLiteral("new"),
                   const QString &agent = QString())
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("first_name"), first},
            {QStringLiteral("last_name"), last},
            {QStringLiteral("company"), QStringLiteral("Acme")},
            {QStringLiteral("email"), email},
            {QStringLiteral("status"), status},
            {QStringLiteral("agent_id"), agent.isEmpty() ? QJsonValue() : QJsonValue(agent)}};
}

QStringList column(const QAbstractItemModel &model, int col, int role = Qt::DisplayRole)
{
    QStringList out;
    for (int r = 0; r < model.rowCount(); ++r)
        out.append(model.data(model.index(r, col), role).toString());
    return out;
}

} // namespace

class TestModels : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Store> openStore()
    {
        auto store = Store::open(m_config, m_clock, QStringLiteral("models"));
        if (!store)
            qWarning("%s", qPrintable(store.error().toString()));
        return store ? std::move(*store) : nullptr;
    }

    QTemporaryDir m_dir;
    StoreConfig m_config;
    ManualClock m_clock;

private slots:
    void init()
    {
        auto config = test::TestBackend::freshStore(m_dir);
        QVERIFY2(config.ok(), config ? "" : qPrintable(config.error().toString()));
        m_config = *config;
        m_clock.setNowMs(1'767'225'600'000);
    }

    void migrationsCreateTheSearchIndex()
    {
        auto store = openStore();
        QVERIFY(store);
        Database &db = store->database();
        const QString sql = test::TestBackend::isPostgres()
            ? QStringLiteral("SELECT COUNT(*) FROM pg_indexes WHERE tablename = 'leads' AND "
                             "indexname IN ('leads_last_name', 'leads_company', 'leads_status', "
                             "'leads_score', 'leads_agent', 'leads_last_synced')")
            : QStringLiteral("SELECT COUNT(*) FROM sqlite_master WHERE name IN "
                             "('leads_last_name', 'leads_company', 'leads_status', 'leads_score', "
                             "'leads_agent', 'leads_last_synced')");
        auto q = db.run(sql, sql);
        QVERIFY(q && (*q)->next());
        QCOMPARE((*q)->value(0).toInt(), 6);
        (*q)->finish();
        if (test::TestBackend::isPostgres()) {
            // The trigram index exists wherever the extension can be created (here it can).
            const QString trgm = QStringLiteral(
                "SELECT (SELECT COUNT(*) FROM pg_available_extensions WHERE name = 'pg_trgm'), "
                "(SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'leads_search_trgm')");
            auto t = db.run(trgm, trgm);
            QVERIFY(t && (*t)->next());
            QCOMPARE((*t)->value(1).toInt(), (*t)->value(0).toInt());
            (*t)->finish();
        } else {
            // Migration 5 replaced the per-row index triggers by a pending table.
            const QString fts = QStringLiteral(
                "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('leads_fts', "
                "'leads_fts_pending', 'leads_search_insert', 'leads_search_delete', "
                "'leads_search_update', 'leads_fts_insert', 'leads_fts_delete', "
                "'leads_fts_update')");
            auto t = db.run(fts, fts);
            QVERIFY(t && (*t)->next());
            QCOMPARE((*t)->value(0).toInt(), 5);
            (*t)->finish();
        }
    }

    void leadsFilterByText_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("last name") << QStringLiteral("smith")
                                   << QStringList {QStringLiteral("L-1"), QStringLiteral("L-3")};
        QTest::newRow("full name across columns")
            << QStringLiteral("ann smith") << QStringList {QStringLiteral("L-1")};
        QTest::newRow("email part")
            << QStringLiteral("@globex") << QStringList {QStringLiteral("L-2")};
        QTest::newRow("id") << QStringLiteral("L-4") << QStringList {QStringLiteral("L-4")};
        QTest::newRow("short text") << QStringLiteral("Zo") << QStringList {QStringLiteral("L-4")};
        QTest::newRow("case and accents")
            << QStringLiteral("ZOË") << QStringList {QStringLiteral("L-4")};
        QTest::newRow("percent is literal")
            << QStringLiteral("100%") << QStringList {QStringLiteral("L-5")};
        QTest::newRow("underscore is literal")
            << QStringLiteral("a_b") << QStringList {QStringLiteral("L-5")};
        QTest::newRow("quotes are literal")
            << QStringLiteral("\"O'Hara\"") << QStringList {QStringLiteral("L-6")};
        QTest::newRow("fts syntax is literal")
            << QStringLiteral("smith OR jones") << QStringList {};
        QTest::newRow("backslash")
            << QStringLiteral("c:\\x") << QStringList {QStringLiteral("L-6")};
        QTest::newRow("nothing") << QStringLiteral("no such lead anywhere") << QStringList {};
    }

    void leadsFilterByText()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, expected);
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(
            store->leads()
                .put({mirrorOf(person(QStringLiteral("L-1"), QStringLiteral("Ann"),
                                      QStringLiteral("Smith"), QStringLiteral("ann@acme.com"))),
                      mirrorOf(person(QStringLiteral("L-2"), QStringLiteral("Bob"),
                                      QStringLiteral("Jones"), QStringLiteral("bob@globex.io"))),
                      mirrorOf(person(QStringLiteral("L-3"), QStringLiteral("Cy"),
                                      QStringLiteral("Smithers"), QStringLiteral("cy@x.org"))),
                      mirrorOf(person(QStringLiteral("L-4"), QStringLiteral("Zoë"),
                                      QStringLiteral("Kim"), QStringLiteral("zk@x.org"))),
                      mirrorOf(person(QStringLiteral("L-5"), QStringLiteral("Al"),
                                      QStringLiteral("100% a_b"), QStringLiteral("al@x.org"))),
                      mirrorOf(person(QStringLiteral("L-6"), QStringLiteral("\"O'Hara\""),
                                      QStringLiteral("c:\\x"), QStringLiteral("oh@x.org")))})
                .ok());
        LeadsTableModel model(*store);
        QAbstractItemModelTester tester(&model);
        model.sort(LeadsTableModel::PlatformId, Qt::AscendingOrder);
        model.setFilter({text, {}, {}, {}});
        QVERIFY(model.lastError().isEmpty());
        QCOMPARE(column(model, LeadsTableModel::PlatformId), expected);
        QVERIFY(model.countIsExact());
        QVERIFY2(model.lastError().isEmpty(), qPrintable(model.lastError()));
    }

    void leadsFilterByFieldsAndCombined()
    {
        auto store = openStore();
        QVERIFY(store);
        QList<MirrorRecord> records;
        for (int i = 0; i < 30; ++i) {
            QJsonObject l = person(QStringLiteral("L-%1").arg(i, 2, 10, QLatin1Char('0')),
                                   QStringLiteral("P%1").arg(i),
                                   i % 2 ? QStringLiteral("Odd") : QStringLiteral("Even"),
                                   QStringLiteral("p%1@x.org").arg(i),
                                   i % 3 ? QStringLiteral("new") : QStringLiteral("won"),
                                   i % 5 ? QString() : QStringLiteral("A-7"));
            records.append(mirrorOf(l, i % 4 ? QStringLiteral("synced") : QStringLiteral("error")));
        }
        QVERIFY(store->leads().put(records).ok());
        LeadsTableModel model(*store);
        QAbstractItemModelTester tester(&model);
        QSignalSpy counts(&model, &LeadsTableModel::countChanged);
        model.setFilter({});
        QCOMPARE(model.rowCount(), 30);
        model.setFilter({{}, QStringLiteral("won"), {}, {}});
        QCOMPARE(model.rowCount(), 10);
        model.setFilter({{}, {}, QStringLiteral("error"), {}});
        QCOMPARE(model.rowCount(), 8);
        model.setFilter({{}, {}, {}, QStringLiteral("A-7")});
        QCOMPARE(model.rowCount(), 6);
        // i % 3 == 0, i % 4 == 0, even: 0, 12, 24
        model.setFilter(
            {QStringLiteral("even"), QStringLiteral("won"), QStringLiteral("error"), {}});
        model.sort(LeadsTableModel::PlatformId, Qt::AscendingOrder);
        QCOMPARE(
            column(model, LeadsTableModel::PlatformId),
            (QStringList {QStringLiteral("L-00"), QStringLiteral("L-12"), QStringLiteral("L-24")}));
        QCOMPARE(counts.last().at(0).toInt(), 3);
        QCOMPARE(model.data(model.index(0, LeadsTableModel::Name)).toString(),
                 QStringLiteral("P0 Even"));
        QCOMPARE(model.data(model.index(0, 0), LeadsTableModel::PlatformIdRole).toString(),
                 QStringLiteral("L-00"));
    }

    void leadsSortAndPageThroughEveryRow_data()
    {
        QTest::addColumn<int>("column");
        QTest::addColumn<int>("order");
        QTest::addColumn<QString>("text");
        QTest::newRow("updated desc")
            << int(LeadsTableModel::Updated) << int(Qt::DescendingOrder) << QString();
        QTest::newRow("name asc") << int(LeadsTableModel::Name) << int(Qt::AscendingOrder)
                                  << QString();
        QTest::newRow("score desc")
            << int(LeadsTableModel::Score) << int(Qt::DescendingOrder) << QString();
        QTest::newRow("company asc, filtered")
            << int(LeadsTableModel::Company) << int(Qt::AscendingOrder) << QStringLiteral("ex");
        QTest::newRow("agent asc (nulls)")
            << int(LeadsTableModel::Agent) << int(Qt::AscendingOrder) << QString();
    }

    // Every window, from either end, joins up into the one order the database gives.
    void leadsSortAndPageThroughEveryRow()
    {
        QFETCH(int, column);
        QFETCH(int, order);
        QFETCH(QString, text);
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(SampleData::insertLeads(*store, 1, 1234, m_clock.nowMs()).ok());
        LeadsTableModel model(*store);
        model.setFilter({text, {}, {}, {}});
        model.sort(column, Qt::SortOrder(order));
        while (model.canFetchMore({}))
            model.fetchMore({});
        const int rows = model.rowCount();
        QVERIFY(rows > LeadsTableModel::PageSize * 2);
        // What the database says, in one query.
        const char *field = column == LeadsTableModel::Updated ? "updated_at"
            : column == LeadsTableModel::Name                  ? "last_name"
            : column == LeadsTableModel::Score                 ? "score"
            : column == LeadsTableModel::Company               ? "company"
                                                               : "agent_id";
        const QString dir
            = order == Qt::AscendingOrder ? QStringLiteral("ASC") : QStringLiteral("DESC");
        const QString sql = QStringLiteral("SELECT platform_id FROM leads WHERE (? = '' OR "
                                           "LOWER(email) LIKE ?) ORDER BY %1 %2, id %2")
                                .arg(QLatin1String(field), dir);
        auto q = store->database().run(sql, sql, {text, QString(u'%' + text + u'%')});
        QVERIFY(q);
        QStringList expected;
        while ((*q)->next())
            expected.append((*q)->value(0).toString());
        (*q)->finish();
        if (!text.isEmpty()) {
            // The sample's text "ex" only occurs in emails (example*.com), and in every one.
            QCOMPARE(expected.size(), 1234);
        }
        QCOMPARE(rows, expected.size());
        // Read the second half first, so windows come from the far end, then the first half.
        QStringList got(rows);
        for (int r = rows - 1; r >= rows / 2; --r)
            got[r] = model.platformIdAt(r);
        for (int r = 0; r < rows / 2; ++r)
            got[r] = model.platformIdAt(r);
        QCOMPARE(got, expected);
        QVERIFY(model.lastError().isEmpty());
    }

    void leadsCommonTermIsCountedProgressively()
    {
        auto store = openStore();
        QVERIFY(store);
        QVERIFY(SampleData::insertLeads(*store, 1, 3000, m_clock.nowMs()).ok());
        LeadsTableModel model(*store);
        model.setCountLimits(500, 1000);
        // (No QAbstractItemModelTester here: it calls fetchMore() itself.)
        model.setFilter({QStringLiteral("example"), {}, {}, {}});
        QCOMPARE(model.rowCount(), 500);
        QVERIFY(!model.countIsExact());
        QVERIFY(model.canFetchMore({}));
        model.fetchMore({});
        QCOMPARE(model.rowCount(), 2000);
        model.fetchMore({});
        QCOMPARE(model.rowCount(), 3000);
        QVERIFY(model.countIsExact());
        QVERIFY(!model.canFetchMore({}));
        QVERIFY(!model.platformIdAt(2999).isEmpty());
        // A selective term is counted exactly at once.
        model.setFilter({QStringLiteral("L-0000123"), {}, {}, {}});
        QCOMPARE(model.rowCount(), 1);
        QVERIFY(model.countIsExact());
    }

    void leadsFollowMirrorChanges()
    {
        auto store = openStore();
        QVERIFY(store);
        QJsonObject ann = person(QStringLiteral("L-1"), QStringLiteral("Ann"),
                                 QStringLiteral("Smith"), QStringLiteral("ann@acme.com"));
        QVERIFY(store->leads().put({mirrorOf(ann)}).ok());
        LeadsTableModel model(*store);
        QAbstractItemModelTester tester(&model);
        model.setFilter({QStringLiteral("smith"), {}, {}, {}});
        QCOMPARE(model.rowCount(), 1);
        // Renamed: the search index follows the update (trigger / expression index).
        ann.insert(QStringLiteral("last_name"), QStringLiteral("Baker"));
        QVERIFY(store->leads().put({mirrorOf(ann)}).ok());
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        model.refresh();
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(removed.size(), 1);
        model.setFilter({QStringLiteral("baker"), {}, {}, {}});
        QCOMPARE(model.rowCount(), 1);
        // New rows appear at refresh without a reset.
        QVERIFY(store->leads()
                    .put({mirrorOf(person(QStringLiteral("L-2"), QStringLiteral("Bo"),
                                          QStringLiteral("Baker"), QStringLiteral("bo@x.org")))})
                    .ok());
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        model.refresh();
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(reset.size(), 0);
        // Deleted rows leave the search index too.
        const QString del = QStringLiteral("DELETE FROM leads WHERE platform_id = ?");
        QVERIFY(store->database().run(del, del, {QStringLiteral("L-1")}).ok());
        QVERIFY(MirrorStore::flushSearchIndex(store->database()).ok());
        model.refresh();
        QCOMPARE(column(model, LeadsTableModel::PlatformId), QStringList {QStringLiteral("L-2")});
    }

    // Several writes to the same lead in one transaction (the inbound pass and the applied
    // results do that): the index ends with the last text only, and nothing stays pending.
    void searchIndexFollowsManyChangesInOneTransaction()
    {
        auto store = openStore();
        QVERIFY(store);
        QJsonObject ann = person(QStringLiteral("L-1"), QStringLiteral("Ann"),
                                 QStringLiteral("Smith"), QStringLiteral("ann@acme.com"));
        {
            Transaction tx(store->database());
            QVERIFY(tx.started().ok());
            QVERIFY(store->leads().put({mirrorOf(ann)}).ok());
            for (const char *name : {"Baker", "Cole", "Dunn"}) {
                ann.insert(QStringLiteral("last_name"), QString::fromLatin1(name));
                QVERIFY(
                    store->leads()
                        .put({mirrorOf(ann),
                              mirrorOf(person(QStringLiteral("L-2"), QString::fromLatin1(name),
                                              QStringLiteral("Evans"), QStringLiteral("e@x.org")))})
                        .ok());
            }
            QVERIFY(tx.commit().ok());
        }
        LeadsTableModel model(*store);
        for (const char *gone : {"smith", "baker", "cole"}) {
            model.setFilter({QString::fromLatin1(gone), {}, {}, {}});
            QCOMPARE(column(model, LeadsTableModel::PlatformId), QStringList {});
        }
        model.setFilter({QStringLiteral("ann dunn"), {}, {}, {}});
        QCOMPARE(column(model, LeadsTableModel::PlatformId), QStringList {QStringLiteral("L-1")});
        model.setFilter({QStringLiteral("dunn evans"), {}, {}, {}});
        QCOMPARE(column(model, LeadsTableModel::PlatformId), QStringList {QStringLiteral("L-2")});
        if (!test::TestBackend::isPostgres()) {
            Database &db = store->database();
            const QString pending = QStringLiteral("SELECT COUNT(*) FROM leads_fts_pending");
            auto p = db.run(pending, pending);
            QVERIFY(p && (*p)->next());
            QCOMPARE((*p)->value(0).toInt(), 0);
            (*p)->finish();
            const QString check = QStringLiteral(
                "INSERT INTO leads_fts (leads_fts, rank) VALUES ('integrity-check', 0)");
            QVERIFY(db.run(check, check).ok());
        }
    }

    void leadsIgnoreUnsortableColumns()
    {
        auto store = openStore();
        QVERIFY(store);
        LeadsTableModel model(*store);
        QVERIFY(LeadsTableModel::isSortable(LeadsTableModel::Name));
        QVERIFY(!LeadsTableModel::isSortable(LeadsTableModel::Email));
        model.sort(LeadsTableModel::Email, Qt::AscendingOrder);
        QCOMPARE(model.sortColumn(), int(LeadsTableModel::Updated));
        model.sort(LeadsTableModel::Name, Qt::AscendingOrder);
        QCOMPARE(model.sortColumn(), int(LeadsTableModel::Name));
    }

    void inboxFiltersPagesAndRefreshes()
    {
        auto store = openStore();
        QVERIFY(store);
        QList<qint64> ids;
        for (int i = 0; i < 12; ++i) {
            m_clock.advanceMs(1000);
            NewJob job {QStringLiteral("k%1").arg(i),
                        QStringLiteral("sf.lead.upsert"),
                        JobTarget::Salesforce,
                        QStringLiteral("lead:L-%1").arg(i),
                        QByteArrayLiteral("{\"platform_id\":\"L\"}"),
                        0,
                        0,
                        false};
            auto id = SampleData::failToInbox(*store, job, ErrorClass::Permanent,
                                              i % 2 ? QStringLiteral("INVALID_EMAIL_ADDRESS")
                                                    : QStringLiteral("STRING_TOO_LONG"),
                                              QStringLiteral("bad %1").arg(i));
            QVERIFY2(id.ok(), id ? "" : qPrintable(id.error().message));
        }
        InboxTableModel model(*store);
        QAbstractItemModelTester tester(&model);
        model.setFilter(InboxState::Open, {});
        QCOMPARE(model.rowCount(), 12);
        // Newest failure first.
        QCOMPARE(model.data(model.index(0, InboxTableModel::Record)).toString(),
                 QStringLiteral("lead:L-11"));
        model.setFilter(InboxState::Open, QStringLiteral("INVALID_EMAIL"));
        QCOMPARE(model.rowCount(), 6);
        const QList<qint64> two = model.idsAt({0, 1});
        QCOMPARE(two.size(), 2);
        QVERIFY(store->inbox().retry(two, QStringLiteral("test")).ok());
        model.refresh();
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.rowOf(two.first()), -1);
        model.setFilter(InboxState::Retried, {});
        QCOMPARE(model.rowCount(), 2);
        model.setFilter({}, {});
        QCOMPARE(model.rowCount(), 12);
    }

    void inboxFetchesInBatches()
    {
        auto store = openStore();
        QVERIFY(store);
        for (int i = 0; i < InboxTableModel::BatchSize + 3; ++i) {
            NewJob job {QStringLiteral("b%1").arg(i),
                        QStringLiteral("sf.lead.upsert"),
                        JobTarget::Salesforce,
                        QStringLiteral("lead:B-%1").arg(i),
                        QByteArrayLiteral("{}"),
                        0,
                        0,
                        false};
            QVERIFY(store->outbox()
                        .park(job, ErrorClass::Validation, QStringLiteral("REQUIRED_FIELD_MISSING"),
                              QStringLiteral("Required fields are missing: [LastName]"),
                              QStringLiteral("test"))
                        .ok());
        }
        InboxTableModel model(*store); // (no model tester: it calls fetchMore() itself)
        model.setFilter(InboxState::Open, {});
        QCOMPARE(model.rowCount(), InboxTableModel::BatchSize);
        QVERIFY(model.canFetchMore({}));
        model.fetchMore({});
        QCOMPARE(model.rowCount(), InboxTableModel::BatchSize + 3);
        QVERIFY(!model.canFetchMore({}));
    }

    void queueShowsPendingAndInFlight()
    {
        auto store = openStore();
        QVERIFY(store);
        QList<NewJob> jobs;
        for (int i = 0; i < 5; ++i)
            jobs.append({QStringLiteral("q%1").arg(i), QStringLiteral("platform.lead.put"),
                         JobTarget::Platform, QStringLiteral("lead:L-%1").arg(i),
                         QByteArrayLiteral("{}"), 0, m_clock.nowMs() + i * 1000, false});
        QVERIFY(store->outbox().enqueue(jobs, QStringLiteral("test")).ok());
        auto claimed = store->outbox().claim(QStringLiteral("w"), 1, 60'000);
        QVERIFY(claimed && claimed->size() == 1);
        QueueTableModel model(*store);
        QAbstractItemModelTester tester(&model);
        model.reload();
        QCOMPARE(model.rowCount(), 5);
        const int inFlight = model.rowOf(claimed->first().id);
        QVERIFY(inFlight >= 0);
        QCOMPARE(model.data(model.index(inFlight, QueueTableModel::State)).toString(),
                 QStringLiteral("in flight"));
        QVERIFY(!model.data(model.index(inFlight, 0), QueueTableModel::CancellableRole).toBool());
        const int pendingRow = inFlight == 0 ? 1 : 0;
        QVERIFY(model.data(model.index(pendingRow, 0), QueueTableModel::CancellableRole).toBool());
        QVERIFY(store->outbox().cancel(model.jobAt(pendingRow)->id, QStringLiteral("test")).ok());
        model.refresh();
        QCOMPARE(model.rowCount(), 4);
    }

    void historyShowsEveryJobOfTheLead()
    {
        auto store = openStore();
        QVERIFY(store);
        NewJob first {QStringLiteral("h1"),
                      QStringLiteral("sf.lead.upsert"),
                      JobTarget::Salesforce,
                      QStringLiteral("lead:L-9"),
                      QByteArrayLiteral("{}"),
                      0,
                      0,
                      false};
        auto failed = SampleData::failToInbox(*store, first, ErrorClass::Permanent,
                                              QStringLiteral("INVALID_EMAIL_ADDRESS"),
                                              QStringLiteral("Email: invalid"));
        QVERIFY(failed.ok());
        NewJob other {QStringLiteral("h2"),
                      QStringLiteral("sf.lead.upsert"),
                      JobTarget::Salesforce,
                      QStringLiteral("lead:L-10"),
                      QByteArrayLiteral("{}"),
                      0,
                      0,
                      false};
        QVERIFY(store->outbox().enqueue({other}, QStringLiteral("test")).ok());
        auto items = store->inbox().list({});
        QVERIFY(items && items->size() == 1);
        QVERIFY(store->inbox().retry({items->first().id}, QStringLiteral("console")).ok());

        LeadHistoryModel model(*store);
        QAbstractItemModelTester tester(&model);
        QVERIFY(model.load(QStringLiteral("L-9")).ok());
        QStringList actions;
        for (const auto &e : model.entries())
            actions.append(e.source + u':' + e.action);
        // Newest first; nothing from L-10.
        QCOMPARE(actions.first(), QStringLiteral("outbox:requeued"));
        QVERIFY2(actions.contains(QStringLiteral("inbox:retried")), qPrintable(actions.join(u' ')));
        QVERIFY(actions.contains(QStringLiteral("outbox:enqueued")));
        QVERIFY(actions.contains(QStringLiteral("outbox:moved_to_inbox")));
        for (const auto &e : model.entries())
            QCOMPARE(e.kind, QStringLiteral("sf.lead.upsert"));
        QVERIFY(model.load(QStringLiteral("L-404")).ok());
        QCOMPARE(model.rowCount(), 0);
    }

    void comparisonHighlightsDifferences()
    {
        auto mapping = FieldMapping::defaultMapping();
        QVERIFY(mapping.ok());
        RecordComparisonModel model(mapping->lead);
        QAbstractItemModelTester tester(&model);
        const QJsonObject mirror {{QStringLiteral("id"), QStringLiteral("L-1")},
                                  {QStringLiteral("first_name"), QStringLiteral("Ann")},
                                  {QStringLiteral("last_name"), QStringLiteral("Smith")},
                                  {QStringLiteral("email"), QStringLiteral("Ann@Acme.com ")},
                                  {QStringLiteral("status"), QStringLiteral("new")},
                                  {QStringLiteral("score"), 40}};
        model.setMirror(mirror);
        QCOMPARE(model.differingRows(), 0);
        QJsonObject platform = mirror;
        platform.insert(QStringLiteral("score"), 55);
        const QJsonObject salesforce {
            {QStringLiteral("Platform_Lead_Id__c"), QStringLiteral("L-1")},
            {QStringLiteral("FirstName"), QStringLiteral("Ann")},
            {QStringLiteral("LastName"), QStringLiteral("Smith-Jones")},
            {QStringLiteral("Email"), QStringLiteral("ann@acme.com")}, // same once transformed
            {QStringLiteral("Status"), QStringLiteral("Open - Not Contacted")}, // "new" mapped
            {QStringLiteral("Company"), QStringLiteral("Unknown")}, // the default for none
            {QStringLiteral("Lead_Score__c"), 55}};
        model.setLive(salesforce, platform);
        auto rowOf = [&](const QString &field) {
            for (int r = 0; r < model.rowCount(); ++r) {
                if (model.data(model.index(r, 0)).toString().endsWith(u'(' + field + u')'))
                    return r;
            }
            return -1;
        };
        const int last = rowOf(QStringLiteral("last_name"));
        const int email = rowOf(QStringLiteral("email"));
        const int status = rowOf(QStringLiteral("status"));
        const int score = rowOf(QStringLiteral("score"));
        QVERIFY(last > 0 && email > 0 && status > 0 && score > 0);
        QVERIFY(model.rowDiffers(last));
        QVERIFY(model.cellDiffers(last, RecordComparisonModel::Salesforce));
        QVERIFY(!model.cellDiffers(last, RecordComparisonModel::Platform));
        QVERIFY(!model.rowDiffers(email));
        QVERIFY(!model.rowDiffers(status));
        QVERIFY(!model.rowDiffers(0)); // the key
        // Both live sides agree on 55; the mirror's 40 is the stale one.
        QVERIFY(model.cellDiffers(score, RecordComparisonModel::Mirror));
        QVERIFY(!model.cellDiffers(score, RecordComparisonModel::Salesforce));
        QCOMPARE(model
                     .data(model.index(score, RecordComparisonModel::Mirror),
                           RecordComparisonModel::DiffersRole)
                     .toBool(),
                 true);
        QCOMPARE(model.differingRows(), 2);
        QCOMPARE(model.data(model.index(status, RecordComparisonModel::Salesforce)).toString(),
                 QStringLiteral("Open - Not Contacted"));
    }
};

QTEST_GUILESS_MAIN(TestModels)
#include "TestModels.moc"
