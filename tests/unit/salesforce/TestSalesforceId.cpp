#include "salesforce/SalesforceId.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace lb::salesforce;

class TestSalesforceId : public QObject
{
    Q_OBJECT

private slots:
    // The ids SALESFORCE_API.md section 11 verified against real 18-character ids.
    void suffixOfKnownIds_data()
    {
        QTest::addColumn<QString>("id15");
        QTest::addColumn<QString>("id18");
        QTest::newRow("account") << u"001R0000005hDFY"_s << u"001R0000005hDFYIA2"_s;
        QTest::newRow("account 2") << u"0013h00000Ffg19"_s << u"0013h00000Ffg19AAB"_s;
        QTest::newRow("bulk job") << u"7503h00000CV7Gp"_s << u"7503h00000CV7GpAAL"_s;
        QTest::newRow("org") << u"00Di0000000icUB"_s << u"00Di0000000icUBEAY"_s;
        QTest::newRow("all lower") << u"00q000000000000"_s << u"00q000000000000AAA"_s;
    }

    void suffixOfKnownIds()
    {
        QFETCH(QString, id15);
        QFETCH(QString, id18);
        QCOMPARE(SalesforceId::normalize(id15), id18);
        QCOMPARE(SalesforceId::normalize(id18), id18);
        QCOMPARE(SalesforceId::to15(id18), id15);
        QVERIFY(SalesforceId::isValid(id15));
        QVERIFY(SalesforceId::isValid(id18));
        QVERIFY(SalesforceId::equals(id15, id18));
        // An 18-character id whose case was lost (a case-insensitive system upper-cased it)
        // is repaired from its suffix.
        QCOMPARE(SalesforceId::normalize(id18.toUpper()), id18);
        QCOMPARE(SalesforceId::normalize(id18.toLower()), id18);
    }

    void rejectsNonIds_data()
    {
        QTest::addColumn<QString>("id");
        QTest::newRow("empty") << u""_s;
        QTest::newRow("short") << u"001R0000005hDF"_s;
        QTest::newRow("16") << u"001R0000005hDFYI"_s;
        QTest::newRow("punctuation") << u"001R0000005h-FY"_s;
        QTest::newRow("path") << u"../../limits/xy"_s;
        QTest::newRow("non-ascii") << QStringLiteral("001R0000005hDF\u00e9");
    }

    void rejectsNonIds()
    {
        QFETCH(QString, id);
        QVERIFY(!SalesforceId::isValid(id));
        QVERIFY(SalesforceId::normalize(id).isEmpty());
        QVERIFY(!SalesforceId::equals(id, id));
    }

    void wrongSuffixIsInvalid()
    {
        QVERIFY(!SalesforceId::isValid(QStringLiteral("001R0000005hDFYIA3")));
        // The checksum letters are case-insensitive in the "case lost" repair only.
        QVERIFY(!SalesforceId::isValid(QStringLiteral("001R0000005hDFYia2")));
        QCOMPARE(SalesforceId::normalize(QStringLiteral("001R0000005hDFYia2")),
                 QStringLiteral("001R0000005hDFYIA2"));
    }

    void differentCaseIsADifferent15CharId()
    {
        QVERIFY(!SalesforceId::equals(QStringLiteral("001R0000005hDFY"),
                                      QStringLiteral("001R0000005HDFY")));
        QCOMPARE(SalesforceId::keyPrefix(QStringLiteral("00Q5g00000AbCdEEAV")),
                 QStringLiteral("00Q"));
    }
};

QTEST_GUILESS_MAIN(TestSalesforceId)
#include "TestSalesforceId.moc"
