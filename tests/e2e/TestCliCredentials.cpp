// `leadbridge credentials` against a real Secret Service (gnome-keyring in a private session).
#include "auth/KeychainCredentialStore.h"

#include <QDirIterator>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace lb;

class TestCliCredentials : public QObject
{
    Q_OBJECT

private:
    struct Run
    {
        int code = -1;
        QByteArray out;
        QByteArray err;
    };

    Run leadbridge(const QStringList &args, const QByteArray &input = {})
    {
        QProcess p;
        p.start(qEnvironmentVariable("LB_LEADBRIDGE_BIN"),
                QStringList {QStringLiteral("--profile"), m_profile} + args);
        p.write(input);
        p.closeWriteChannel();
        if (!p.waitForFinished(60'000))
            return {};
        return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
    }

    QTemporaryDir m_dir;
    QString m_profile;

private slots:
    void initTestCase()
    {
        m_profile = m_dir.filePath(QStringLiteral("profile.json"));
        QFile f(m_profile);
        QVERIFY(f.open(QIODevice::WriteOnly));
        const QString store = QStringLiteral("sqlite://") + m_dir.filePath(QStringLiteral("c.db"));
        f.write(QJsonDocument(QJsonObject {{QStringLiteral("name"), QStringLiteral("cred-test")},
                                           {QStringLiteral("store"), store}})
                    .toJson());
    }

    void setStoresInTheKeychainOnly()
    {
        const QByteArray secret
            = "pk_live_" + QByteArray::number(QDateTime::currentMSecsSinceEpoch());
        Run r = leadbridge({QStringLiteral("credentials"), QStringLiteral("set"),
                            QStringLiteral("--system"), QStringLiteral("platform"),
                            QStringLiteral("--secret"), QStringLiteral("api_key")},
                           secret + "\n");
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(!r.out.contains(secret));
        // Readable through the Secret Service...
        KeychainCredentialStore store;
        std::optional<Result<QString>> read;
        store.read(
            {QStringLiteral("cred-test"), QStringLiteral("platform"), QStringLiteral("api_key")},
            this, [&](Result<QString> v) { read = v; });
        QTRY_VERIFY_WITH_TIMEOUT(read.has_value(), 30'000);
        QVERIFY(read->ok());
        QCOMPARE(read->value().toUtf8(), secret);
        // ...and in no plain file under HOME or next to the store.
        for (const QString &root : {QDir::homePath(), m_dir.path()}) {
            QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                QFile f(it.next());
                QVERIFY(f.open(QIODevice::ReadOnly));
                QVERIFY2(!f.readAll().contains(secret), qPrintable(f.fileName()));
            }
        }
        r = leadbridge({QStringLiteral("credentials"), QStringLiteral("list")});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("platform/api_key"));
        QVERIFY(r.out.contains("keychain"));
        QVERIFY(!r.out.contains(secret));
        r = leadbridge({QStringLiteral("credentials"), QStringLiteral("delete"),
                        QStringLiteral("--system"), QStringLiteral("platform"),
                        QStringLiteral("--secret"), QStringLiteral("api_key")});
        QCOMPARE(r.code, 0);
    }

    void refusesBadInput()
    {
        Run r = leadbridge({QStringLiteral("credentials"), QStringLiteral("set"),
                            QStringLiteral("--system"), QStringLiteral("platform"),
                            QStringLiteral("--secret"), QStringLiteral("api_key")});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("standard input"));
        r = leadbridge({QStringLiteral("credentials"), QStringLiteral("set"),
                        QStringLiteral("--system"), QStringLiteral("mars"),
                        QStringLiteral("--secret"), QStringLiteral("x")},
                       "v");
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("Known secrets"));
    }
};

QTEST_GUILESS_MAIN(TestCliCredentials)
#include "TestCliCredentials.moc"
