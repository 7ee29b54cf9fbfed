// The CSV reader against well-formed, odd and hostile input.
#include "importer/CsvReader.h"

#include <QTest>

using namespace lb;

namespace {

struct Read
{
    QList<CsvRecord> records;
    std::optional<Error> fatal;
};

Read readAll(const QByteArray &data, CsvReader::Limits limits = {})
{
    CsvReader reader(data, limits);
    Read out;
    CsvRecord r;
    while (reader.next(r))
        out.records.append(r);
    out.fatal = reader.fatal();
    return out;
}

// "line:field|field;line:field" for compact expectations; broken records as "line:!".
QString shape(const Read &read)
{
    QStringList parts;
    for (const CsvRecord &r : read.records)
        parts.append(QString::number(r.line) + u':'
                     + (r.ok() ? r.fields.join(u'|') : QStringLiteral("!")));
    return parts.join(u';');
}

} // namespace

class TestCsvReader : public QObject
{
    Q_OBJECT

private slots:
    void reads_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("simple") << QByteArray("a,b\n1,2\n") << QStringLiteral("1:a|b;2:1|2");
        QTest::newRow("crlf") << QByteArray("a,b\r\n1,2\r\n") << QStringLiteral("1:a|b;2:1|2");
        QTest::newRow("cr only") << QByteArray("a,b\r1,2") << QStringLiteral("1:a|b;2:1|2");
        QTest::newRow("no final newline") << QByteArray("a\n1") << QStringLiteral("1:a;2:1");
        QTest::newRow("bom") << QByteArray("\xEF\xBB\xBF"
                                           "a,b\n")
                             << QStringLiteral("1:a|b");
        QTest::newRow("quoted comma") << QByteArray("\"a,b\",c\n") << QStringLiteral("1:a,b|c");
        QTest::newRow("doubled quote")
            << QByteArray("\"say \"\"hi\"\"\",x\n") << QStringLiteral("1:say \"hi\"|x");
        QTest::newRow("embedded newline counts lines") << QByteArray("h\n\"two\r\nlines\"\nnext\n")
                                                       << QStringLiteral("1:h;2:two\nlines;4:next");
        QTest::newRow("empty lines skipped")
            << QByteArray("a\n\n\r\n\nb\n") << QStringLiteral("1:a;5:b");
        QTest::newRow("empty fields") << QByteArray(",,\n") << QStringLiteral("1:||");
        QTest::newRow("trailing comma") << QByteArray("a,\n") << QStringLiteral("1:a|");
        QTest::newRow("empty quoted") << QByteArray("\"\",x\n") << QStringLiteral("1:|x");
        QTest::newRow("spaces kept") << QByteArray(" a , b \n") << QStringLiteral("1: a | b ");
        QTest::newRow("utf8") << QStringLiteral("Zoë,😀\n").toUtf8() << QStringLiteral("1:Zoë|😀");
        QTest::newRow("empty input") << QByteArray() << QString();
        QTest::newRow("only bom") << QByteArray("\xEF\xBB\xBF") << QString();
        QTest::newRow("quote in unquoted field is an error")
            << QByteArray("ok\nab\"c,d\nfine\n") << QStringLiteral("1:ok;2:!;3:fine");
        QTest::newRow("text after closing quote is an error, next line reads")
            << QByteArray("\"ab\"c,d\nfine\n") << QStringLiteral("1:!;2:fine");
        QTest::newRow("nul byte") << QByteArray("a\nb\0c\nd\n", 8) << QStringLiteral("1:a;2:!;3:d");
        QTest::newRow("invalid utf-8")
            << QByteArray("a\n\xC3\x28,x\n\xFF\xFE\nz\n") << QStringLiteral("1:a;2:!;3:!;4:z");
        QTest::newRow("overlong utf-8 slash") << QByteArray("\xC0\xAF\n") << QStringLiteral("1:!");
    }

    void reads()
    {
        QFETCH(QByteArray, input);
        QFETCH(QString, expected);
        const Read read = readAll(input);
        QVERIFY2(!read.fatal, read.fatal ? qPrintable(read.fatal->message) : "");
        QCOMPARE(shape(read), expected);
    }

    void brokenRecordsSayWhatAndWhere_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("words");
        QTest::newRow("stray quote") << QByteArray("h\nx\"y\n") << 2 << QStringLiteral("quote");
        QTest::newRow("after quote")
            << QByteArray("\"a\"b\n") << 1 << QStringLiteral("after its closing quote");
        QTest::newRow("nul") << QByteArray("h\nh\n\0\n", 6) << 3 << QStringLiteral("NUL");
        QTest::newRow("utf-8") << QByteArray("\xE2\x82\n") << 1 << QStringLiteral("UTF-8");
    }

    void brokenRecordsSayWhatAndWhere()
    {
        QFETCH(QByteArray, input);
        QFETCH(int, line);
        QFETCH(QString, words);
        const Read read = readAll(input);
        const CsvRecord *broken = nullptr;
        for (const CsvRecord &r : read.records) {
            if (!r.ok())
                broken = &r;
        }
        QVERIFY(broken);
        QCOMPARE(broken->line, line);
        QVERIFY2(broken->error.contains(words), qPrintable(broken->error));
    }

    void unterminatedQuoteIsFatalAndNamesItsLine()
    {
        const Read read = readAll("a,b\n1,2\n3,\"never\nclosed,4\n5,6\n");
        QVERIFY(read.fatal);
        QCOMPARE(read.fatal->code, QStringLiteral("csv_unterminated_quote"));
        QVERIFY2(read.fatal->message.startsWith(QLatin1String("Line 3:")),
                 qPrintable(read.fatal->message));
        QVERIFY(read.fatal->message.contains(QLatin1String("line 6")));
        // What came before is read; the broken record says so too.
        QCOMPARE(read.records.size(), 3);
        QVERIFY(read.records.at(1).ok());
        QVERIFY(!read.records.at(2).ok());
        QCOMPARE(read.records.at(2).line, 3);
    }

    void hugeCellIsCappedNotSwallowed()
    {
        QByteArray data = "h\n" + QByteArray(100 * 1024, 'x') + "\nafter\n";
        Read read = readAll(data);
        QVERIFY(!read.fatal);
        QCOMPARE(read.records.size(), 3);
        QVERIFY(!read.records.at(1).ok());
        QVERIFY(read.records.at(1).error.contains(QLatin1String("longer than 32 KiB")));
        QVERIFY(read.records.at(1).fields.first().size() <= 32 * 1024);
        QCOMPARE(read.records.at(2).fields, QStringList {QStringLiteral("after")});
        // Quoted, too.
        data = "h\n\"" + QByteArray(100 * 1024, 'y') + "\"\nafter\n";
        read = readAll(data);
        QVERIFY(!read.records.at(1).ok());
        QVERIFY(read.records.at(2).ok());
    }

    void tenThousandColumnsAreRefused()
    {
        QByteArray wide;
        for (int i = 0; i < 10'000; ++i)
            wide += (i ? "," : "") + QByteArray::number(i);
        const Read read = readAll(wide + "\nnext\n");
        QCOMPARE(read.records.size(), 2);
        QVERIFY(!read.records.first().ok());
        QVERIFY(read.records.first().error.contains(QLatin1String("more than 1000 fields")));
        QCOMPARE(read.records.first().fields.size(), 1000);
        QVERIFY(read.records.at(1).ok());
    }

    void limitsOnSizeAndRows()
    {
        CsvReader::Limits small;
        small.maxBytes = 10;
        Read read = readAll("0123456789AB", small);
        QVERIFY(read.fatal);
        QCOMPARE(read.fatal->code, QStringLiteral("csv_too_large"));
        QVERIFY(read.records.isEmpty());

        CsvReader::Limits rows;
        rows.maxRecords = 3;
        read = readAll("a\nb\nc\nd\ne\n", rows);
        QCOMPARE(read.records.size(), 3);
        QVERIFY(read.fatal);
        QCOMPARE(read.fatal->code, QStringLiteral("csv_too_many_rows"));
    }

    void manyRowsQuickly()
    {
        QByteArray data = "id,first_name,last_name,email\r\n";
        for (int i = 0; i < 100'000; ++i)
            data += "L-" + QByteArray::number(i) + ",Ann,\"Smith, Jr.\",ann" + QByteArray::number(i)
                + "@x.org\r\n";
        const Read read = readAll(data);
        QVERIFY(!read.fatal);
        QCOMPARE(read.records.size(), 100'001);
        QCOMPARE(read.records.last().fields.at(2), QStringLiteral("Smith, Jr."));
        QCOMPARE(read.records.last().line, 100'001);
    }
};

QTEST_GUILESS_MAIN(TestCsvReader)
#include "TestCsvReader.moc"
