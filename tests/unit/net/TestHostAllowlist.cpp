#include "net/AllowedHostEntry.h"
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

    // What an admin types in the console's allowed hosts, one entry at a time.
    void entryFromTyped_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("entry"); // empty = refused
        QTest::newRow("host") << QStringLiteral(" API.Example.com ")
                              << QStringLiteral("api.example.com");
        QTest::newRow("pattern") << QStringLiteral("*.my.salesforce.com")
                                 << QStringLiteral("*.my.salesforce.com");
        QTest::newRow("https address") << QStringLiteral("https://acme.my.salesforce.com/services")
                                       << QStringLiteral("acme.my.salesforce.com");
        QTest::newRow("http loopback")
            << QStringLiteral("http://127.0.0.1:8787/hooks") << QStringLiteral("127.0.0.1");
        QTest::newRow("http localhost")
            << QStringLiteral("http://localhost:3000") << QStringLiteral("localhost");
        QTest::newRow("http remote") << QStringLiteral("http://api.example.com") << QString();
        QTest::newRow("ftp") << QStringLiteral("ftp://files.example.com") << QString();
        QTest::newRow("space") << QStringLiteral("api example.com") << QString();
        QTest::newRow("path") << QStringLiteral("api.example.com/leads") << QString();
        QTest::newRow("port") << QStringLiteral("api.example.com:443") << QString();
        QTest::newRow("inner star") << QStringLiteral("a.*.com") << QString();
        QTest::newRow("bare star") << QStringLiteral("*.com") << QString();
        QTest::newRow("empty label") << QStringLiteral("api..example.com") << QString();
        QTest::newRow("underscore") << QStringLiteral("api_1.example.com") << QString();
        QTest::newRow("empty") << QStringLiteral("  ") << QString();
    }

    void entryFromTyped()
    {
        QFETCH(QString, typed);
        QFETCH(QString, entry);
        const auto r = lb::allowedHostEntryFromTyped(typed);
        if (entry.isEmpty()) {
            QVERIFY(!r.ok());
            QVERIFY2(r.error().message.contains(typed.trimmed()), qPrintable(r.error().message));
        } else {
            QVERIFY2(r.ok(), r ? "" : qPrintable(r.error().message));
            QCOMPARE(*r, entry);
            QVERIFY(HostAllowlist::fromEntries({*r}).ok());
        }
    }

    // A refused request names the host and where to allow it.
    void refusalSaysWhereToAllow()
    {
        const HostAllowlist list({QStringLiteral("login.salesforce.com")});
        const auto r = list.check(QUrl(QStringLiteral("https://hooks.example.org/x")));
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.contains(QLatin1String("hooks.example.org")));
        QVERIFY(r.error().message.contains(QLatin1String("Credentials > Allowed hosts")));
        QVERIFY(r.error().message.contains(QLatin1String("\"allowed_hosts\"")));
    }
};

QTEST_GUILESS_MAIN(TestHostAllowlist)
#include "TestHostAllowlist.moc"
