#include "salesforce/OrgData.h"
#include "salesforce/SalesforceSandbox.h"
#include "salesforce/SandboxOrg.h"
#include "salesforce/SoqlBinder.h"
#include "salesforce/SoqlEvaluator.h"
#include "salesforce/SoqlParser.h"
#include "util/Clock.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QTest>

using namespace lb;
using namespace lb::sandbox;
using namespace Qt::Literals::StringLiterals;

// Binding (field and type checks) and evaluation (filters, ordering, paging inputs) of SOQL
// against a small org built in process.
namespace {

// Runs SOQL in process and answers the matching records' external ids, in result order.
Result<QStringList> runQuery(SalesforceSandbox &sandbox, qint64 nowMs, const QString &soql,
                             bool all = false)
{
    const auto parsed = SoqlParser::parse(soql);
    if (!parsed)
        return parsed.error();
    const auto bound = SoqlBinder::bind(*parsed, sandbox.org().schema(), nowMs);
    if (!bound)
        return bound.error();
    const QStringList ids = SoqlEvaluator(sandbox.org().data()).run(**bound, all);
    QStringList keys;
    const RecordTable *table = sandbox.org().data().table((*bound)->object->name());
    const int key = (*bound)->object->primaryExternalIdIndex();
    for (const QString &id : ids)
        keys.append(table->at(table->rowOf(id)).values[key].toString());
    return keys;
}

} // namespace

class TestSoqlEvaluator : public QObject
{
    Q_OBJECT

    ManualClock m_clock {1705314030000LL}; // 2024-01-15T10:20:30Z, a Monday
    std::unique_ptr<SalesforceSandbox> m_sandbox;

    Result<QStringList> run(const QString &soql, bool all = false)
    {
        return runQuery(*m_sandbox, m_clock.nowMs(), soql, all);
    }

    void create(const QString &object, const QJsonObject &fields)
    {
        m_clock.advanceMs(1000);
        const auto id = m_sandbox->createRecord(object, fields);
        QVERIFY2(id.ok(), id.ok() ? "" : qPrintable(id.error().message));
    }

private slots:
    void initTestCase()
    {
        m_sandbox = std::make_unique<SalesforceSandbox>(SandboxConfig(), m_clock);
        create(u"People__c"_s,
               {{u"Name"_s, u"Agent One"_s},
                {u"Platform_Agent_Id__c"_s, u"A-1"_s},
                {u"States__c"_s, u"CA;NY"_s},
                {u"Active__c"_s, true}});
        create(u"People__c"_s,
               {{u"Name"_s, u"Agent Two"_s},
                {u"Platform_Agent_Id__c"_s, u"A-2"_s},
                {u"States__c"_s, u"TX"_s}});
        auto lead = [](const char *key, const char *last, const QJsonValue &email, double score,
                       const char *agent) {
            QJsonObject o {{u"Platform_Lead_Id__c"_s, QLatin1StringView(key)},
                           {u"LastName"_s, QLatin1StringView(last)},
                           {u"Company"_s, u"Acme"_s},
                           {u"Email"_s, email},
                           {u"Lead_Score__c"_s, score}};
            if (agent)
                o.insert(u"Assigned_Agent__r"_s,
                         QJsonObject {{u"Platform_Agent_Id__c"_s, QLatin1StringView(agent)}});
            return o;
        };
        create(u"Lead"_s, lead("L-1", "Adams", u"adams@example.com"_s, 10, "A-1"));
        create(u"Lead"_s, lead("L-2", "baker", u"baker@example.org"_s, 50, "A-2"));
        create(u"Lead"_s, lead("L-3", "Clark", QJsonValue(), 90, nullptr));
        create(u"Lead"_s, lead("L-4", "O'Brien", u"obrien@example.com"_s, 50, "A-1"));
        create(u"Lead"_s, lead("L-5", "100% Sure", u"x_y@example.com"_s, 0, nullptr));
        create(u"Lead"_s, lead("L-6", "Deleted", u"gone@example.com"_s, 70, nullptr));
        const auto deleted
            = m_sandbox->recordByExternalId(u"Lead"_s, u"Platform_Lead_Id__c"_s, u"L-6"_s);
        QVERIFY(deleted);
        QVERIFY(m_sandbox->deleteRecord(u"Lead"_s, deleted->value(u"Id").toString()).ok());
        // L-2 changes last: its SystemModstamp is the newest.
        m_clock.advanceMs(1000);
        const auto l2
            = m_sandbox->recordByExternalId(u"Lead"_s, u"Platform_Lead_Id__c"_s, u"L-2"_s);
        QVERIFY(m_sandbox
                    ->updateRecord(u"Lead"_s, l2->value(u"Id").toString(),
                                   {{u"Status"_s, u"Working - Contacted"_s}})
                    .ok());
    }

