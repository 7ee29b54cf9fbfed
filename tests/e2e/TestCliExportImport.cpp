// `leadbridge import` and `leadbridge export` as an admin runs them, against a real store.
#include "store/Store.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace lb;

class TestCliExportImport : public QObject
{
    Q_OBJECT

private:
    struct Run
    {
        int code = -1;
        QByteArray out;
        QByteArray err;
    };

    Run leadbridge(const QStringList &args)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        env.remove(QStringLiteral("QT_QPA_PLATFORM")); // a PDF must work on a bare server
        p.setProcessEnvironment(env);
        p.setWorkingDirectory(m_dir.path());
        p.start(qEnvironmentVariable("LB_LEADBRIDGE_BIN"),
                QStringList {QStringLiteral("--profile"), m_profile} + args);
        if (!p.waitForFinished(120'000))
            return {};
        return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
    }

    QString write(const QString &name, const QByteArray &bytes)
    {
        QFile f(m_dir.filePath(name));
        if (f.open(QIODevice::WriteOnly))
            f.write(bytes);
        return f.fileName();
    }

    QTemporaryDir m_dir;
    QString m_profile;

private slots:
    void initTestCase()
    {
        m_profile = m_dir.filePath(QStringLiteral("profile.json"));
        const QString storeUrl
            = QStringLiteral("sqlite://") + m_dir.filePath(QStringLiteral("cli.db"));
        write(QStringLiteral("profile.json"),
              QJsonDocument(QJsonObject {{QStringLiteral("name"), QStringLiteral("cli-test")},
                                         {QStringLiteral("store"), storeUrl}})
                  .toJson());
    }

    void importChecksThenDelivers()
    {
        const QString csv = write(QStringLiteral("leads.csv"),
                                  "id,First Name,Last Name,E-mail,Company\r\n"
                                  "L-1,Ann,Smith,ann@acme.com,\"=HYPERLINK(\"\"x\"\")\"\r\n"
                                  "L-2,Bob,,bob@x.org,Globex\r\n"
                                  "L-3,Cy,Lee,not-an-email,Initech\r\n"
                                  "L-4,Di,Park,di@x.org,Umbrella\r\n");
        Run r = leadbridge({QStringLiteral("import"), csv, QStringLiteral("--dry-run")});
        QCOMPARE(r.code, 1); // rows with problems
        QVERIFY2(r.err.contains("line 3: Required fields are missing: [LastName]"), r.err);
        QVERIFY(r.err.contains("line 4: Email: invalid email address: not-an-email"));
        QVERIFY(r.out.contains("4 rows: 2 valid, 2 with problems."));
        QVERIFY(r.out.contains("Dry run: 2 leads would be delivered"));

        r = leadbridge({QStringLiteral("import"), csv});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.out.contains("Delivered 2 leads to the sync queue."), r.out);
        r = leadbridge({QStringLiteral("import"), csv});
        QVERIFY(r.out.contains("Delivered 0 leads to the sync queue (2 were imported before"));

        auto store = Store::open(StoreConfig::sqlite(m_dir.filePath(QStringLiteral("cli.db"))),
                                 Clock::system(), QStringLiteral("check"));
        QVERIFY(store.ok());
        QCOMPARE(*(*store)->events().count(), qint64(2));

        r = leadbridge({QStringLiteral("import"), m_dir.filePath(QStringLiteral("nope.csv"))});
        QCOMPARE(r.code, 3);
        QVERIFY(r.err.contains("Cannot read"));
        const QString broken
            = write(QStringLiteral("broken.csv"), "id,last_name\nL-9,\"open\nL-10,x\n");
        r = leadbridge({QStringLiteral("import"), broken});
        QCOMPARE(r.code, 3);
        QVERIFY2(r.err.contains("Nothing was imported: Line 2:"), r.err);
    }

