#include "salesforce/ResponseParser.h"
#include "salesforce/SalesforceTime.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace lb;
using namespace lb::salesforce;

// Reading Salesforce's deleted-records answer (GET /sobjects/{sobject}/deleted/) and the
// datetimes it carries; anything malformed is an unexpected_response, never a date of 1970.
class TestDeletedRecords : public QObject
{
    Q_OBJECT

private slots:
    void parseDateTime_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("expected"); // -1 = refused
        QTest::newRow("answer form")
            << u"2026-01-01T00:10:00.000+0000"_s << Q_INT64_C(1767226200000);
        QTest::newRow("Z") << u"2026-01-01T00:10:00Z"_s << Q_INT64_C(1767226200000);
        QTest::newRow("colon offset")
            << u"2026-01-01T01:10:00.5+01:00"_s << Q_INT64_C(1767226200500);
        QTest::newRow("negative offset")
            << u"2025-12-31T19:10:00.000-0500"_s << Q_INT64_C(1767226200000);
        QTest::newRow("no zone") << u"2026-01-01T00:10:00.000"_s << Q_INT64_C(-1);
        QTest::newRow("date only") << u"2026-01-01"_s << Q_INT64_C(-1);
        QTest::newRow("month 13") << u"2026-13-01T00:00:00Z"_s << Q_INT64_C(-1);
        QTest::newRow("trailing text") << u"2026-01-01T00:10:00Zjunk"_s << Q_INT64_C(-1);
        QTest::newRow("empty") << QString() << Q_INT64_C(-1);
    }

    void parseDateTime()
    {
        QFETCH(QString, text);
        QFETCH(qint64, expected);
        const auto parsed = parseSalesforceDateTime(text);
        if (expected < 0)
            QVERIFY(!parsed);
        else
            QCOMPARE(parsed, std::optional<qint64>(expected));
    }

    void formatDateTime()
    {
        QCOMPARE(formatSalesforceDateTime(Q_INT64_C(1767226200999)), u"2026-01-01T00:10:00Z"_s);
        QCOMPARE(formatSalesforceDateTime(0), u"1970-01-01T00:00:00Z"_s);
        QCOMPARE(parseSalesforceDateTime(formatSalesforceDateTime(Q_INT64_C(1767226200000))),
                 std::optional<qint64>(Q_INT64_C(1767226200000)));
    }

    void deletedRecords()
    {
        const auto r = ResponseParser::deletedRecords(
            R"({"deletedRecords":[{"id":"00Q5g00000AbCdEEAV","deletedDate":"2026-01-01T00:05:00.000+0000"},
                {"id":"00Q5g00000AbCdFEAV","deletedDate":"2026-01-01T00:06:00.000+0000"}],
                "earliestDateAvailable":"2026-01-01T00:05:00.000+0000",
                "latestDateCovered":"2026-01-01T00:10:00.000+0000"})");
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QCOMPARE(r->records.size(), 2);
        QCOMPARE(r->records.at(1),
                 (DeletedRecord {u"00Q5g00000AbCdFEAV"_s, Q_INT64_C(1767225960000)}));
        QCOMPARE(r->earliestDateAvailableMs, Q_INT64_C(1767225900000));
        QCOMPARE(r->latestDateCoveredMs, Q_INT64_C(1767226200000));

        const auto empty = ResponseParser::deletedRecords(
            R"({"deletedRecords":[],"latestDateCovered":"2026-01-01T00:10:00.000+0000"})");
        QVERIFY(empty.ok());
        QVERIFY(empty->records.isEmpty());
        QCOMPARE(empty->earliestDateAvailableMs, 0);
    }

    void deletedRecordsRefused_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("not JSON") << QByteArray("<html/>");
        QTest::newRow("array") << QByteArray("[]");
        QTest::newRow("no list") << QByteArray(R"({"latestDateCovered":"2026-01-01T00:10:00Z"})");
        QTest::newRow("no coverage") << QByteArray(R"({"deletedRecords":[]})");
        QTest::newRow("coverage not a date")
            << QByteArray(R"({"deletedRecords":[],"latestDateCovered":"yesterday"})");
        QTest::newRow("item without id")
            << QByteArray(R"({"deletedRecords":[{"deletedDate":"2026-01-01T00:05:00Z"}],)"
                          R"("latestDateCovered":"2026-01-01T00:10:00Z"})");
        QTest::newRow("item with a bad date")
            << QByteArray(R"({"deletedRecords":[{"id":"00Q5g00000AbCdEEAV","deletedDate":5}],)"
                          R"("latestDateCovered":"2026-01-01T00:10:00Z"})");
    }

    void deletedRecordsRefused()
    {
        QFETCH(QByteArray, body);
        const auto r = ResponseParser::deletedRecords(body);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, u"unexpected_response"_s);
        QVERIFY(!r.error().retryable);
    }
};

QTEST_GUILESS_MAIN(TestDeletedRecords)
#include "TestDeletedRecords.moc"
