#include "salesforce/CsvReader.h"

#include <QTest>

using namespace lb::sandbox;
using namespace Qt::Literals::StringLiterals;

class TestCsvReader : public QObject
{
    Q_OBJECT

private slots:
    void parses_data()
    {
        QTest::addColumn<QByteArray>("csv");
        QTest::addColumn<QList<QStringList>>("rows");
        QTest::addColumn<QList<int>>("lines");
        QTest::newRow("simple") << QByteArray("a,b\n1,2\n")
                                << QList<QStringList> {{u"a"_s, u"b"_s}, {u"1"_s, u"2"_s}}
                                << QList<int> {1, 2};
        QTest::newRow("crlf, no final newline")
            << QByteArray("a,b\r\n1,2") << QList<QStringList> {{u"a"_s, u"b"_s}, {u"1"_s, u"2"_s}}
            << QList<int> {1, 2};
        QTest::newRow("quotes and commas")
            << QByteArray("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n")
            << QList<QStringList> {{u"a"_s, u"b"_s}, {u"x, y"_s, u"say \"hi\""_s}}
            << QList<int> {1, 2};
        QTest::newRow("newline inside quotes")
            << QByteArray("a,b\n\"line1\nline2\",z\n3,4\n")
            << QList<QStringList> {{u"a"_s, u"b"_s}, {u"line1\nline2"_s, u"z"_s}, {u"3"_s, u"4"_s}}
            << QList<int> {1, 2, 4};
        QTest::newRow("empty fields")
            << QByteArray("a,b,c\n,,\n")
            << QList<QStringList> {{u"a"_s, u"b"_s, u"c"_s}, {QString(), QString(), QString()}}
            << QList<int> {1, 2};
        QTest::newRow("blank lines skipped")
            << QByteArray("a\n\n1\n\n") << QList<QStringList> {{u"a"_s}, {u"1"_s}}
            << QList<int> {1, 3};
        QTest::newRow("bom and utf-8")
            << QByteArray("\xef\xbb\xbf"
                          "name\nJos\xc3\xa9\n")
            << QList<QStringList> {{u"name"_s}, {u"José"_s}} << QList<int> {1, 2};
    }
    void parses()
    {
        QFETCH(QByteArray, csv);
        QFETCH(QList<QStringList>, rows);
        QFETCH(QList<int>, lines);
        const auto parsed = CsvReader::parse(csv);
        QVERIFY2(parsed.ok(), parsed.ok() ? "" : qPrintable(parsed.error().message));
        QCOMPARE(parsed->size(), rows.size());
        for (qsizetype i = 0; i < rows.size(); ++i) {
            QCOMPARE((*parsed)[i].fields, rows[i]);
            QCOMPARE((*parsed)[i].line, lines[i]);
        }
    }

    void rejects_data()
    {
        QTest::addColumn<QByteArray>("csv");
        QTest::addColumn<QString>("message");
        QTest::newRow("unclosed quote")
            << QByteArray("a,b\n1,\"open\n") << u"line 2: a quoted field is not closed"_s;
        QTest::newRow("quote in field")
            << QByteArray("a\nx\"y\n") << u"line 2: a quote inside an unquoted field"_s;
        QTest::newRow("text after quote")
            << QByteArray("a\n\"x\"y\n") << u"line 2: text after a closing quote"_s;
        QTest::newRow("too few fields")
            << QByteArray("a,b\n1\n") << u"line 2: expected 2 fields, found 1"_s;
        QTest::newRow("too many fields")
            << QByteArray("a,b\n1,2\n1,2,3\n") << u"line 3: expected 2 fields, found 3"_s;
    }
    void rejects()
    {
        QFETCH(QByteArray, csv);
        QFETCH(QString, message);
        const auto parsed = CsvReader::parse(csv);
        QVERIFY(!parsed.ok());
        QVERIFY2(parsed.error().message.startsWith(message), qPrintable(parsed.error().message));
    }
};

QTEST_GUILESS_MAIN(TestCsvReader)
#include "TestCsvReader.moc"