    void exportsEachFormat()
    {
        // Something to export: the events above become nothing in the mirror without the
        // engine, so put two leads there directly, one of them hostile.
        auto store = Store::open(StoreConfig::sqlite(m_dir.filePath(QStringLiteral("cli.db"))),
                                 Clock::system(), QStringLiteral("seed"));
        QVERIFY(store.ok());
        MirrorRecord a, b;
        a.platformId = QStringLiteral("L-1");
        a.platformState = {{QStringLiteral("last_name"), QStringLiteral("=cmd|' /C calc'!A0")}};
        b.platformId = QStringLiteral("L-2");
        b.platformState = {{QStringLiteral("last_name"), QStringLiteral("Jones")}};
        QVERIFY((*store)->leads().put({a, b}).ok());

        Run r = leadbridge({QStringLiteral("export"), QStringLiteral("--report"),
                            QStringLiteral("leads"), QStringLiteral("--format"),
                            QStringLiteral("csv"), QStringLiteral("--out"),
                            QStringLiteral("leads.csv")});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.startsWith("Wrote 2 rows of leads to "), r.out);
        QFile csv(m_dir.filePath(QStringLiteral("leads.csv")));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QByteArray text = csv.readAll();
        QVERIFY(text.contains(",'=cmd|' /C calc'!A0,"));

        r = leadbridge({QStringLiteral("export"), QStringLiteral("--report"),
                        QStringLiteral("history"), QStringLiteral("--format=json"),
                        QStringLiteral("--out"), QStringLiteral("history.json"),
                        QStringLiteral("--since"), QStringLiteral("2020-01-01")});
        QCOMPARE(r.code, 0);
        QFile json(m_dir.filePath(QStringLiteral("history.json")));
        QVERIFY(json.open(QIODevice::ReadOnly));
        const QJsonObject doc = QJsonDocument::fromJson(json.readAll()).object();
        QCOMPARE(doc.value(QStringLiteral("report")).toString(), QStringLiteral("history"));
        QVERIFY(
            doc.value(QStringLiteral("since")).toString().startsWith(QLatin1String("2020-01-01")));

        r = leadbridge({QStringLiteral("export"), QStringLiteral("--report"),
                        QStringLiteral("api-usage"), QStringLiteral("--format"),
                        QStringLiteral("pdf"), QStringLiteral("--out"),
                        QStringLiteral("usage.pdf")});
        QCOMPARE(r.code, 0);
        QFile pdf(m_dir.filePath(QStringLiteral("usage.pdf")));
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        QCOMPARE(pdf.read(5), QByteArray("%PDF-"));
    }

    void refusesBadArguments_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("words");
        QTest::newRow("no report") << QStringList {QStringLiteral("export"),
                                                   QStringLiteral("--out"), QStringLiteral("x.csv")}
                                   << QByteArray("give --report NAME and --out FILE");
        QTest::newRow("unknown report")
            << QStringList {QStringLiteral("export"), QStringLiteral("--report"),
                            QStringLiteral("money"), QStringLiteral("--out"),
                            QStringLiteral("x.csv")}
            << QByteArray("Unknown report \"money\"");
        QTest::newRow("unknown format") << QStringList {
            QStringLiteral("export"),   QStringLiteral("--report"), QStringLiteral("leads"),
            QStringLiteral("--format"), QStringLiteral("xlsx"),     QStringLiteral("--out"),
            QStringLiteral("x.xlsx")} << QByteArray("Unknown format \"xlsx\"");
        QTest::newRow("bad date") << QStringList {QStringLiteral("export"),
                                                  QStringLiteral("--report"),
                                                  QStringLiteral("leads"),
                                                  QStringLiteral("--since"),
                                                  QStringLiteral("last week"),
                                                  QStringLiteral("--out"),
                                                  QStringLiteral("x.csv")}
                                  << QByteArray("--since: \"last week\" is not a date");
        QTest::newRow("backwards range")
            << QStringList {QStringLiteral("export"),     QStringLiteral("--report"),
                            QStringLiteral("leads"),      QStringLiteral("--since"),
                            QStringLiteral("2026-02-01"), QStringLiteral("--until"),
                            QStringLiteral("2026-01-01"), QStringLiteral("--out"),
                            QStringLiteral("x.csv")}
            << QByteArray("not before its end");
        QTest::newRow("import without a file")
            << QStringList {QStringLiteral("import")} << QByteArray("give one CSV file");
    }

    void refusesBadArguments()
    {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, words);
        const Run r = leadbridge(args);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(words), r.err);
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("x.csv"))));
    }
};

QTEST_GUILESS_MAIN(TestCliExportImport)
#include "TestCliExportImport.moc"
