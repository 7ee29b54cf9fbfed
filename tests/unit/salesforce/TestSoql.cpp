#include "salesforce/Soql.h"

#include <QTest>

using lb::salesforce::soqlString;

class TestSoql : public QObject
{
    Q_OBJECT

private slots:
    void literals_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("literal");
        QTest::newRow("plain") << QStringLiteral("L-000001") << QStringLiteral("'L-000001'");
        QTest::newRow("quote") << QStringLiteral("O'Brien") << QStringLiteral("'O\\'Brien'");
        QTest::newRow("injection") << QStringLiteral("x' OR Id != null OR Name = '")
                                   << QStringLiteral("'x\\' OR Id != null OR Name = \\''");
        QTest::newRow("backslash") << QStringLiteral("a\\b") << QStringLiteral("'a\\\\b'");
        QTest::newRow("backslash quote") << QStringLiteral("\\'") << QStringLiteral("'\\\\\\''");
        QTest::newRow("newline") << QStringLiteral("a\nb\rc\td")
                                 << QStringLiteral("'a\\nb\\rc\\td'");
        QTest::newRow("unicode") << QStringLiteral("Zoë 😀") << QStringLiteral("'Zoë 😀'");
        QTest::newRow("empty") << QString() << QStringLiteral("''");
    }

    void literals()
    {
        QFETCH(QString, value);
        QFETCH(QString, literal);
        QCOMPARE(soqlString(value), literal);
    }
};

QTEST_GUILESS_MAIN(TestSoql)
#include "TestSoql.moc"
