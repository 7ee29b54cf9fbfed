#include "AsyncResult.h"
#include "SandboxHarness.h"
#include "salesforce/ErrorClassification.h"
#include "salesforce/LeadLifecycle.h"
#include "salesforce/SandboxOrg.h"

#include <QJsonObject>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace lb;
using namespace lb::salesforce;
using namespace lb::test;

// SalesforceClient against the sandbox org for a lead's lifecycle: deletions seen through
// queryAll and getDeleted (merged-away leads included), and a converted lead's refusal as a
// permanent, typed error on every write path.
class TestSandboxClientLifecycle : public QObject
{
    Q_OBJECT

    SandboxHarness m_h;

    SalesforceClient &client() { return m_h.client(); }

    template<typename T, typename Start> Result<T> call(Start start)
    {
        AsyncResult<T> r;
        start(r.callback());
        if (!r.wait(30'000))
            return makeError(u"test"_s, u"no answer"_s);
        return r.get();
    }

    QString createLead(const QString &key)
    {
        const auto id = call<QString>([&](auto cb) {
            client().create(u"Lead"_s,
                            {{u"Platform_Lead_Id__c"_s, key},
                             {u"LastName"_s, u"Nguyen"_s},
                             {u"Company"_s, u"Acme"_s}},
                            this, cb);
        });
        return id ? *id : QString();
    }

    sandbox::WriteContext uiUser()
    {
        return {m_h.sandbox().org().users().constFirst().userId, QString(), false, false};
    }

private slots:
    void init()
    {
        const Result<void> started = m_h.start();
        QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error().message));
        m_h.connect(AuthFlow::JwtBearer);
    }

