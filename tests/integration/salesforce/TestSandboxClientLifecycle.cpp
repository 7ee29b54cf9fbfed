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
// queryAll (merged-away leads included), and a converted or deleted lead's refusal as a
// permanent, typed error per record on every write path.
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
        const auto created = call<QList<RecordResult>>([&](auto cb) {
            client().createCollection(u"Lead"_s,
                                      {{{u"Platform_Lead_Id__c"_s, key},
                                        {u"LastName"_s, u"Nguyen"_s},
                                        {u"Company"_s, u"Acme"_s}}},
                                      false, this, cb);
        });
        return created && created->constFirst().success ? created->constFirst().id : QString();
    }

    bool remove(const QString &id)
    {
        const auto removed = call<QList<RecordResult>>(
            [&](auto cb) { client().deleteCollection({id}, false, this, cb); });
        return removed && removed->constFirst().success;
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

    void deletionsThroughQueryAll()
    {
        const QString deleted = createLead(u"P-1"_s);
        const QString master = createLead(u"P-2"_s);
        const QString merged = createLead(u"P-3"_s);
        QVERIFY(!deleted.isEmpty() && !master.isEmpty() && !merged.isEmpty());
        m_h.clock().advanceMs(60'000);
        QVERIFY(remove(deleted));
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
    }

    void convertedLeadIsAPermanentTypedError()
    {
        const QString id = createLead(u"P-1"_s);
        sandbox::LeadLifecycle lifecycle(m_h.sandbox().org());
        QVERIFY(lifecycle.convert(id, {}, uiUser()).ok());

        const auto update = call<QList<RecordResult>>([&](auto cb) {
            client().updateCollection(u"Lead"_s, {{{u"Id"_s, id}, {u"Company"_s, u"Other"_s}}},
                                      false, this, cb);
        });
        QVERIFY(update.ok());
        QVERIFY(!update->constFirst().success);
        const SfError refused = update->constFirst().errors.constFirst();
        QCOMPARE(refused.code, u"CANNOT_UPDATE_CONVERTED_LEAD"_s);
        QVERIFY(!isRetryable(refused));
        QCOMPARE(lifecycleRefusal(refused), LifecycleRefusal::ConvertedLead);

        const auto batches = call<QList<QList<RecordResult>>>([&](auto cb) {
            client().compositeUpsert(
                u"Lead"_s, u"Platform_Lead_Id__c"_s,
                {{{{u"Platform_Lead_Id__c"_s, u"P-1"_s}, {u"Company"_s, u"Other"_s}},
                  {{u"Platform_Lead_Id__c"_s, u"P-9"_s},
                   {u"LastName"_s, u"New"_s},
                   {u"Company"_s, u"Acme"_s}}}},
                this, cb);
        });
        QVERIFY(batches.ok());
        const QList<RecordResult> *batch = &batches->constFirst();
        QVERIFY(!batch->at(0).success);
        QCOMPARE(lifecycleRefusal(batch->at(0).errors.constFirst()),
                 LifecycleRefusal::ConvertedLead);
        QVERIFY(!isRetryable(batch->at(0).errors.constFirst()));
        QVERIFY(batch->at(1).success); // the others in the call are not held back

        const auto read = call<QueryPage>([&](auto cb) {
            client().query(
                u"SELECT IsConverted, ConvertedDate, Company FROM Lead WHERE Id = '%1'"_s.arg(id),
                this, cb);
        });
        QVERIFY(read.ok());
        QCOMPARE(read->records.size(), 1);
        QCOMPARE(read->records.constFirst().value(u"IsConverted"_s).toBool(), true);
        QCOMPARE(read->records.constFirst().value(u"Company"_s).toString(), u"Acme"_s);
    }

    void deletedLeadRefusal()
    {
        const QString id = createLead(u"P-1"_s);
        QVERIFY(remove(id));
        const auto update = call<QList<RecordResult>>([&](auto cb) {
            client().updateCollection(u"Lead"_s, {{{u"Id"_s, id}, {u"Company"_s, u"Other"_s}}},
                                      false, this, cb);
        });
        QVERIFY(update.ok());
        QVERIFY(!update->constFirst().success);
        const SfError refused = update->constFirst().errors.constFirst();
        QCOMPARE(lifecycleRefusal(refused), LifecycleRefusal::Deleted);
        QVERIFY(!isRetryable(refused));
    }
};

QTEST_GUILESS_MAIN(TestSandboxClientLifecycle)
#include "TestSandboxClientLifecycle.moc"
