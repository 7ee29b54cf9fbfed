#include "AsyncResult.h"
#include "SandboxHarness.h"
#include "salesforce/ErrorClassification.h"
#include "salesforce/SalesforceId.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace lb;
using namespace lb::salesforce;
using namespace lb::test;

namespace {

const QString kKey = u"Platform_Lead_Id__c"_s;

QJsonObject lead(const QString &key, const QString &lastName = u"Nguyen"_s)
{
    return {{kKey, key}, {u"LastName"_s, lastName}, {u"Company"_s, u"Acme Ltd"_s}};
}

QList<QJsonObject> leads(int n, int offset = 0)
{
    QList<QJsonObject> out;
    for (int i = 0; i < n; ++i)
        out.append(lead(u"P-%1"_s.arg(offset + i)));
    return out;
}

} // namespace

// SalesforceClient against the sandbox org over HTTP: every endpoint the engine uses and the
// error paths of SALESFORCE_API.md (envelopes, per-record results, paging, limits, faults).
class TestSandboxClient : public QObject
{
    Q_OBJECT

    SandboxHarness m_h;

    SalesforceClient &client() { return m_h.client(); }
    sandbox::SalesforceSandbox &org() { return m_h.sandbox(); }

    template<typename T, typename Start> Result<T> call(Start start)
    {
        AsyncResult<T> r;
        start(r.callback());
        if (!r.wait(30'000))
            return makeError(u"test"_s, u"no answer"_s);
        return r.get();
    }

    // One record through a Collections call (what the engine sends): the call's failure, or
    // the record's.
    Result<QList<RecordResult>> createOne(const QString &sobject, const QJsonObject &fields)
    {
        return call<QList<RecordResult>>(
            [&](auto cb) { client().createCollection(sobject, {fields}, false, this, cb); });
    }

    Result<QueryPage> query(const QString &soql, bool all = false)
    {
        return call<QueryPage>([&](auto cb) {
            if (all)
                client().queryAll(soql, this, cb);
            else
                client().query(soql, this, cb);
        });
    }

private slots:
    void init()
    {
        const Result<void> started = m_h.start();
        QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error().message));
        m_h.connect(AuthFlow::JwtBearer);
    }

    void recordLifecycle()
    {
        const auto created = createOne(u"Lead"_s, lead(u"P-1"_s));
        QVERIFY2(created.ok(), qPrintable(created.ok() ? QString() : created.error().toString()));
        QVERIFY(created->constFirst().success);
        const QString id = created->constFirst().id;
        QVERIFY(SalesforceId::isValid(id));
        QCOMPARE(id.size(), 18);
        QCOMPARE(SalesforceId::keyPrefix(id), u"00Q"_s);

        const QString byId = u"SELECT Id, LastName, Status FROM Lead WHERE Id = '%1'"_s.arg(id);
        const Result<QueryPage> got = query(byId);
        QVERIFY(got.ok());
        QCOMPARE(got->totalSize, 1);
        QCOMPARE(got->records.constFirst().value(u"LastName"_s).toString(), u"Nguyen"_s);
        QCOMPARE(got->records.constFirst().value(u"Status"_s).toString(),
                 u"Open - Not Contacted"_s); // org default
        QVERIFY(SalesforceId::equals(got->records.constFirst().value(u"Id"_s).toString(), id));

        const auto updated = call<QList<RecordResult>>([&](auto cb) {
            client().updateCollection(u"Lead"_s,
                                      {{{u"Id"_s, id}, {u"Status"_s, u"Working - Contacted"_s}}},
                                      false, this, cb);
        });
        QVERIFY2(updated.ok(), qPrintable(updated.ok() ? QString() : updated.error().toString()));
        QVERIFY(updated->constFirst().success);
        QCOMPARE(org().record(u"Lead"_s, id)->value(u"Status"_s).toString(),
                 u"Working - Contacted"_s);

        const auto removed = call<QList<RecordResult>>(
            [&](auto cb) { client().deleteCollection({id}, false, this, cb); });
        QVERIFY(removed.ok());
        QVERIFY(removed->constFirst().success);
        const auto again = call<QList<RecordResult>>(
            [&](auto cb) { client().deleteCollection({id}, false, this, cb); });
        QVERIFY(again.ok());
        QVERIFY(!again->constFirst().success);
        QCOMPARE(again->constFirst().errors.constFirst().code, u"ENTITY_IS_DELETED"_s);

        const QString soql = u"SELECT Id, IsDeleted FROM Lead WHERE Platform_Lead_Id__c = 'P-1'"_s;
        QCOMPARE(query(soql)->totalSize, 0);
        const Result<QueryPage> all = query(soql, true);
        QCOMPARE(all->totalSize, 1);
        QCOMPARE(all->records.constFirst().value(u"IsDeleted"_s).toBool(), true);

        // Every write carried Sforce-Call-Options: client=LeadBridge.
        QCOMPARE(org().writeLog().countByClient().value(u"LeadBridge"_s), 3);
        QCOMPARE(org().writeLog().size(), 3);
    }

