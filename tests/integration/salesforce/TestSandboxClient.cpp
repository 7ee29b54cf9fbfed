#include "AsyncResult.h"
#include "SandboxHarness.h"
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
// error paths of SALESFORCE_API.md (envelopes, upsert outcomes, paging, limits, faults).
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

    Result<QString> create(const QString &sobject, const QJsonObject &fields)
    {
        return call<QString>([&](auto cb) { client().create(sobject, fields, this, cb); });
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
        const Result<QString> id = create(u"Lead"_s, lead(u"P-1"_s));
        QVERIFY2(id.ok(), qPrintable(id.ok() ? QString() : id.error().toString()));
        QVERIFY(SalesforceId::isValid(*id));
        QCOMPARE(id->size(), 18);
        QCOMPARE(SalesforceId::keyPrefix(*id), u"00Q"_s);

        const auto got = call<QJsonObject>([&](auto cb) {
            client().get(u"Lead"_s, *id, {u"LastName"_s, u"Status"_s}, this, cb);
        });
        QVERIFY(got.ok());
        QCOMPARE(got->value(u"LastName"_s).toString(), u"Nguyen"_s);
        QCOMPARE(got->value(u"Status"_s).toString(), u"Open - Not Contacted"_s); // org default
        QVERIFY(SalesforceId::equals(got->value(u"Id"_s).toString(), *id));

        // 15-character ids are accepted too.
        const auto updated = call<void>([&](auto cb) {
            client().update(u"Lead"_s, SalesforceId::to15(*id),
                            {{u"Status"_s, u"Working - Contacted"_s}}, this, cb);
        });
        QVERIFY2(updated.ok(), qPrintable(updated.ok() ? QString() : updated.error().toString()));
        QCOMPARE(org().record(u"Lead"_s, *id)->value(u"Status"_s).toString(),
                 u"Working - Contacted"_s);

        const auto removed
            = call<void>([&](auto cb) { client().remove(u"Lead"_s, *id, this, cb); });
        QVERIFY(removed.ok());
        const auto again = call<void>([&](auto cb) { client().remove(u"Lead"_s, *id, this, cb); });
        QCOMPARE(again.error().code, u"ENTITY_IS_DELETED"_s);
        QCOMPARE(again.error().httpStatus, 404);

        const QString soql = u"SELECT Id, IsDeleted FROM Lead WHERE Platform_Lead_Id__c = 'P-1'"_s;
        QCOMPARE(query(soql)->totalSize, 0);
        const Result<QueryPage> all = query(soql, true);
        QCOMPARE(all->totalSize, 1);
        QCOMPARE(all->records.constFirst().value(u"IsDeleted"_s).toBool(), true);

        // Every write carried Sforce-Call-Options: client=LeadBridge.
        QCOMPARE(org().writeLog().countByClient().value(u"LeadBridge"_s), 3);
        QCOMPARE(org().writeLog().size(), 3);
    }

    void upsertOutcomes_data()
    {
        QTest::addColumn<QString>("apiVersion");
        QTest::addColumn<QString>("sobject");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("code"); // empty = success
        QTest::addColumn<int>("status");
        QTest::addColumn<bool>("created");
        QTest::addColumn<bool>("hasId");

        QTest::newRow("201 created")
            << u"62.0"_s << u"Lead"_s << kKey << u"P-new"_s << QString() << 201 << true << true;
        QTest::newRow("200 updated (v46+)")
            << u"62.0"_s << u"Lead"_s << kKey << u"P-old"_s << QString() << 200 << false << true;
        QTest::newRow("204 updated (v45)")
            << u"45.0"_s << u"Lead"_s << kKey << u"P-old"_s << QString() << 204 << false << false;
        QTest::newRow("201 created (v45)")
            << u"45.0"_s << u"Lead"_s << kKey << u"P-new"_s << QString() << 201 << true << true;
        QTest::newRow("300 several records match")
            << u"62.0"_s << u"People__c"_s << u"Email__c"_s << u"twin@example.com"_s
            << u"MULTIPLE_CHOICES"_s << 300 << false << false;
        QTest::newRow("404 not an external id field")
            << u"62.0"_s << u"Lead"_s << u"LastName"_s << u"Nguyen"_s << u"NOT_FOUND"_s << 404
            << false << false;
        QTest::newRow("404 unknown field") << u"62.0"_s << u"Lead"_s << u"No_Such__c"_s << u"x"_s
                                           << u"NOT_FOUND"_s << 404 << false << false;
        QTest::newRow("key with reserved characters")
            << u"62.0"_s << u"Lead"_s << kKey << u"a/b c+d&e?f#g%h"_s << QString() << 201 << true
            << true;
    }

    void upsertOutcomes()
    {
        QFETCH(QString, apiVersion);
        QFETCH(QString, sobject);
        QFETCH(QString, field);
        QFETCH(QString, value);
        QFETCH(QString, code);
        QFETCH(int, status);
        QFETCH(bool, created);
        QFETCH(bool, hasId);
        QVERIFY(org().createRecord(u"Lead"_s, lead(u"P-old"_s)).ok());
        QVERIFY(org().markExternalId(u"People__c"_s, u"Email__c"_s, false).ok());
        for (int i = 0; i < 2; ++i)
            QVERIFY(org()
                        .createRecord(u"People__c"_s,
                                      {{u"Name"_s, u"Twin %1"_s.arg(i)},
                                       {u"Email__c"_s, u"twin@example.com"_s}})
                        .ok());
        SalesforceConfig config = m_h.config(AuthFlow::JwtBearer);
        config.apiVersion = apiVersion;
        m_h.connect(config, m_h.secrets());

        QJsonObject fields = sobject == "Lead"_L1 ? lead(value, u"Okafor"_s)
                                                  : QJsonObject {{u"Name"_s, u"Twin"_s}};
        const auto r = call<UpsertOutcome>(
            [&](auto cb) { client().upsert(sobject, field, value, fields, this, cb); });
        if (!code.isEmpty()) {
            QVERIFY(!r.ok());
            QCOMPARE(r.error().code, code);
            QCOMPARE(r.error().httpStatus, status);
            QVERIFY(!r.error().retryable);
            return;
        }
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
        QCOMPARE(r->created, created);
        QCOMPARE(!r->id.isEmpty(), hasId);
        const auto stored = org().recordByExternalId(u"Lead"_s, kKey, value);
        QVERIFY(stored.has_value());
        QCOMPARE(stored->value(u"LastName"_s).toString(), u"Okafor"_s);
        if (hasId)
            QVERIFY(SalesforceId::equals(stored->value(u"Id"_s).toString(), r->id));
        QCOMPARE(org().recordCount(u"Lead"_s), created ? 2 : 1);
    }

    void getByExternalId()
    {
        QVERIFY(org().createRecord(u"Lead"_s, lead(u"P 7/8"_s)).ok());
        const auto r = call<QJsonObject>(
            [&](auto cb) { client().getByExternalId(u"Lead"_s, kKey, u"P 7/8"_s, {}, this, cb); });
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
        QCOMPARE(r->value(kKey).toString(), u"P 7/8"_s);
        const auto missing = call<QJsonObject>(
            [&](auto cb) { client().getByExternalId(u"Lead"_s, kKey, u"P-none"_s, {}, this, cb); });
        QCOMPARE(missing.error().code, u"NOT_FOUND"_s);
    }

    void errorPaths_data()
    {
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<QString>("code");
        QTest::addColumn<int>("status");
        QTest::addColumn<bool>("retryable");
        QTest::newRow("required field missing")
            << u"missingCompany"_s << u"REQUIRED_FIELD_MISSING"_s << 400 << false;
        QTest::newRow("unknown field") << u"unknownField"_s << u"INVALID_FIELD"_s << 400 << false;
        QTest::newRow("unknown object") << u"unknownObject"_s << u"NOT_FOUND"_s << 404 << false;
        QTest::newRow("restricted picklist")
            << u"badPicklist"_s << u"INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"_s << 400 << false;
        QTest::newRow("validation rule")
            << u"validationRule"_s << u"FIELD_CUSTOM_VALIDATION_EXCEPTION"_s << 400 << false;
        QTest::newRow("malformed id") << u"malformedId"_s << u"MALFORMED_ID"_s << 400 << false;
        QTest::newRow("no such record") << u"unknownId"_s << u"NOT_FOUND"_s << 404 << false;
        QTest::newRow("malformed query") << u"badSoql"_s << u"MALFORMED_QUERY"_s << 400 << false;
        QTest::newRow("query unknown column")
            << u"badColumn"_s << u"INVALID_FIELD"_s << 400 << false;
        QTest::newRow("daily allocation spent")
            << u"allocation"_s << u"REQUEST_LIMIT_EXCEEDED"_s << 403 << true;
        QTest::newRow("503") << u"fail503"_s << u"SERVER_UNAVAILABLE"_s << 503 << true;
        QTest::newRow("row lock") << u"lock"_s << u"UNABLE_TO_LOCK_ROW"_s << 400 << true;
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

        Result<void> r = makeError(u"unset"_s, {});
        auto store = [&r](const auto &result) {
            r = result.ok() ? Result<void>() : Result<void>(result.error());
        };
        QJsonObject fields = lead(u"P-2"_s);
        if (scenario == "missingCompany"_L1) {
            fields.remove(u"Company"_s);
            store(create(u"Lead"_s, fields));
        } else if (scenario == "unknownField"_L1) {
            fields.insert(u"Bacon__c"_s, 1);
            store(create(u"Lead"_s, fields));
        } else if (scenario == "unknownObject"_L1) {
            store(create(u"Whizbang__c"_s, fields));
        } else if (scenario == "badPicklist"_L1) {
            fields.insert(u"LeadSource"_s, u"Carrier Pigeon"_s);
            store(create(u"Lead"_s, fields));
        } else if (scenario == "validationRule"_L1) {
            fields.insert(u"Lead_Score__c"_s, 150);
            store(create(u"Lead"_s, fields));
        } else if (scenario == "malformedId"_L1) {
            QString bad = *existing;
            bad[17] = bad[17] == u'A' ? u'B' : u'A';
            store(call<void>([&](auto cb) {
                client().update(u"Lead"_s, bad, {{u"LastName"_s, u"X"_s}}, this, cb);
            }));
        } else if (scenario == "unknownId"_L1) {
            store(call<QJsonObject>([&](auto cb) {
                client().get(u"Lead"_s, SalesforceId::normalize(u"00Q5g00000ZzZzZ"_s), {}, this,
                             cb);
            }));
        } else if (scenario == "badSoql"_L1) {
            store(query(u"SELEKT Id FROM Lead"_s));
        } else if (scenario == "badColumn"_L1) {
            store(query(u"SELECT Bacon__c FROM Lead"_s));
        } else if (scenario == "lock"_L1) {
            store(call<UpsertOutcome>([&](auto cb) {
                client().upsert(u"Lead"_s, kKey, u"P-1"_s, lead(u"P-1"_s), this, cb);
            }));
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
        if (status > 0 && status != 410 && status != 503)
            QVERIFY(client().lastLimits().isKnown()); // limits come with error answers too
    }

    void queryFollowsEveryPage()
    {
        QJsonArray seed;
        for (int i = 0; i < 4'500; ++i)
            seed.append(QJsonObject {{kKey, u"S-%1"_s.arg(i)},
                                     {u"LastName"_s, u"Seed"_s},
                                     {u"Company"_s, u"Seed Co"_s}});
        QVERIFY(org().seedJson(QJsonDocument(QJsonObject {{u"Lead"_s, seed}}).toJson()).ok());
        QList<int> pageSizes;
        QSet<QString> keys;
        QStringList locators;
        AsyncResult<qint64> r;
        client().queryEach(
            u"SELECT Id, Platform_Lead_Id__c FROM Lead ORDER BY Platform_Lead_Id__c"_s, false, this,
            [&](const QueryPage &page) {
                pageSizes.append(int(page.records.size()));
                locators.append(page.nextRecordsUrl);
                for (const QJsonObject &rec : page.records)
                    keys.insert(rec.value(kKey).toString());
                return page.totalSize == 4'500;
            },
            r.callback());
        QVERIFY(r.wait(60'000));
        QVERIFY2(r.get().ok(), qPrintable(r.get().ok() ? QString() : r.get().error().toString()));
        QCOMPARE(*r.get(), qint64(4'500));
        QCOMPARE(pageSizes, (QList<int> {2000, 2000, 500}));
        QCOMPARE(keys.size(), 4'500);
        QVERIFY(locators[0].startsWith(u"/services/data/v62.0/query/01g"_s));
        QVERIFY(locators[2].isEmpty()); // the last page has no nextRecordsUrl
        QCOMPARE(client().apiCalls(), quint64(3));

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
        const auto upserted = call<QList<RecordResult>>(
            [&](auto cb) { client().upsertCollection(u"Lead"_s, kKey, records, false, this, cb); });
        QVERIFY2(upserted.ok(),
                 qPrintable(upserted.ok() ? QString() : upserted.error().toString()));
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
        const auto got = call<QList<QJsonObject>>([&](auto cb) {
            client().getCollection(u"Lead"_s, {a, unknown}, {u"LastName"_s}, this, cb);
        });
        QVERIFY2(got.ok(), qPrintable(got.ok() ? QString() : got.error().toString()));
        QCOMPARE(got->size(), 2);
        QCOMPARE((*got)[0].value(u"LastName"_s).toString(), u"A"_s);
        QVERIFY((*got)[1].isEmpty()); // null for an unknown id

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
        const auto r = call<QList<QList<RecordResult>>>(
            [&](auto cb) { client().compositeUpsert(u"Lead"_s, kKey, batches, this, cb); });
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
        QCOMPARE(org().apiUsed() - before, qint64(1)); // 1,000 records, one API call
        QCOMPARE(client().apiCalls(), quint64(1));
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
        QCOMPARE(client().lastLimits().used, org().apiUsed());
    }

    void compositeWithReferences()
    {
        const QList<CompositeSubrequest> subs {
            {u"POST"_s,
             client().apiPath(u"/sobjects/People__c"_s),
             u"agent"_s,
             QJsonObject {{u"Name"_s, u"Ada Agent"_s}, {u"Platform_Agent_Id__c"_s, u"A-1"_s}},
             {}},
            {u"POST"_s,
             client().apiPath(u"/sobjects/Lead"_s),
             u"lead"_s,
             QJsonObject {{u"LastName"_s, u"Nguyen"_s},
                          {u"Company"_s, u"Acme"_s},
                          {u"Assigned_Agent__c"_s, u"@{agent.id}"_s}},
             {}},
            {u"GET"_s,
             client().apiPath(
                 u"/query/?q=SELECT+Id+FROM+Lead+WHERE+Assigned_Agent__c='@{agent.id}'"_s),
             u"check"_s,
             QJsonValue::Undefined,
             {}},
        };
        const auto r = call<QList<CompositeSubresponse>>(
            [&](auto cb) { client().composite(subs, true, this, cb); });
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
        QCOMPARE(r->size(), 3);
        QCOMPARE((*r)[0].httpStatusCode, 201);
        QCOMPARE((*r)[1].httpStatusCode, 201);
        QCOMPARE((*r)[2].httpStatusCode, 200);
        QCOMPARE((*r)[2].body.toObject().value(u"totalSize"_s).toInt(), 1);

        // allOrNone: a failing subrequest halts the rest and rolls everything back.
        QList<CompositeSubrequest> bad = subs;
        bad[1].body = QJsonObject {{u"LastName"_s, u"Nguyen"_s}}; // no Company
        bad[0].body
            = QJsonObject {{u"Name"_s, u"Bo Agent"_s}, {u"Platform_Agent_Id__c"_s, u"A-2"_s}};
        const auto halted = call<QList<CompositeSubresponse>>(
            [&](auto cb) { client().composite(bad, true, this, cb); });
        QVERIFY(halted.ok());
        QCOMPARE((*halted)[1].errors.constFirst().code, u"REQUIRED_FIELD_MISSING"_s);
        QCOMPARE((*halted)[0].errors.constFirst().code, u"PROCESSING_HALTED"_s);
        QVERIFY(!org().recordByExternalId(u"People__c"_s, u"Platform_Agent_Id__c"_s, u"A-2"_s));
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
        QCOMPARE(client().lastLimits().used, org().apiUsed());
    }

    void publishPlatformEvent()
    {
        const QJsonObject fields {{u"Lead_Id__c"_s, u"00Q5g00000AbCdEEAV"_s},
                                  {u"Platform_Lead_Id__c"_s, u"P-1"_s},
                                  {u"Agent_Id__c"_s, u"A-1"_s},
                                  {u"Estimated_Value__c"_s, 62000.5}};
        const auto r = call<QString>(
            [&](auto cb) { client().publishEvent(u"Lead_Assigned__e"_s, fields, this, cb); });
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
        QVERIFY(r->startsWith(u"e0"_s));
        const QList<sandbox::PublishedEvent> events = org().publishedEvents();
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.constFirst().client, u"LeadBridge"_s);
        QCOMPARE(events.constFirst().fields.value(u"Agent_Id__c"_s).toString(), u"A-1"_s);
        const auto bad = call<QString>([&](auto cb) {
            client().publishEvent(u"Lead_Assigned__e"_s, {{u"Nope__c"_s, 1}}, this, cb);
        });
        QCOMPARE(bad.error().code, u"INVALID_FIELD"_s);
    }

    void concurrentCallsAfterExpiryShareOneRefresh()
    {
        AsyncResult<void> auth;
        m_h.session().authenticate(this, auth.callback());
        QVERIFY(auth.wait());
        org().expireAllSessions();
        std::vector<AsyncResult<QueryPage>> results(6);
        for (auto &r : results)
            client().query(u"SELECT Id FROM Lead"_s, this, r.callback());
        for (auto &r : results) {
            QVERIFY(r.wait());
            QVERIFY(r.get().ok());
        }
        QCOMPARE(m_h.session().grantsRequested(), 2);
        QCOMPARE(client().apiCalls(), quint64(12)); // each: 401, then the replay
    }
};

QTEST_GUILESS_MAIN(TestSandboxClient)
#include "TestSandboxClient.moc"
