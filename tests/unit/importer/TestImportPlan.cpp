// CSV imports: column matching, row checks with line numbers, delivery as inbound events that
// the engine's InboundProcessor turns into Salesforce jobs.
#include "TestBackend.h"
#include "importer/ImportPlan.h"
#include "store/Store.h"
#include "sync/InboundProcessor.h"
#include "sync/PlatformLeadChange.h"
#include "sync/SyncPlanner.h"

#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace lb;

namespace {

const QByteArray Good = "Platform ID,First Name,Last Name,Company,E-mail,Phone,Status,Lead "
                        "Source,Score,Estimated Value,Eligible,Notes\r\n"
                        "L-1,Ann,Smith,Acme,ann@acme.com,+1 415 555 0100,new,web,40,1200.50,yes,"
                        "met at fair\r\n"
                        "L-2,Bob,Jones,,BOB@GLOBEX.IO,,Working - Contacted,Partner Referral,,,"
                        "no,\r\n";

ImportIssue issueOn(const ImportReport &r, int line)
{
    for (const ImportIssue &i : r.issues) {
        if (i.line == line)
            return i;
    }
    return {};
}

} // namespace

class TestImportPlan : public QObject
{
    Q_OBJECT

private:
    ObjectMapping m_leads;
    QTemporaryDir m_dir;
    ManualClock m_clock;

    std::unique_ptr<Store> openStore()
    {
        auto config = test::TestBackend::freshStore(m_dir);
        if (!config)
            return nullptr;
        auto store = Store::open(*config, m_clock, QStringLiteral("import"));
        return store ? std::move(*store) : nullptr;
    }

private slots:
    void initTestCase()
    {
        auto mapping = FieldMapping::defaultMapping();
        QVERIFY(mapping.ok());
        m_leads = mapping->lead;
    }

    void matchesColumnsByHeader()
    {
        auto plan = ImportPlan::fromBytes(Good, QStringLiteral("good.csv"));
        QVERIFY2(plan.ok(), plan ? "" : qPrintable(plan.error().message));
        QCOMPARE(plan->columnFields(),
                 (QStringList {QStringLiteral("id"), QStringLiteral("first_name"),
                               QStringLiteral("last_name"), QStringLiteral("company"),
                               QStringLiteral("email"), QStringLiteral("phone"),
                               QStringLiteral("status"), QStringLiteral("source"),
                               QStringLiteral("score"), QStringLiteral("value"),
                               QStringLiteral("eligible"), QString()}));
        const ImportReport report = plan->analyse(m_leads);
        QVERIFY2(report.fileError.isEmpty(), qPrintable(report.fileError));
        QCOMPARE(report.rows, 2);
        QCOMPARE(report.validRows, 2);
        QVERIFY(report.issues.isEmpty());
        QVERIFY(report.canImport());
        QCOMPARE(report.sample.size(), 2);
        QCOMPARE(report.sample.at(1).line, 3);
        QVERIFY(report.notes.join(u' ').contains(QLatin1String("Notes")));
    }

    void previewFlagsBadRowsWithLineNumbers()
    {
        const QByteArray csv = "id,first_name,last_name,email,score,status\n"
                               "L-1,Ann,Smith,ann@acme.com,10,new\n" // 2 fine
                               "L-2,Bob,Jones,not-an-email,20,new\n" // 3 bad email
                               "L-3,Cy,,cy@x.org,30,new\n" // 4 no last name
                               "L-4,Di,\"Lee\"x,di@x.org,40,new\n" // 5 broken quoting
                               "L-5,Ed,Ng,ed@x.org,lots,new\n" // 6 score not a number
                               "L-6,Fe,Ox,fe@x.org,50,hot\n" // 7 unknown status
                               "L-1,Gil,Po,gil@x.org,60,won\n" // 8 duplicate id
                               "L-8,Hu,Qi\n" // 9 too few fields
                               "L-9,\"Multi\nline\",Rye,rye@x.org,70,lost\n" // 10-11 fine
                               "L-10,Ida,Sol,ida@x.org,80,new\n"; // 12 fine
        auto plan = ImportPlan::fromBytes(csv, QStringLiteral("bad.csv"));
        QVERIFY(plan.ok());
        const ImportReport report = plan->analyse(m_leads);
        QCOMPARE(report.rows, 10);
        QCOMPARE(report.validRows, 3);
        QVERIFY(report.fileError.isEmpty());
        QVERIFY(issueOn(report, 3).message.contains(QLatin1String("invalid email address")));
        QVERIFY(issueOn(report, 4).message.contains(QLatin1String("Required fields are missing: "
                                                                  "[LastName]")));
        QVERIFY(issueOn(report, 5).message.contains(QLatin1String("closing quote")));
        QVERIFY(issueOn(report, 6).message.contains(QLatin1String("not a whole number")));
        QVERIFY(issueOn(report, 7).message.contains(QLatin1String("\"hot\" is not one of")));
        QVERIFY(issueOn(report, 8).message.contains(QLatin1String("also on line 2")));
        QVERIFY(issueOn(report, 9).message.contains(QLatin1String("3 fields, the header has 6")));
        QVERIFY(issueOn(report, 10).message.isEmpty());
        QCOMPARE(report.sample.at(8).line, 10);
        QVERIFY(report.sample.at(8).valid);
        QVERIFY(!report.sample.at(1).valid);
    }

