#include "salesforce/bulk/Bulk2ResultReader.h"
#include "salesforce/bulk/BulkCsvWriter.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace lb;
using namespace lb::salesforce;

// The CSV of Bulk API 2.0 uploads (BulkCsvWriter) and results (Bulk2ResultReader).
class TestBulkCsv : public QObject
{
    Q_OBJECT

private slots:
    void writer()
    {
        const QList<QJsonObject> records {
            {{u"attributes"_s, QJsonObject {{u"type"_s, u"Lead"_s}}},
             {u"LastName"_s, u"Okafor, Jr"_s},
             {u"Company"_s, u"Say \"hi\""_s},
             {u"Email"_s, QJsonValue()},
             {u"Lead_Score__c"_s, 42},
             {u"Assigned_Agent__r"_s, QJsonObject {{u"Platform_Agent_Id__c"_s, u"A-1"_s}}}},
            {{u"LastName"_s, u"Line\nbreak"_s},
             {u"Eligible_For_Distribution__c"_s, true},
             {u"Estimated_Value__c"_s, 12.5},
             {u"Title"_s, u" edge "_s}},
        };
        const QByteArray csv = BulkCsvWriter::write(records);
        // Columns in first-seen order (a record's keys come sorted), the relationship flattened,
        // attributes left out; null is #N/A, an absent value is empty (left unchanged).
        QCOMPARE(csv,
                 "Assigned_Agent__r.Platform_Agent_Id__c,Company,Email,LastName,Lead_Score__c,"
                 "Eligible_For_Distribution__c,Estimated_Value__c,Title\n"
                 "A-1,\"Say \"\"hi\"\"\",#N/A,\"Okafor, Jr\",42,,,\n"
                 ",,,\"Line\nbreak\",,true,12.5,\" edge \"\n");
    }

    void parseError_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QStringList>("fields");
        QTest::newRow("with a field")
            << u"REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --"_s
            << u"REQUIRED_FIELD_MISSING"_s << u"Required fields are missing: [Name]"_s
            << QStringList {u"Name"_s};
        QTest::newRow("no field") << u"INVALID_CROSS_REFERENCE_KEY:invalid cross reference id:--"_s
                                  << u"INVALID_CROSS_REFERENCE_KEY"_s
                                  << u"invalid cross reference id"_s << QStringList();
        QTest::newRow("two fields")
            << u"DUPLICATE_VALUE:duplicate value:Email,Phone --"_s << u"DUPLICATE_VALUE"_s
            << u"duplicate value"_s << QStringList {u"Email"_s, u"Phone"_s};
        QTest::newRow("no suffix")
            << u"UNABLE_TO_LOCK_ROW:unable to obtain exclusive access"_s << u"UNABLE_TO_LOCK_ROW"_s
            << u"unable to obtain exclusive access"_s << QStringList();
        QTest::newRow("no code") << u"something odd"_s << u"UNKNOWN_EXCEPTION"_s
                                 << u"something odd"_s << QStringList();
    }
    void parseError()
    {
        QFETCH(QString, text);
        QFETCH(QString, code);
        QFETCH(QString, message);
        QFETCH(QStringList, fields);
        const SfError e = Bulk2ResultReader::parseError(text);
        QCOMPARE(e.code, code);
        QCOMPARE(e.message, message);
        QCOMPARE(e.fields, fields);
    }

    void results()
    {
        using Kind = Bulk2ResultReader::Kind;
        auto ok = Bulk2ResultReader::read("\"sf__Id\",\"sf__Created\",LastName,Ext__c\n"
                                          "\"00Q1\",\"true\",\"A, B\",\"L-1\"\n"
                                          "\"00Q2\",\"false\",\"C\",\"L-2\"\n",
                                          Kind::Successful);
        QVERIFY(ok.ok());
        QCOMPARE(ok->size(), 2);
        QVERIFY(ok->at(0).result.success && ok->at(0).result.created);
        QCOMPARE(ok->at(0).result.id, u"00Q1"_s);
        QCOMPARE(ok->at(0).fields.value(u"LastName"_s), u"A, B"_s);
        QVERIFY(!ok->at(1).result.created);
        QVERIFY(!ok->at(0).fields.contains(u"sf__Id"_s));

        auto failed = Bulk2ResultReader::read(
            "\"sf__Id\",\"sf__Error\",LastName\n\"\",\"REQUIRED_FIELD_MISSING:Required fields "
            "are missing: [Company]:Company --\",\"A\"\n",
            Kind::Failed);
        QVERIFY(failed.ok());
        QCOMPARE(failed->size(), 1);
        QVERIFY(!failed->at(0).result.success);
        QCOMPARE(failed->at(0).result.errors.first().code, u"REQUIRED_FIELD_MISSING"_s);
        QCOMPARE(failed->at(0).line, 2);

        auto unprocessed = Bulk2ResultReader::read("LastName,Ext__c\nA,L-1\n", Kind::Unprocessed);
        QVERIFY(unprocessed.ok());
        QCOMPARE(unprocessed->first().fields.value(u"Ext__c"_s), u"L-1"_s);
        QVERIFY(Bulk2ResultReader::read({}, Kind::Unprocessed)->isEmpty());

        auto table = Bulk2ResultReader::readTable("\"Id\",\"Email\"\n\"00Q1\",\"\"\n");
        QVERIFY(table.ok());
        QCOMPARE(table->columns, (QStringList {u"Id"_s, u"Email"_s}));
        QCOMPARE(table->rows.first(), (QStringList {u"00Q1"_s, QString()}));
        QCOMPARE(Bulk2ResultReader::readTable("\"Id\"\n\"00Q1\n").error().code,
                 u"unexpected_response"_s);
        QCOMPARE(Bulk2ResultReader::readTable("\"Id\",\"A\"\n\"00Q1\"\n").error().message,
                 u"Bulk API result CSV: line 2 has 1 fields, the header 2"_s);
    }

    void badResults_data()
    {
        QTest::addColumn<QByteArray>("csv");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("message");
        QTest::newRow("wrong header")
            << QByteArray("Id,Created\n1,true\n") << int(Bulk2ResultReader::Kind::Successful)
            << u"Bulk API result CSV: the header starts with \"Id\",\"Created\", not "
               u"\"sf__Id\",\"sf__Created\""_s;
        QTest::newRow("short row") << QByteArray("\"sf__Id\",\"sf__Error\",A\n\"\",\"X:y:--\"\n")
                                   << int(Bulk2ResultReader::Kind::Failed)
                                   << u"Bulk API result CSV: line 2 has 2 fields, the header 3"_s;
        QTest::newRow("open quote")
            << QByteArray("A\n\"x\n") << int(Bulk2ResultReader::Kind::Unprocessed) << QString();
        QTest::newRow("broken record")
            << QByteArray("A\nx\"y\n") << int(Bulk2ResultReader::Kind::Unprocessed) << QString();
    }
    void badResults()
    {
        QFETCH(QByteArray, csv);
        QFETCH(int, kind);
        QFETCH(QString, message);
        const auto r = Bulk2ResultReader::read(csv, Bulk2ResultReader::Kind(kind));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, u"unexpected_response"_s);
        if (!message.isEmpty())
            QCOMPARE(r.error().message, message);
        else
            QVERIFY2(r.error().message.contains(u"line 2"), qPrintable(r.error().message));
    }
};

QTEST_GUILESS_MAIN(TestBulkCsv)
#include "TestBulkCsv.moc"