    void filtersAndOrders_data()
    {
        QTest::addColumn<QString>("soql");
        QTest::addColumn<QStringList>("expected");
        const QString base = u"SELECT Id FROM Lead "_s;
        QTest::newRow("all live, insertion order")
            << base << QStringList {u"L-1"_s, u"L-2"_s, u"L-3"_s, u"L-4"_s, u"L-5"_s};
        QTest::newRow("equality is case-insensitive")
            << base + u"WHERE LastName = 'BAKER'"_s << QStringList {u"L-2"_s};
        QTest::newRow("escaped quote")
            << base + u"WHERE LastName = 'O\\'Brien'"_s << QStringList {u"L-4"_s};
        QTest::newRow("!= includes nulls") << base + u"WHERE Email != 'adams@example.com'"_s
                                           << QStringList {u"L-2"_s, u"L-3"_s, u"L-4"_s, u"L-5"_s};
        QTest::newRow("= null") << base + u"WHERE Email = null"_s << QStringList {u"L-3"_s};
        QTest::newRow("!= null") << base + u"WHERE Email != null ORDER BY LastName"_s
                                 << QStringList {u"L-5"_s, u"L-1"_s, u"L-2"_s, u"L-4"_s};
        QTest::newRow("numbers") << base + u"WHERE Lead_Score__c >= 50 AND Lead_Score__c < 90"_s
                                 << QStringList {u"L-2"_s, u"L-4"_s};
        QTest::newRow("or with parentheses")
            << base + u"WHERE (Lead_Score__c = 0 OR Lead_Score__c = 90) AND Company = 'acme'"_s
            << QStringList {u"L-3"_s, u"L-5"_s};
        QTest::newRow("not") << base + u"WHERE NOT Lead_Score__c = 50"_s
                             << QStringList {u"L-1"_s, u"L-3"_s, u"L-5"_s};
        QTest::newRow("in") << base + u"WHERE Platform_Lead_Id__c IN ('L-5', 'l-1', 'L-9')"_s
                            << QStringList {u"L-1"_s, u"L-5"_s};
        QTest::newRow("not in") << base + u"WHERE Platform_Lead_Id__c NOT IN ('L-1','L-2')"_s
                                << QStringList {u"L-3"_s, u"L-4"_s, u"L-5"_s};
        QTest::newRow("like suffix") << base + u"WHERE Email LIKE '%@EXAMPLE.com'"_s
                                     << QStringList {u"L-1"_s, u"L-4"_s, u"L-5"_s};
        QTest::newRow("like underscore")
            << base + u"WHERE LastName LIKE '_lark'"_s << QStringList {u"L-3"_s};
        QTest::newRow("like escaped percent")
            << base + u"WHERE LastName LIKE '100\\% %'"_s << QStringList {u"L-5"_s};
        QTest::newRow("like escaped underscore")
            << base + u"WHERE Email LIKE 'x\\_y%'"_s << QStringList {u"L-5"_s};
        QTest::newRow("relationship filter")
            << base + u"WHERE Assigned_Agent__r.Platform_Agent_Id__c = 'A-1'"_s
            << QStringList {u"L-1"_s, u"L-4"_s};
        QTest::newRow("relationship includes")
            << base + u"WHERE Assigned_Agent__r.States__c INCLUDES ('TX', 'CA;NY')"_s
            << QStringList {u"L-1"_s, u"L-2"_s, u"L-4"_s};
        QTest::newRow("relationship null")
            << base + u"WHERE Assigned_Agent__c = null"_s << QStringList {u"L-3"_s, u"L-5"_s};
        QTest::newRow("order desc, then key")
            << base + u"ORDER BY Lead_Score__c DESC, Platform_Lead_Id__c DESC"_s
            << QStringList {u"L-3"_s, u"L-4"_s, u"L-2"_s, u"L-1"_s, u"L-5"_s};
        QTest::newRow("nulls first by default")
            << base + u"ORDER BY Email"_s
            << QStringList {u"L-3"_s, u"L-1"_s, u"L-2"_s, u"L-4"_s, u"L-5"_s};
        QTest::newRow("nulls last")
            << base + u"ORDER BY Email NULLS LAST"_s
            << QStringList {u"L-1"_s, u"L-2"_s, u"L-4"_s, u"L-5"_s, u"L-3"_s};
        QTest::newRow("order by relationship")
            << base + u"ORDER BY Assigned_Agent__r.Name DESC NULLS LAST, Platform_Lead_Id__c"_s
            << QStringList {u"L-2"_s, u"L-1"_s, u"L-4"_s, u"L-3"_s, u"L-5"_s};
        QTest::newRow("limit and offset")
            << base + u"ORDER BY Platform_Lead_Id__c LIMIT 2 OFFSET 1"_s
            << QStringList {u"L-2"_s, u"L-3"_s};
        QTest::newRow("incremental: modstamp index")
            << base + u"WHERE SystemModstamp > 2024-01-15T10:20:34Z ORDER BY SystemModstamp, Id"_s
            << QStringList {u"L-3"_s, u"L-4"_s, u"L-5"_s, u"L-2"_s};
        QTest::newRow("incremental with limit") << base
                + u"WHERE SystemModstamp >= 2024-01-15T10:20:34Z ORDER BY SystemModstamp "
                  u"LIMIT 2"_s << QStringList {u"L-3"_s, u"L-4"_s};
        QTest::newRow("delta without ORDER BY walks the index")
            << base + u"WHERE SystemModstamp > 2024-01-15T10:20:34Z"_s
            << QStringList {u"L-3"_s, u"L-4"_s, u"L-5"_s, u"L-2"_s};
        QTest::newRow("modstamp window") << base
                + u"WHERE SystemModstamp >= 2024-01-15T10:20:33Z AND SystemModstamp < "
                  u"2024-01-15T10:20:36Z ORDER BY SystemModstamp"_s
                                         << QStringList {u"L-1"_s, u"L-3"_s};
        QTest::newRow("modstamp window, descending")
            << base + u"WHERE SystemModstamp <= 2024-01-15T10:20:36Z ORDER BY SystemModstamp DESC"_s
            << QStringList {u"L-4"_s, u"L-3"_s, u"L-1"_s};
        QTest::newRow("modstamp desc")
            << base + u"ORDER BY SystemModstamp DESC LIMIT 2"_s << QStringList {u"L-2"_s, u"L-5"_s};
        QTest::newRow("datetime with offset")
            << base + u"WHERE CreatedDate = 2024-01-15T11:20:34+01:00"_s << QStringList {u"L-2"_s};
        QTest::newRow("date literal TODAY") << base
                + u"WHERE CreatedDate = TODAY AND "
                  u"Lead_Score__c = 0"_s << QStringList {u"L-5"_s};
        QTest::newRow("date literal YESTERDAY")
            << base + u"WHERE CreatedDate = YESTERDAY"_s << QStringList {};
        QTest::newRow("date literal LAST_N_DAYS")
            << base + u"WHERE CreatedDate = LAST_N_DAYS:3 AND Lead_Score__c = 90"_s
            << QStringList {u"L-3"_s};
        QTest::newRow("date literal range compare") << base
                + u"WHERE CreatedDate < TOMORROW AND CreatedDate >= THIS_WEEK AND "
                  u"Lead_Score__c = 10"_s << QStringList {u"L-1"_s};
        QTest::newRow("id equality uses 15 chars too") << QString() << QStringList {u"L-1"_s};
        QTest::newRow("checkbox") << base + u"WHERE IsConverted = false AND Lead_Score__c = 90"_s
                                  << QStringList {u"L-3"_s};
        QTest::newRow("picklist") << base + u"WHERE Status = 'Working - Contacted'"_s
                                  << QStringList {u"L-2"_s};
        QTest::newRow("object-qualified field")
            << base + u"WHERE Lead.Lead_Score__c = 90"_s << QStringList {u"L-3"_s};
    }
    void filtersAndOrders()
    {
        QFETCH(QString, soql);
        QFETCH(QStringList, expected);
        if (soql.isEmpty()) {
            const auto l1
                = m_sandbox->recordByExternalId(u"Lead"_s, u"Platform_Lead_Id__c"_s, u"L-1"_s);
            soql = u"SELECT Id FROM Lead WHERE Id = '%1'"_s.arg(
                l1->value(u"Id").toString().left(15));
        }
        const auto keys = run(soql);
        QVERIFY2(keys.ok(), keys.ok() ? "" : qPrintable(keys.error().message));
        QCOMPARE(*keys, expected);
    }