    void unterminatedQuoteBlocksTheImport()
    {
        const QByteArray csv = "id,last_name\nL-1,Ann\nL-2,\"Smith\nL-3,Jones\n";
        auto plan = ImportPlan::fromBytes(csv, QStringLiteral("broken.csv"));
        QVERIFY(plan.ok());
        const ImportReport report = plan->analyse(m_leads);
        QVERIFY(!report.canImport());
        QVERIFY2(report.fileError.startsWith(QLatin1String("Line 3:")),
                 qPrintable(report.fileError));
        QVERIFY(issueOn(report, 3).message.contains(QLatin1String("never closed")));
        auto store = openStore();
        QVERIFY(store);
        auto outcome = plan->deliver(*store, m_leads, m_clock.nowMs(), false);
        QVERIFY(!outcome.ok());
        QCOMPARE(outcome.error().code, QStringLiteral("import_refused"));
        QCOMPARE(*store->events().count(), qint64(0));
    }

    void refusesFilesItCannotUse_data()
    {
        QTest::addColumn<QByteArray>("csv");
        QTest::addColumn<QString>("words");
        QTest::newRow("empty") << QByteArray() << QStringLiteral("empty");
        QTest::newRow("broken header") << QByteArray("a,\"b\"c\n") << QStringLiteral("header");
        QTest::newRow("binary") << QByteArray("\x89PNG\r\n\x1a\n\0\0\0", 11)
                                << QStringLiteral("header");
    }

    void refusesFilesItCannotUse()
    {
        QFETCH(QByteArray, csv);
        QFETCH(QString, words);
        auto plan = ImportPlan::fromBytes(csv, QStringLiteral("x.csv"));
        QVERIFY(!plan.ok());
        QVERIFY2(plan.error().message.contains(words), qPrintable(plan.error().message));
    }

    void mappingMustNameLastName()
    {
        auto plan = ImportPlan::fromBytes("who,mail\nAnn,a@x.org\n", QStringLiteral("m.csv"));
        QVERIFY(plan.ok());
        ImportReport report = plan->analyse(m_leads);
        QVERIFY(report.fileError.contains(QLatin1String("last_name")));
        QVERIFY(plan->setColumnFields({QStringLiteral("last_name"), QStringLiteral("email")}).ok());
        report = plan->analyse(m_leads);
        QVERIFY(report.canImport());
        QVERIFY(!plan->setColumnFields({QStringLiteral("email"), QStringLiteral("email")}).ok());
        QVERIFY(!plan->setColumnFields({QStringLiteral("shoe_size"), QString()}).ok());
        QVERIFY(!plan->setColumnFields({QStringLiteral("email")}).ok());
    }