    void errorPaths_data()
    {
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<QString>("code");
        QTest::addColumn<int>("status");
        QTest::addColumn<bool>("retryable");
        // Record-level refusals come back per record (status 0 here: the call itself was 200).
        QTest::newRow("required field missing")
            << u"missingCompany"_s << u"REQUIRED_FIELD_MISSING"_s << 0 << false;
        QTest::newRow("unknown field fails the whole call")
            << u"unknownField"_s << u"INVALID_FIELD"_s << 400 << false;
        QTest::newRow("unknown object") << u"unknownObject"_s << u"INVALID_TYPE"_s << 400 << false;
        QTest::newRow("restricted picklist")
            << u"badPicklist"_s << u"INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"_s << 0 << false;
        QTest::newRow("validation rule")
            << u"validationRule"_s << u"FIELD_CUSTOM_VALIDATION_EXCEPTION"_s << 0 << false;
        QTest::newRow("malformed id") << u"malformedId"_s << u"MALFORMED_ID"_s << 0 << false;
        QTest::newRow("malformed query") << u"badSoql"_s << u"MALFORMED_QUERY"_s << 400 << false;
        QTest::newRow("query unknown column")
            << u"badColumn"_s << u"INVALID_FIELD"_s << 400 << false;
        QTest::newRow("daily allocation spent")
            << u"allocation"_s << u"REQUEST_LIMIT_EXCEEDED"_s << 403 << true;
        QTest::newRow("503") << u"fail503"_s << u"SERVER_UNAVAILABLE"_s << 503 << true;
        QTest::newRow("row lock") << u"lock"_s << u"UNABLE_TO_LOCK_ROW"_s << 0 << true;
        QTest::newRow("no answer") << u"hang"_s << u"timeout"_s << 0 << true;
        QTest::newRow("connection dropped") << u"drop"_s << u"network"_s << 0 << true;
        QTest::newRow("retired api version")
            << u"oldVersion"_s << u"UNSUPPORTED_API_VERSION"_s << 410 << false;
    }

