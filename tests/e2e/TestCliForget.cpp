// `leadbridge forget --email ADDRESS` as an admin runs it, against a real store: the person's
// lead goes, the counts are printed (not the address), a bad address exits 2 touching nothing.
#include "store/Store.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace lb;

class TestCliForget : public QObject
{
    Q_OBJECT

    struct Run
    {
        int code = -1;
        QByteArray out;
        QByteArray err;
    };

    Run leadbridge(const QStringList &args)
    {
        QProcess p;
        p.start(qEnvironmentVariable("LB_LEADBRIDGE_BIN"),
                QStringList {QStringLiteral("--profile"), m_profile} + args);
        if (!p.waitForFinished(60'000))
            return {};
        return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
    }

    qint64 leads()
    {
        auto store = Store::open(StoreConfig::sqlite(m_db), Clock::system(), QStringLiteral("t"));
        return store ? *(*store)->leads().count() : -1;
    }

    QTemporaryDir m_dir;
    QString m_profile;
    QString m_db;

private slots:
    void initTestCase()
    {
        m_db = m_dir.filePath(QStringLiteral("cli.db"));
        m_profile = m_dir.filePath(QStringLiteral("profile.json"));
        QFile f(m_profile);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(QJsonObject {{QStringLiteral("name"), QStringLiteral("cli-forget")},
                                           {QStringLiteral("store"),
                                            QString(QStringLiteral("sqlite://") + m_db)}})
                    .toJson());
        f.close();
        auto store
            = Store::open(StoreConfig::sqlite(m_db), Clock::system(), QStringLiteral("seed"));
        QVERIFY(store.ok());
        QList<MirrorRecord> records;
        for (const char *who : {"ann", "bob"}) {
            MirrorRecord r;
            r.platformId = QStringLiteral("L-%1").arg(QLatin1String(who));
            r.platformState = {
                {QStringLiteral("email"), QStringLiteral("%1@example.com").arg(QLatin1String(who))},
                {QStringLiteral("last_name"), QLatin1String(who)}};
            r.syncState = QStringLiteral("synced");
            records.append(r);
        }
        QVERIFY((*store)->leads().put(records).ok());
    }

    void badAddressExitsTwoTouchingNothing()
    {
        for (const QString &bad : {QStringLiteral("%"), QStringLiteral("a b@example.com"),
                                   QString(QString(400, u'a') + QStringLiteral("@x.org"))}) {
            const Run r = leadbridge({QStringLiteral("forget"), QStringLiteral("--email"), bad});
            QCOMPARE(r.code, 2);
            QVERIFY2(r.err.contains("Not an email address to forget"), r.err.constData());
        }
        const Run none = leadbridge({QStringLiteral("forget")});
        QCOMPARE(none.code, 2);
        QCOMPARE(leads(), qint64(2));
    }

    void forgetsOnePersonAndPrintsCounts()
    {
        const Run r = leadbridge({QStringLiteral("forget"), QStringLiteral("--email"),
                                  QStringLiteral("ANN@Example.com"), QStringLiteral("--json")});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(QStringLiteral("leads")).toInt(), 1);
        QVERIFY(!r.out.contains("ann@"));
        QCOMPARE(leads(), qint64(1));
        const Run text = leadbridge({QStringLiteral("forget"), QStringLiteral("--email"),
                                     QStringLiteral("ann@example.com")});
        QCOMPARE(text.code, 0);
        QVERIFY2(text.out.startsWith("erasure of 1 person: 0 leads"), text.out.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliForget)
#include "TestCliForget.moc"