    void queryAllSeesDeleted()
    {
        const auto live = run(u"SELECT Id FROM Lead WHERE IsDeleted = true"_s);
        QCOMPARE(*live, QStringList());
        const auto all = run(u"SELECT Id FROM Lead WHERE IsDeleted = true"_s, true);
        QCOMPARE(*all, QStringList {u"L-6"_s});
    }

    void bindErrors_data()
    {
        QTest::addColumn<QString>("soql");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown column")
            << u"SELECT Bacon__c FROM Lead LIMIT 2"_s << u"INVALID_FIELD"_s
            << u"\nSELECT Bacon__c FROM Lead LIMIT 2\n       ^\nERROR at Row:1:Column:8\nNo such "
               u"column 'Bacon__c' on entity 'Lead'. If you are attempting to use a custom field, "
               u"be sure to append the '__c' after the custom field name. Please reference your "
               u"WSDL or the describe call for the appropriate names."_s;
        QTest::newRow("unknown relationship")
            << u"SELECT Foo__r.Name FROM Lead"_s << u"INVALID_FIELD"_s
            << u"\nSELECT Foo__r.Name FROM Lead\n       ^\nERROR at Row:1:Column:8\nDidn't "
               u"understand relationship 'Foo__r' in field path. If you are attempting to use a "
               u"custom relationship, be sure to append the '__r' after the custom relationship "
               u"name. Please reference your WSDL or the describe call for the appropriate "
               u"names."_s;
        QTest::newRow("unknown column behind relationship")
            << u"SELECT Assigned_Agent__r.Nope__c FROM Lead"_s << u"INVALID_FIELD"_s
            << u"\nSELECT Assigned_Agent__r.Nope__c FROM Lead\n       ^\nERROR at Row:1:Column:8\n"
               u"No such column 'Nope__c' on entity 'People__c'. If you are attempting to use a "
               u"custom field, be sure to append the '__c' after the custom field name. Please "
               u"reference your WSDL or the describe call for the appropriate names."_s;
        QTest::newRow("unknown object")
            << u"SELECT Id FROM Leed"_s << u"INVALID_TYPE"_s
            << u"\nSELECT Id FROM Leed\n               ^\nERROR at Row:1:Column:16\nsObject type "
               u"'Leed' is not supported. If you are attempting to use a custom object, be sure to "
               u"append the '__c' after the entity name. Please reference your WSDL or the "
               u"describe call for the appropriate names."_s;
        QTest::newRow("string for number")
            << u"SELECT Id FROM Lead WHERE Lead_Score__c = '5'"_s
            << u"INVALID_QUERY_FILTER_OPERATOR"_s
            << u"\nSELECT Id FROM Lead WHERE Lead_Score__c = '5'\n"
               u"                                          ^\nERROR at Row:1:Column:43\nvalue "
               u"of filter criterion for field 'Lead_Score__c' must be of type double and should "
               u"be enclosed in quotes"_s;
        QTest::newRow("number for string")
            << u"SELECT Id FROM Lead WHERE Email = 5"_s << u"INVALID_QUERY_FILTER_OPERATOR"_s
            << u"\nSELECT Id FROM Lead WHERE Email = 5\n                                  ^\n"
               u"ERROR at Row:1:Column:35\nvalue of filter criterion for field 'Email' must be of "
               u"type string and should be enclosed in quotes"_s;
        QTest::newRow("bad id literal")
            << u"SELECT Id FROM Lead WHERE Id = 'abc'"_s << u"INVALID_QUERY_FILTER_OPERATOR"_s
            << u"\nSELECT Id FROM Lead WHERE Id = 'abc'\n                               ^\n"
               u"ERROR at Row:1:Column:32\ninvalid ID field: abc"_s;
        QTest::newRow("like on number")
            << u"SELECT Id FROM Lead WHERE Lead_Score__c LIKE '5%'"_s
            << u"INVALID_QUERY_FILTER_OPERATOR"_s
            << u"\nSELECT Id FROM Lead WHERE Lead_Score__c LIKE '5%'\n"
               u"                                        ^\nERROR at Row:1:Column:41\ninvalid "
               u"operator on double field"_s;
        QTest::newRow("includes on text")
            << u"SELECT Id FROM Lead WHERE Email INCLUDES ('a')"_s
            << u"INVALID_QUERY_FILTER_OPERATOR"_s
            << u"\nSELECT Id FROM Lead WHERE Email INCLUDES ('a')\n"
               u"                                ^\nERROR at Row:1:Column:33\nincludes or "
               u"excludes operator only valid on multipicklist field"_s;
        QTest::newRow("long text not filterable")
            << u"SELECT Id FROM Lead WHERE Description = 'x'"_s << u"INVALID_FIELD"_s
            << u"\nSELECT Id FROM Lead WHERE Description = 'x'\n                          ^\n"
               u"ERROR at Row:1:Column:27\nfield 'Description' can not be filtered in a query "
               u"call"_s;
        QTest::newRow("multipicklist not sortable")
            << u"SELECT Id FROM People__c ORDER BY States__c"_s << u"INVALID_FIELD"_s
            << u"\nSELECT Id FROM People__c ORDER BY States__c\n"
               u"                                  ^\nERROR at Row:1:Column:35\nfield "
               u"'States__c' can not be sorted in a query call"_s;
        QTest::newRow("offset too large")
            << u"SELECT Id FROM Lead OFFSET 2001"_s << u"NUMBER_OUTSIDE_VALID_RANGE"_s
            << u"Maximum SOQL offset allowed is 2000"_s;
        QTest::newRow("date literal on text")
            << u"SELECT Id FROM Lead WHERE Email = TODAY"_s << u"INVALID_QUERY_FILTER_OPERATOR"_s
            << u"\nSELECT Id FROM Lead WHERE Email = TODAY\n                                  ^\n"
               u"ERROR at Row:1:Column:35\nvalue of filter criterion for field 'Email' must be of "
               u"type string and should not be enclosed in quotes"_s;
        QTest::newRow("platform events are not queryable")
            << u"SELECT Id FROM Lead_Assigned__e"_s << u"INVALID_TYPE"_s
            << u"\nSELECT Id FROM Lead_Assigned__e\n               ^\nERROR at Row:1:Column:16\n"
               u"sObject type 'Lead_Assigned__e' is not supported. If you are attempting to use a "
               u"custom object, be sure to append the '__c' after the entity name. Please "
               u"reference your WSDL or the describe call for the appropriate names."_s;
    }
    void bindErrors()
    {
        QFETCH(QString, soql);
        QFETCH(QString, code);
        QFETCH(QString, message);
        const auto keys = run(soql);
        QVERIFY(!keys.ok());
        QCOMPARE(keys.error().code, code);
        QCOMPARE(keys.error().message, message);
    }