    void deletionsThroughQueryAllAndGetDeleted()
    {
        const qint64 start = m_h.clock().nowMs();
        const QString deleted = createLead(u"P-1"_s);
        const QString master = createLead(u"P-2"_s);
        const QString merged = createLead(u"P-3"_s);
        QVERIFY(!deleted.isEmpty() && !master.isEmpty() && !merged.isEmpty());
        m_h.clock().advanceMs(60'000);
        QVERIFY(call<void>([&](auto cb) { client().remove(u"Lead"_s, deleted, this, cb); }).ok());
        sandbox::LeadLifecycle lifecycle(m_h.sandbox().org());
        QVERIFY(lifecycle.merge(master, {merged}, {}, uiUser()).ok());
        m_h.clock().advanceMs(60'000);

        const auto all = call<QueryPage>([&](auto cb) {
            client().queryAll(u"SELECT Id, IsDeleted, MasterRecordId FROM Lead ORDER BY "
                              u"Platform_Lead_Id__c"_s,
                              this, cb);
        });
        QVERIFY(all.ok());
        QCOMPARE(all->totalSize, 3);
        QCOMPARE(all->records.at(0).value(u"IsDeleted"_s).toBool(), true);
        QVERIFY(all->records.at(0).value(u"MasterRecordId"_s).isNull());
        QCOMPARE(all->records.at(2).value(u"MasterRecordId"_s).toString(), master);

        const auto window = call<DeletedRecords>(
            [&](auto cb) { client().getDeleted(u"Lead"_s, start, m_h.clock().nowMs(), this, cb); });
        QVERIFY2(window.ok(), qPrintable(window.ok() ? QString() : window.error().toString()));
        QCOMPARE(window->records.size(), 2);
        QStringList ids {window->records.at(0).id, window->records.at(1).id};
        ids.sort();
        QStringList expected {deleted, merged};
        expected.sort();
        QCOMPARE(ids, expected);
        QCOMPARE(window->records.at(0).deletedDateMs, start + 60'000);
        QVERIFY(window->latestDateCoveredMs >= start + 60'000);

        // A window before the deletions is empty.
        const auto before = call<DeletedRecords>(
            [&](auto cb) { client().getDeleted(u"Lead"_s, start - 1000, start, this, cb); });
        QVERIFY(before.ok());
        QVERIFY(before->records.isEmpty());
    }

    void getDeletedRefusesBadArguments()
    {
        const qint64 now = m_h.clock().nowMs();
        const auto reversed = call<DeletedRecords>(
            [&](auto cb) { client().getDeleted(u"Lead"_s, now, now - 1000, this, cb); });
        QCOMPARE(reversed.error().code, u"bad_argument"_s);
        const auto badName = call<DeletedRecords>(
            [&](auto cb) { client().getDeleted(u"Lead/../x"_s, now - 1000, now, this, cb); });
        QCOMPARE(badName.error().code, u"bad_argument"_s);
        QCOMPARE(client().apiCalls(), quint64(0)); // refused before anything was sent
        const auto unknown = call<DeletedRecords>(
            [&](auto cb) { client().getDeleted(u"Nope__c"_s, now - 1000, now, this, cb); });
        QVERIFY(!unknown.ok());
        QCOMPARE(unknown.error().httpStatus, 404);
    }

    void convertedLeadIsAPermanentTypedError()
    {
        const QString id = createLead(u"P-1"_s);
        sandbox::LeadLifecycle lifecycle(m_h.sandbox().org());
        QVERIFY(lifecycle.convert(id, {}, uiUser()).ok());

        const auto update = call<void>([&](auto cb) {
            client().update(u"Lead"_s, id, {{u"Company"_s, u"Other"_s}}, this, cb);
        });
        QVERIFY(!update.ok());
        QCOMPARE(update.error().code, u"CANNOT_UPDATE_CONVERTED_LEAD"_s);
        QCOMPARE(update.error().httpStatus, 400);
        QVERIFY(!update.error().retryable);
        QCOMPARE(classify(update.error()), FailureKind::Permanent);
        QCOMPARE(lifecycleRefusal(update.error()), LifecycleRefusal::ConvertedLead);

        const auto upsert = call<UpsertOutcome>([&](auto cb) {
            client().upsert(u"Lead"_s, u"Platform_Lead_Id__c"_s, u"P-1"_s,
                            {{u"Company"_s, u"Other"_s}}, this, cb);
        });
        QCOMPARE(lifecycleRefusal(upsert.error()), LifecycleRefusal::ConvertedLead);

        const auto batch = call<QList<RecordResult>>([&](auto cb) {
            client().upsertCollection(
                u"Lead"_s, u"Platform_Lead_Id__c"_s,
                {{{u"Platform_Lead_Id__c"_s, u"P-1"_s}, {u"Company"_s, u"Other"_s}},
                 {{u"Platform_Lead_Id__c"_s, u"P-9"_s},
                  {u"LastName"_s, u"New"_s},
                  {u"Company"_s, u"Acme"_s}}},
                false, this, cb);
        });
        QVERIFY(batch.ok());
        QVERIFY(!batch->at(0).success);
        QCOMPARE(lifecycleRefusal(batch->at(0).errors.constFirst()),
                 LifecycleRefusal::ConvertedLead);
        QVERIFY(!isRetryable(batch->at(0).errors.constFirst()));
        QVERIFY(batch->at(1).success); // the others in the call are not held back

        const auto read = call<QJsonObject>([&](auto cb) {
            client().get(u"Lead"_s, id, {u"IsConverted"_s, u"ConvertedDate"_s, u"Company"_s}, this,
                         cb);
        });
        QVERIFY(read.ok());
        QCOMPARE(read->value(u"IsConverted"_s).toBool(), true);
        QCOMPARE(read->value(u"Company"_s).toString(), u"Acme"_s);
    }

    void deletedLeadRefusal()
    {
        const QString id = createLead(u"P-1"_s);
        QVERIFY(call<void>([&](auto cb) { client().remove(u"Lead"_s, id, this, cb); }).ok());
        const auto update = call<void>([&](auto cb) {
            client().update(u"Lead"_s, id, {{u"Company"_s, u"Other"_s}}, this, cb);
        });
        QCOMPARE(lifecycleRefusal(update.error()), LifecycleRefusal::Deleted);
        QCOMPARE(classify(update.error()), FailureKind::Permanent);
    }
};

QTEST_GUILESS_MAIN(TestSandboxClientLifecycle)
#include "TestSandboxClientLifecycle.moc"