    void deliversThroughTheSyncQueue()
    {
        auto store = openStore();
        QVERIFY(store);
        auto plan = ImportPlan::fromBytes(Good, QStringLiteral("good.csv"));
        QVERIFY(plan.ok());
        // A dry run stores nothing.
        auto dry = plan->deliver(*store, m_leads, m_clock.nowMs(), true);
        QVERIFY(dry.ok());
        QVERIFY(dry->dryRun);
        QCOMPARE(dry->delivered, 2);
        QCOMPARE(*store->events().count(), qint64(0));

        auto outcome = plan->deliver(*store, m_leads, m_clock.nowMs(), false);
        QVERIFY2(outcome.ok(), outcome ? "" : qPrintable(outcome.error().message));
        QCOMPARE(outcome->delivered, 2);
        auto events = store->events().pending(10);
        QVERIFY(events.ok());
        QCOMPARE(events->size(), 2);
        const InboundEvent &e = events->first();
        QCOMPARE(e.source, QStringLiteral("import"));
        QCOMPARE(e.type, QStringLiteral("lead.updated"));
        QCOMPARE(e.eventId, ImportPlan::eventId(plan->fileHash(), 1));
        QVERIFY(e.eventId.startsWith(QLatin1String("import:")));
        // Stored as the lead itself (an import row is not a webhook), read by the intake's
        // one decoder.
        const QJsonObject body = QJsonDocument::fromJson(e.payload).object();
        QVERIFY(!body.contains(QStringLiteral("event_id")));
        const auto change = PlatformLeadChange::fromEvent(e);
        QVERIFY(change.ok());
        QCOMPARE(change->origin, QStringLiteral("import"));
        QVERIFY(!change->deletion);
        const QJsonObject lead = change->lead;
        QCOMPARE(lead, body);
        QCOMPARE(lead.value(QStringLiteral("id")).toString(), QStringLiteral("L-1"));
        QCOMPARE(lead.value(QStringLiteral("score")).toInt(), 40);
        QCOMPARE(lead.value(QStringLiteral("value")).toDouble(), 1200.5);
        QCOMPARE(lead.value(QStringLiteral("eligible")).toBool(), true);
        QCOMPARE(lead.value(QStringLiteral("version")).toInt(), 0);
        QCOMPARE(lead.value(QStringLiteral("updated_at")).toString(),
                 m_clock.now().toString(Qt::ISODateWithMs));
        QVERIFY(!lead.contains(QStringLiteral("Notes")));
        // Salesforce picklist values in the file become platform values.
        const QJsonObject bob = QJsonDocument::fromJson(events->at(1).payload).object();
        QCOMPARE(bob.value(QStringLiteral("status")).toString(), QStringLiteral("working"));
        QCOMPARE(bob.value(QStringLiteral("source")).toString(), QStringLiteral("partner"));

        // The same file again: stored once.
        auto again = plan->deliver(*store, m_leads, m_clock.nowMs(), false);
        QVERIFY(again.ok());
        QCOMPARE(again->delivered, 0);
        QCOMPARE(again->duplicates, 2);

        // The engine takes it from there.
        SyncPlanner planner(m_leads);
        InboundProcessor processor(*store, planner, QStringLiteral("test"));
        auto stats = processor.processPending(100);
        QVERIFY2(stats.ok(), stats ? "" : qPrintable(stats.error().message));
        QCOMPARE(stats->enqueued, 2);
        auto jobs = store->outbox().active(10);
        QVERIFY(jobs.ok());
        QCOMPARE(jobs->size(), 2);
        QCOMPARE(jobs->first().kind, QStringLiteral("sf.lead.upsert"));
        auto mirror = store->leads().byPlatformId(QStringLiteral("L-2"));
        QVERIFY(mirror.ok() && mirror->has_value());
    }

    void assignsIdsWhenTheFileHasNone()
    {
        auto store = openStore();
        QVERIFY(store);
        auto plan = ImportPlan::fromBytes("surname,email\nSmith,a@x.org\nJones,b@x.org\n",
                                          QStringLiteral("noid.csv"));
        QVERIFY(plan.ok());
        const ImportReport report = plan->analyse(m_leads);
        QVERIFY(report.canImport());
        QVERIFY(report.notes.join(u' ').contains(QLatin1String("IMP-")));
        QVERIFY(plan->deliver(*store, m_leads, m_clock.nowMs(), false).ok());
        auto events = store->events().pending(10);
        const QJsonObject lead = QJsonDocument::fromJson(events->at(1).payload).object();
        QCOMPARE(lead.value(QStringLiteral("id")).toString(),
                 QStringLiteral("IMP-%1-2").arg(plan->fileHash().left(12)));
    }

    void fromFileChecksItsSize()
    {
        auto missing = ImportPlan::fromFile(m_dir.filePath(QStringLiteral("nope.csv")));
        QVERIFY(!missing.ok());
        QVERIFY(missing.error().message.contains(QLatin1String("Cannot read")));
    }
};

QTEST_GUILESS_MAIN(TestImportPlan)
#include "TestImportPlan.moc"