    void errorPaths()
    {
        QFETCH(QString, scenario);
        QFETCH(QString, code);
        QFETCH(int, status);
        QFETCH(bool, retryable);
        const Result<QString> existing = org().createRecord(u"Lead"_s, lead(u"P-1"_s));
        QVERIFY(existing.ok());
        SalesforceConfig config = m_h.config(AuthFlow::JwtBearer);
        config.timeoutMs = 500;
        if (scenario == "oldVersion"_L1)
            config.apiVersion = u"30.0"_s;
        m_h.connect(config, m_h.secrets());
        AsyncResult<void> auth;
        m_h.session().authenticate(this, auth.callback()); // faults are for REST only
        QVERIFY(auth.wait());
        sandbox::FaultConfig faults;
        faults.fail503 = scenario == "fail503"_L1 ? 1.0 : 0.0;
        faults.lockRate = scenario == "lock"_L1 ? 1.0 : 0.0;
        faults.hangRate = scenario == "hang"_L1 ? 1.0 : 0.0;
        faults.dropRate = scenario == "drop"_L1 ? 1.0 : 0.0;
        org().setFaults(faults);
        if (scenario == "allocation"_L1)
            org().setApiUsage(org().apiMax(), org().apiMax());
        QSignalSpy authFailed(&client(), &SalesforceClient::authenticationFailed);
        QSignalSpy limits(&client(), &SalesforceClient::limitsObserved);

        Result<void> r = makeError(u"unset"_s, {});
        auto store = [&r](const auto &result) {
            r = result.ok() ? Result<void>() : Result<void>(result.error());
        };
        // A call that succeeded with a refused record: that record's first error.
        auto storeRecord = [&r](const Result<QList<RecordResult>> &result) {
            if (!result.ok() || result->isEmpty() || result->constFirst().success
                || result->constFirst().errors.isEmpty()) {
                r = result.ok() ? makeError(u"no_record_error"_s, u"accepted"_s)
                                : Result<void>(result.error());
                return;
            }
            const SfError &e = result->constFirst().errors.constFirst();
            r = Error {e.code, e.message, 0, isRetryable(e)};
        };
        QJsonObject fields = lead(u"P-2"_s);
        if (scenario == "missingCompany"_L1) {
            fields.remove(u"Company"_s);
            storeRecord(createOne(u"Lead"_s, fields));
        } else if (scenario == "unknownField"_L1) {
            fields.insert(u"Bacon__c"_s, 1);
            storeRecord(createOne(u"Lead"_s, fields));
        } else if (scenario == "unknownObject"_L1) {
            store(createOne(u"Whizbang__c"_s, fields));
        } else if (scenario == "badPicklist"_L1) {
            fields.insert(u"LeadSource"_s, u"Carrier Pigeon"_s);
            storeRecord(createOne(u"Lead"_s, fields));
        } else if (scenario == "validationRule"_L1) {
            fields.insert(u"Lead_Score__c"_s, 150);
            storeRecord(createOne(u"Lead"_s, fields));
        } else if (scenario == "malformedId"_L1) {
            QString bad = *existing;
            bad[17] = bad[17] == u'A' ? u'B' : u'A';
            storeRecord(call<QList<RecordResult>>([&](auto cb) {
                client().updateCollection(u"Lead"_s, {{{u"Id"_s, bad}, {u"LastName"_s, u"X"_s}}},
                                          false, this, cb);
            }));
        } else if (scenario == "badSoql"_L1) {
            store(query(u"SELEKT Id FROM Lead"_s));
        } else if (scenario == "badColumn"_L1) {
            store(query(u"SELECT Bacon__c FROM Lead"_s));
        } else if (scenario == "lock"_L1) {
            storeRecord(createOne(u"Lead"_s, lead(u"P-3"_s)));
        } else {
            store(query(u"SELECT Id FROM Lead"_s));
        }
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, code);
        QCOMPARE(r.error().httpStatus, status);
        QCOMPARE(r.error().retryable, retryable);
        QVERIFY(!r.error().message.isEmpty());
        QCOMPARE(authFailed.size(), 0); // none of these is an authentication failure
        QCOMPARE(m_h.session().grantsRequested(), 1);
        const bool answered = scenario != "hang"_L1 && scenario != "drop"_L1;
        if (answered && status != 410 && status != 503)
            QVERIFY(!limits.isEmpty()); // limits come with error answers too
    }

    void queryFollowsEveryPage()
    {
        QJsonArray seed;
        for (int i = 0; i < 4'500; ++i)
            seed.append(QJsonObject {{kKey, u"S-%1"_s.arg(i)},
                                     {u"LastName"_s, u"Seed"_s},
                                     {u"Company"_s, u"Seed Co"_s}});
        QVERIFY(org().seedJson(QJsonDocument(QJsonObject {{u"Lead"_s, seed}}).toJson()).ok());
        AsyncResult<void> auth;
        m_h.session().authenticate(this, auth.callback());
        QVERIFY(auth.wait());
        const qint64 callsBefore = m_h.restCalls();
        QList<int> pageSizes;
        QSet<QString> keys;
        QStringList locators;
        qint64 delivered = 0;
        Result<QueryPage> page
            = query(u"SELECT Id, Platform_Lead_Id__c FROM Lead ORDER BY Platform_Lead_Id__c"_s);
        while (true) {
            QVERIFY2(page.ok(), qPrintable(page.ok() ? QString() : page.error().toString()));
            QCOMPARE(page->totalSize, qint64(4'500));
            pageSizes.append(int(page->records.size()));
            locators.append(page->nextRecordsUrl);
            delivered += page->records.size();
            for (const QJsonObject &rec : page->records)
                keys.insert(rec.value(kKey).toString());
            if (page->done || pageSizes.size() > 5)
                break;
            const QString next = page->nextRecordsUrl;
            page = call<QueryPage>([&](auto cb) { client().queryMore(next, this, cb); });
        }
        QCOMPARE(delivered, qint64(4'500));
        QCOMPARE(pageSizes, (QList<int> {2000, 2000, 500}));
        QCOMPARE(keys.size(), 4'500);
        QVERIFY(locators[0].startsWith(u"/services/data/v62.0/query/01g"_s));
        QVERIFY(locators[2].isEmpty()); // the last page has no nextRecordsUrl
        QCOMPARE(m_h.restCalls() - callsBefore, qint64(3));

        // queryMore on its own, with a locator from a first page.
        const Result<QueryPage> first = query(u"SELECT Id FROM Lead"_s);
        QVERIFY(!first->done);
        const auto second = call<QueryPage>(
            [&](auto cb) { client().queryMore(first->nextRecordsUrl, this, cb); });
        QVERIFY(second.ok());
        QCOMPARE(second->records.size(), 2000);
    }

    void collections()
    {
        QVERIFY(org().createRecord(u"Lead"_s, lead(u"P-0"_s)).ok());
        QList<QJsonObject> records = leads(4);
        records[2].remove(u"Company"_s);
        const auto batches = call<QList<QList<RecordResult>>>(
            [&](auto cb) { client().compositeUpsert(u"Lead"_s, kKey, {records}, this, cb); });
        QVERIFY2(batches.ok(), qPrintable(batches.ok() ? QString() : batches.error().toString()));
        QCOMPARE(batches->size(), 1);
        const QList<RecordResult> *upserted = &batches->constFirst();
        QCOMPARE(upserted->size(), 4);
        QVERIFY((*upserted)[0].success && !(*upserted)[0].created); // P-0 existed
        QVERIFY((*upserted)[1].success && (*upserted)[1].created);
        QVERIFY(!(*upserted)[2].success);
        QCOMPARE((*upserted)[2].errors.constFirst().code, u"REQUIRED_FIELD_MISSING"_s);
        QCOMPARE((*upserted)[2].errors.constFirst().fields, QStringList {u"Company"_s});
        QVERIFY((*upserted)[3].success);

        // allOrNone: one bad record rolls the good ones back.
        QList<QJsonObject> batch = leads(3, 100);
        batch[1].insert(u"Lead_Score__c"_s, 500);
        const auto rolledBack = call<QList<RecordResult>>(
            [&](auto cb) { client().createCollection(u"Lead"_s, batch, true, this, cb); });
        QVERIFY(rolledBack.ok());
        QCOMPARE((*rolledBack)[0].errors.constFirst().code, u"ALL_OR_NONE_OPERATION_ROLLED_BACK"_s);
        QCOMPARE((*rolledBack)[1].errors.constFirst().code, u"FIELD_CUSTOM_VALIDATION_EXCEPTION"_s);
        QVERIFY(!org().recordByExternalId(u"Lead"_s, kKey, u"P-100"_s).has_value());

        const auto created = call<QList<RecordResult>>(
            [&](auto cb) { client().createCollection(u"Lead"_s, leads(2, 200), false, this, cb); });
        QVERIFY(created.ok() && (*created)[0].success && (*created)[1].success);
        const QString a = (*created)[0].id;
        const QString b = (*created)[1].id;
        const auto updated = call<QList<RecordResult>>([&](auto cb) {
            client().updateCollection(
                u"Lead"_s,
                {{{u"Id"_s, a}, {u"LastName"_s, u"A"_s}}, {{u"id"_s, b}, {u"LastName"_s, u"B"_s}}},
                false, this, cb);
        });
        QVERIFY(updated.ok() && (*updated)[0].success && (*updated)[1].success);
        QCOMPARE(org().record(u"Lead"_s, b)->value(u"LastName"_s).toString(), u"B"_s);

        const QString unknown = SalesforceId::normalize(u"00Q5g00000ZzZzZ"_s);
        const auto deleted = call<QList<RecordResult>>([&](auto cb) {
            client().deleteCollection({a, b, unknown}, false, this, cb);
        });
        QVERIFY(deleted.ok());
        QVERIFY((*deleted)[0].success && (*deleted)[1].success);
        QVERIFY(!(*deleted)[2].success);
        QVERIFY(!org().record(u"Lead"_s, a).has_value()
                || org().record(u"Lead"_s, a)->value(u"IsDeleted"_s).toBool());
    }

    void compositeUpsertIsOneApiCall()
    {
        QList<QList<QJsonObject>> batches;
        for (int b = 0; b < 5; ++b)
            batches.append(leads(200, b * 200));
        batches[4][10].insert(u"LeadSource"_s, u"Carrier Pigeon"_s);
        AsyncResult<void> auth;
        m_h.session().authenticate(this, auth.callback());
        QVERIFY(auth.wait());
        const qint64 before = org().apiUsed();
        const qint64 callsBefore = m_h.restCalls();
        QSignalSpy limits(&client(), &SalesforceClient::limitsObserved);
        const auto r = call<QList<QList<RecordResult>>>(
            [&](auto cb) { client().compositeUpsert(u"Lead"_s, kKey, batches, this, cb); });
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
        QCOMPARE(org().apiUsed() - before, qint64(1)); // 1,000 records, one API call
        QCOMPARE(m_h.restCalls() - callsBefore, qint64(1));
        QCOMPARE(r->size(), 5);
        int ok = 0;
        for (const QList<RecordResult> &batch : *r) {
            QCOMPARE(batch.size(), 200);
            for (const RecordResult &rec : batch)
                ok += rec.success ? 1 : 0;
        }
        QCOMPARE(ok, 999);
        QCOMPARE((*r)[4][10].errors.constFirst().code,
                 u"INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"_s);
        QCOMPARE(org().recordCount(u"Lead"_s), 999);
        QVERIFY(!limits.isEmpty());
        QCOMPARE(limits.constLast().constFirst().value<ApiLimits>().used, org().apiUsed());
    }

    void limitsResourceAndHeaderAgree()
    {
        org().setApiUsage(1234, 15'000);
        QSignalSpy observed(&client(), &SalesforceClient::limitsObserved);
        const auto r = call<ApiLimits>([&](auto cb) { client().limits(this, cb); });
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
        QCOMPARE(r->system, u"salesforce"_s);
        QCOMPARE(r->max, qint64(15'000));
        QCOMPARE(r->used, org().apiUsed());
        QVERIFY(r->counters.contains(u"DailyApiRequests"_s));
        QVERIFY(r->counters.contains(u"DailyBulkApiBatches"_s));
        QVERIFY(observed.size() >= 2); // the header, then the body
        QCOMPARE(observed.constLast().constFirst().value<ApiLimits>().used, org().apiUsed());
    }

    void concurrentCallsAfterExpiryShareOneRefresh()
    {
        AsyncResult<void> auth;
        m_h.session().authenticate(this, auth.callback());
        QVERIFY(auth.wait());
        org().expireAllSessions();
        const qint64 callsBefore = m_h.restCalls();
        std::vector<AsyncResult<QueryPage>> results(6);
        for (auto &r : results)
            client().query(u"SELECT Id FROM Lead"_s, this, r.callback());
        for (auto &r : results) {
            QVERIFY(r.wait());
            QVERIFY(r.get().ok());
        }
        QCOMPARE(m_h.session().grantsRequested(), 2);
        QCOMPARE(m_h.restCalls() - callsBefore, qint64(12)); // each: 401, then the replay
    }
};

QTEST_GUILESS_MAIN(TestSandboxClient)
#include "TestSandboxClient.moc"
