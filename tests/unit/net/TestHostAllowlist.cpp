#include "net/HostAllowlist.h"

#include <QTest>

using lb::HostAllowlist;

class TestHostAllowlist : public QObject
{
    Q_OBJECT

private slots:
    void check_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("code"); // empty = allowed
        QTest::newRow("exact") << QStringLiteral(
            "https://login.salesforce.com/services/oauth2/token")
                               << QString();
        QTest::newRow("exact, upper case")
            << QStringLiteral("https://LOGIN.Salesforce.com/") << QString();
        QTest::newRow("wildcard") << QStringLiteral("https://acme.my.salesforce.com/x")
                                  << QString();
        QTest::newRow("wildcard deep")
            << QStringLiteral("https://a.b.my.salesforce.com/") << QString();
        QTest::newRow("wildcard needs a label")
            << QStringLiteral("https://my.salesforce.com/") << QStringLiteral("host_not_allowed");
        QTest::newRow("suffix trick") << QStringLiteral("https://evilmy.salesforce.com/")
                                      << QStringLiteral("host_not_allowed");
        QTest::newRow("lookalike") << QStringLiteral("https://login.salesforce.com.evil.io/")
                                   << QStringLiteral("host_not_allowed");
        QTest::newRow("other host")
            << QStringLiteral("https://example.org/") << QStringLiteral("host_not_allowed");
        QTest::newRow("userinfo trick") << QStringLiteral("https://login.salesforce.com@evil.io/")
                                        << QStringLiteral("host_not_allowed");
        QTest::newRow("http remote")
            << QStringLiteral("http://login.salesforce.com/") << QStringLiteral("insecure_url");
        QTest::newRow("http loopback v4") << QStringLiteral("http://127.0.0.1:8080/") << QString();
        QTest::newRow("http loopback 127/8")
            << QStringLiteral("http://127.4.5.6:8080/") << QString();
        QTest::newRow("http loopback v6") << QStringLiteral("http://[::1]:8080/") << QString();
        QTest::newRow("http localhost") << QStringLiteral("http://localhost:8080/") << QString();
        QTest::newRow("ftp") << QStringLiteral("ftp://127.0.0.1/")
                             << QStringLiteral("insecure_url");
        QTest::newRow("no host") << QStringLiteral("https:///path") << QStringLiteral("bad_url");
    }

    void check()
    {
        QFETCH(QString, url);
        QFETCH(QString, code);
        const HostAllowlist list({QStringLiteral("login.salesforce.com"),
                                  QStringLiteral("*.my.salesforce.com"),
                                  QStringLiteral("127.0.0.1"), QStringLiteral("127.4.5.6"),
                                  QStringLiteral("::1"), QStringLiteral("localhost")});
        const auto r = list.check(QUrl(url));
        if (code.isEmpty()) {
            QVERIFY2(r.ok(), r ? "" : qPrintable(r.error().message));
        } else {
            QVERIFY(!r.ok());
            QCOMPARE(r.error().code, code);
        }
    }

    void rejectsBadEntries_data()
    {
        QTest::addColumn<QString>("entry");
        QTest::newRow("url") << QStringLiteral("https://x.com");
        QTest::newRow("inner star") << QStringLiteral("a.*.com");
        QTest::newRow("empty") << QString();
        QTest::newRow("port") << QStringLiteral("x.com:443");
    }

    void rejectsBadEntries()
    {
        QFETCH(QString, entry);
        QVERIFY(!HostAllowlist::fromEntries({entry}).ok());
    }
};

QTEST_GUILESS_MAIN(TestHostAllowlist)
#include "TestHostAllowlist.moc"
