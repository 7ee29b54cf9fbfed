// `leadbridge status` and `leadbridge inbox ...` as an admin runs them, against a real store.
#include "store/Store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace lb;

class TestCliInbox : public QObject
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
        p.start(qEnvironmentVariable("LB_LEADBRIDGE_BIN"),
                QStringList {QStringLiteral("--profile"), m_profile} + args);
        if (!p.waitForFinished(60'000))
            return {};
        return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
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
        const QString storeUrl = QStringLiteral("sqlite://") + m_db;
        f.write(QJsonDocument(QJsonObject {{QStringLiteral("name"), QStringLiteral("cli-test")},
                                           {QStringLiteral("store"), storeUrl}})
                    .toJson());
        f.close();
        auto store
            = Store::open(StoreConfig::sqlite(m_db), Clock::system(), QStringLiteral("seed"));
        QVERIFY(store.ok());
        QList<NewJob> jobs;
        for (int i = 1; i <= 3; ++i)
            jobs.append({QStringLiteral("k%1").arg(i), QStringLiteral("sf.lead.upsert"),
                         JobTarget::Salesforce, QStringLiteral("lead:L-%1").arg(i),
                         QByteArrayLiteral("{\"platform_id\":\"L\"}"), 0, 0, false});
        QVERIFY((*store)->outbox().enqueue(jobs, QStringLiteral("seed")).ok());
        auto claimed = (*store)->outbox().claim(QStringLiteral("w"), 3, 60'000);
        QCOMPARE(claimed->size(), 3);
        for (const auto &j : *claimed)
            QVERIFY((*store)
                        ->outbox()
                        .failPermanent(j.id, QStringLiteral("w"), ErrorClass::Permanent,
                                       QStringLiteral("INVALID_EMAIL_ADDRESS"),
                                       QStringLiteral("Email: invalid email address: x"))
                        .ok());
    }

    void listsAsJsonAndText()
    {
        Run r = leadbridge(
            {QStringLiteral("inbox"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(r.code, 0);
        const QJsonArray items = QJsonDocument::fromJson(r.out).array();
        QCOMPARE(items.size(), 3);
        QCOMPARE(items.first().toObject().value(QStringLiteral("error_code")).toString(),
                 QStringLiteral("INVALID_EMAIL_ADDRESS"));
        r = leadbridge({QStringLiteral("inbox"), QStringLiteral("list")});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("lead:L-2"));
    }

    void discardNeedsAReason()
    {
        Run r
            = leadbridge({QStringLiteral("inbox"), QStringLiteral("discard"), QStringLiteral("1")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("reason"), r.err.constData());
        r = leadbridge({QStringLiteral("inbox"), QStringLiteral("discard"), QStringLiteral("x1")});
        QCOMPARE(r.code, 2);
        r = leadbridge({QStringLiteral("inbox"), QStringLiteral("discard"), QStringLiteral("1"),
                        QStringLiteral("--reason"), QStringLiteral("test data")});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("1 item(s) discarded"));
    }

    void retryAllRequeues()
    {
        Run r = leadbridge({QStringLiteral("inbox"), QStringLiteral("retry")});
        QCOMPARE(r.code, 2);
        r = leadbridge({QStringLiteral("inbox"), QStringLiteral("retry"), QStringLiteral("--all")});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("2 item(s) queued"));
        r = leadbridge({QStringLiteral("status"), QStringLiteral("--json")});
        QCOMPARE(r.code, 0);
        const QJsonObject status = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(status.value(QStringLiteral("queue"))
                     .toObject()
                     .value(QStringLiteral("pending"))
                     .toInt(),
                 2);
        QCOMPARE(
            status.value(QStringLiteral("queue")).toObject().value(QStringLiteral("inbox")).toInt(),
            0);
        QCOMPARE(status.value(QStringLiteral("profile")).toString(), QStringLiteral("cli-test"));
    }

    void badProfileIsAConfigurationError()
    {
        QProcess p;
        p.start(qEnvironmentVariable("LB_LEADBRIDGE_BIN"),
                {QStringLiteral("--profile"), m_dir.filePath(QStringLiteral("missing.json")),
                 QStringLiteral("status")});
        QVERIFY(p.waitForFinished(30'000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(p.readAllStandardError().contains("missing.json"));
    }
};

QTEST_GUILESS_MAIN(TestCliInbox)
#include "TestCliInbox.moc"