    void incrementalQueryThroughput()
    {
        // A printed figure, not an assertion: the ordered index keeps delta queries cheap.
        ManualClock clock;
        SalesforceSandbox big(SandboxConfig(), clock);
        QByteArray seed = "{\"Lead\":[";
        for (int i = 0; i < 20000; ++i) {
            seed += (i ? "," : "") + QByteArray("{\"LastName\":\"L\",\"Company\":\"C\",")
                + "\"Platform_Lead_Id__c\":\"B-" + QByteArray::number(i) + "\"}";
        }
        seed += "]}";
        QVERIFY(big.seedJson(seed).ok());
        const auto parsed = SoqlParser::parse(
            u"SELECT Id FROM Lead WHERE SystemModstamp > 2000-01-01T00:00:00Z ORDER BY "
            u"SystemModstamp, Id LIMIT 200"_s);
        const auto bound = SoqlBinder::bind(*parsed, big.org().schema(), clock.nowMs());
        QElapsedTimer timer;
        timer.start();
        int rows = 0;
        for (int i = 0; i < 200; ++i)
            rows += int(SoqlEvaluator(big.org().data()).run(**bound, false).size());
        QCOMPARE(rows, 200 * 200);
        qInfo("incremental page of 200 over 20,000 leads: %.3f ms per query",
              double(timer.nsecsElapsed()) / 1e6 / 200);
    }
};

QTEST_GUILESS_MAIN(TestSoqlEvaluator)
#include "TestSoqlEvaluator.moc"
