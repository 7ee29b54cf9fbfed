#include "salesforce/IdGenerator.h"
#include "salesforce/SalesforceId.h"
#include "salesforce/SfDateTime.h"

#include <QTest>

using namespace lb::sandbox;
using namespace Qt::Literals::StringLiterals;

// Ids (SALESFORCE_API.md section 11) and the date/time text of section 4.5.
class TestSfIds : public QObject
{
    Q_OBJECT

private slots:
    void knownSuffixes_data()
    {
        QTest::addColumn<QString>("id15");
        QTest::addColumn<QString>("id18");
        // Real ids from the reference.
        QTest::newRow("account") << u"001R0000005hDFY"_s << u"001R0000005hDFYIA2"_s;
        QTest::newRow("account2") << u"0013h00000Ffg19"_s << u"0013h00000Ffg19AAB"_s;
        QTest::newRow("bulk job") << u"7503h00000CV7Gp"_s << u"7503h00000CV7GpAAL"_s;
        QTest::newRow("org") << u"00Di0000000icUB"_s << u"00Di0000000icUBEAY"_s;
        QTest::newRow("all lower") << u"000000000000000"_s << u"000000000000000AAA"_s;
        QTest::newRow("all upper") << u"AAAAAAAAAAAAAAA"_s << u"AAAAAAAAAAAAAAA555"_s;
    }
    void knownSuffixes()
    {
        QFETCH(QString, id15);
        QFETCH(QString, id18);
        QCOMPARE(lb::salesforce::SalesforceId::to18(id15), id18);
        QCOMPARE(lb::salesforce::SalesforceId::normalize(id15), id18);
        QCOMPARE(lb::salesforce::SalesforceId::normalize(id18), id18);
    }

    void canonical_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected"); // empty = malformed
        QTest::newRow("lower-case suffix") << u"001R0000005hDFYia2"_s << u"001R0000005hDFYIA2"_s;
        QTest::newRow("case lost, lower") << u"001r0000005hdfyia2"_s << u"001R0000005hDFYIA2"_s;
        QTest::newRow("case lost, upper") << u"001R0000005HDFYIA2"_s << u"001R0000005hDFYIA2"_s;
        QTest::newRow("recorded MALFORMED_ID") << u"a00B000000FSjVUIB1"_s << QString();
        QTest::newRow("wrong suffix, mixed case") << u"001R0000005hDFYIA3"_s << QString();
        QTest::newRow("suffix flags a digit") << u"000000000000000BAA"_s << QString();
        QTest::newRow("16 chars") << u"001R0000005hDFYI"_s << QString();
        QTest::newRow("punctuation") << u"001R0000005hD-Y"_s << QString();
        QTest::newRow("empty") << QString() << QString();
        QTest::newRow("field name") << u"Platform_Lead_Id__c"_s << QString();
    }
    void canonical()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        QCOMPARE(lb::salesforce::SalesforceId::normalize(input), expected);
    }

    void generatedIdsAreValidAndOrdered_data()
    {
        QTest::addColumn<QString>("prefix");
        QTest::newRow("Lead") << u"00Q"_s;
        QTest::newRow("People__c") << u"a01"_s;
        QTest::newRow("event") << u"e00"_s;
        QTest::newRow("locator") << u"01g"_s;
    }
    void generatedIdsAreValidAndOrdered()
    {
        QFETCH(QString, prefix);
        IdGenerator ids(prefix);
        QString previous;
        bool sawUpper = false;
        bool sawLower = false;
        for (int i = 0; i < 5000; ++i) {
            const QString id = ids.next();
            QCOMPARE(id.size(), 18);
            QVERIFY(id.startsWith(prefix));
            QCOMPARE(lb::salesforce::SalesforceId::normalize(id), id);
            QVERIFY2(id > previous, qPrintable(id));
            for (QChar c : QStringView(id).mid(3, 12)) {
                sawUpper = sawUpper || c.isUpper();
                sawLower = sawLower || c.isLower();
            }
            previous = id;
        }
        QVERIFY(sawUpper && sawLower); // real-looking ids exercise the checksum
    }

    void formatsDatetimes_data()
    {
        QTest::addColumn<qint64>("ms");
        QTest::addColumn<QString>("text");
        QTest::newRow("epoch") << qint64(0) << u"1970-01-01T00:00:00.000+0000"_s;
        QTest::newRow("reference") << qint64(1705314030000) << u"2024-01-15T10:20:30.000+0000"_s;
        QTest::newRow("millis") << qint64(1705314030123) << u"2024-01-15T10:20:30.123+0000"_s;
        QTest::newRow("leap day") << qint64(1709164800000) << u"2024-02-29T00:00:00.000+0000"_s;
        QTest::newRow("before epoch") << qint64(-1000) << u"1969-12-31T23:59:59.000+0000"_s;
    }
    void formatsDatetimes()
    {
        QFETCH(qint64, ms);
        QFETCH(QString, text);
        QCOMPARE(SfDateTime::format(ms), text);
        QCOMPARE(SfDateTime::parse(text), std::optional<qint64>(ms));
    }

    void parsesDatetimes_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("ms"); // -1 = invalid
        const qint64 base = 1705314030000;
        QTest::newRow("Z") << u"2024-01-15T10:20:30Z"_s << base;
        QTest::newRow("+00:00") << u"2024-01-15T10:20:30+00:00"_s << base;
        QTest::newRow("+0000") << u"2024-01-15T10:20:30+0000"_s << base;
        QTest::newRow("millis Z") << u"2024-01-15T10:20:30.000Z"_s << base;
        QTest::newRow("+01:00") << u"2024-01-15T11:20:30+01:00"_s << base;
        QTest::newRow("-08:00") << u"2024-01-15T02:20:30-08:00"_s << base;
        QTest::newRow("no zone") << u"2024-01-15T10:20:30"_s << base;
        QTest::newRow("date only") << u"2024-01-15"_s << qint64(-1);
        QTest::newRow("bad month") << u"2024-13-15T10:20:30Z"_s << qint64(-1);
        QTest::newRow("bad day") << u"2023-02-29T10:20:30Z"_s << qint64(-1);
        QTest::newRow("junk after") << u"2024-01-15T10:20:30Zx"_s << qint64(-1);
        QTest::newRow("bad hour") << u"2024-01-15T24:20:30Z"_s << qint64(-1);
    }
    void parsesDatetimes()
    {
        QFETCH(QString, text);
        QFETCH(qint64, ms);
        const auto parsed = SfDateTime::parse(text);
        if (ms < 0)
            QVERIFY(!parsed);
        else
            QCOMPARE(parsed, std::optional<qint64>(ms));
    }

    void httpDate()
    {
        QCOMPARE(SfDateTime::httpDate(784111777000), QByteArray("Sun, 06 Nov 1994 08:49:37 GMT"));
        QCOMPARE(SfDateTime::parseHttpDate(u"Sun, 06 Nov 1994 08:49:37 GMT"),
                 std::optional<qint64>(784111777000));
        QCOMPARE(SfDateTime::parseHttpDate(u"Tue, 23 Mar 2015 00:00:00 GMT"),
                 std::optional<qint64>(1427068800000));
        QVERIFY(!SfDateTime::parseHttpDate(u"Tue, 23 Mar 2015 00:00:00 PST"));
        QVERIFY(!SfDateTime::parseHttpDate(u"2015-03-23"));
        QVERIFY(!SfDateTime::parseHttpDate(u"Tue, 31 Feb 2015 00:00:00 GMT"));
    }
};

QTEST_GUILESS_MAIN(TestSfIds)
#include "TestSfIds.moc"
