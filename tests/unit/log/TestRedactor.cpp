#include "log/MessageHandler.h"
#include "log/Redactor.h"

#include <QElapsedTimer>
#include <QTest>

using lb::Redactor;

class TestRedactor : public QObject
{
    Q_OBJECT

private slots:
    void removesSecrets_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("secret");

        const QString s = QStringLiteral("S3cr3tV4lue");
        QTest::newRow("bearer header") << QStringLiteral("Authorization: Bearer S3cr3tV4lue") << s;
        QTest::newRow("bearer lower") << QStringLiteral("authorization:bearer S3cr3tV4lue") << s;
        QTest::newRow("oauth scheme") << QStringLiteral("Authorization: OAuth S3cr3tV4lue") << s;
        QTest::newRow("basic header") << QStringLiteral("Authorization: Basic S3cr3tV4lue==") << s;
        QTest::newRow("bare bearer") << QStringLiteral("sending Bearer S3cr3tV4lue now") << s;
        QTest::newRow("json header")
            << QStringLiteral(R"({"Authorization":"Bearer S3cr3tV4lue"})") << s;
        QTest::newRow("json access_token")
            << QStringLiteral(R"({"access_token":"S3cr3tV4lue","instance_url":"x"})") << s;
        QTest::newRow("json spaced")
            << QStringLiteral("{ \"refresh_token\" :\n  \"S3cr3tV4lue\" }") << s;
        QTest::newRow("json escaped quote in value")
            << QStringLiteral(R"({"password":"ab\"S3cr3tV4lue"})") << s;
        QTest::newRow("escaped json in json")
            << QStringLiteral(R"({"body":"{\"client_secret\":\"S3cr3tV4lue\"}"})") << s;
        QTest::newRow("form body")
            << QStringLiteral("grant_type=password&username=a%40b.c&password=S3cr3tV4lue&x=1") << s;
        QTest::newRow("form client_secret")
            << QStringLiteral("client_id=abc&client_secret=S3cr3tV4lue") << s;
        QTest::newRow("percent-encoded key") << QStringLiteral("client%5Fsecret=S3cr3tV4lue") << s;
        QTest::newRow("mixed case key") << QStringLiteral("PassWord=S3cr3tV4lue") << s;
        QTest::newRow("colon syntax") << QStringLiteral("password: S3cr3tV4lue") << s;
        QTest::newRow("single quoted") << QStringLiteral("password='S3cr3tV4lue'") << s;
        QTest::newRow("unterminated quote")
            << QStringLiteral(R"({"access_token":"S3cr3tV4lue)") << s;
        QTest::newRow("jwt assertion")
            << QStringLiteral("assertion=eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJl")
            << QStringLiteral("eyJpc3MiOiJ4In0");
        QTest::newRow("jwt anywhere")
            << QStringLiteral("token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhQGIuYyJ9.AbC-_12 end")
            << QStringLiteral("eyJzdWIiOiJhQGIuYyJ9");
        QTest::newRow("salesforce session id")
            << QStringLiteral("got 00D5g000000Abcd!AQ0AQFakeTokenValue123 back")
            << QStringLiteral("AQ0AQFakeTokenValue123");
        QTest::newRow("cookie") << QStringLiteral("Cookie: sid=S3cr3tV4lue; BrowserId=1") << s;
        QTest::newRow("header after newline injection")
            << QStringLiteral("GET /x\r\nAuthorization: Bearer S3cr3tV4lue\r\nHost: y") << s;
        QTest::newRow("two secrets")
            << QStringLiteral("password=one1234&password=S3cr3tV4lue") << s;
        QTest::newRow("webhook secret") << QStringLiteral("webhook_secret=S3cr3tV4lue") << s;
        QTest::newRow("api key") << QStringLiteral("api_key: S3cr3tV4lue") << s;
        QTest::newRow("nul bytes around")
            << (QStringLiteral("a\0b password=").append(QChar(0)).append(QStringLiteral(" x"))
                + QStringLiteral(" token=S3cr3tV4lue"))
            << s;
        QTest::newRow("unicode around") << QStringLiteral("Zoë 😀 password=S3cr3tV4lue ﷽") << s;
        QTest::newRow("refresh in url")
            << QStringLiteral("https://x/services/oauth2/token?refresh_token=S3cr3tV4lue&a=b") << s;
    }

    void removesSecrets()
    {
        QFETCH(QString, input);
        QFETCH(QString, secret);
        const QString out = Redactor::redact(input);
        QVERIFY2(!out.contains(secret), qPrintable(out));
        QVERIFY2(out.contains(Redactor::placeholder()), qPrintable(out));
    }

    void keepsOrdinaryText_data()
    {
        QTest::addColumn<QString>("input");
        QTest::newRow("plain") << QStringLiteral("upserted 200 leads in 1 composite call");
        QTest::newRow("json without secrets")
            << QStringLiteral(R"({"id":"00Q5g00000AbCdEEAV","success":true,"errors":[]})");
        QTest::newRow("word password in prose") << QStringLiteral("the password flow is disabled");
        QTest::newRow("token_type") << QStringLiteral(R"({"token_type":"Bearer"})");
    }

    void keepsOrdinaryText()
    {
        QFETCH(QString, input);
        QCOMPARE(Redactor::redact(input), input);
    }

    void survivesHostileInput_data()
    {
        QTest::addColumn<QString>("input");
        QTest::newRow("1 MiB of password=") << QStringLiteral("password=").repeated(116'509);
        QTest::newRow("1 MiB of quotes") << QStringLiteral("\"password\":\"").repeated(80'000);
        QTest::newRow("many backslashes")
            << (QStringLiteral("token=\\\"") + QString(500'000, u'\\'));
        QTest::newRow("lone surrogates")
            << (QStringLiteral("password=") + QChar(0xD800) + QChar(0xDC00) + QChar(0xDFFF));
        QTest::newRow("only newlines") << QString(200'000, u'\n');
        QTest::newRow("bearer storm") << QStringLiteral("Bearer ").repeated(100'000);
    }

    void survivesHostileInput()
    {
        QFETCH(QString, input);
        QElapsedTimer timer;
        timer.start();
        const QString out = Redactor::redact(input);
        QVERIFY(!out.isNull() || input.isNull());
        // Linear work only: a catastrophic regex would take minutes here, not seconds.
        QVERIFY2(timer.elapsed() < 20'000, qPrintable(QString::number(timer.elapsed())));
    }

    void messageHandlerRedactsLogLines()
    {
        static QString captured;
        qInstallMessageHandler(
            [](QtMsgType, const QMessageLogContext &, const QString &msg) { captured = msg; });
        lb::installRedactingMessageHandler();
        qWarning("refresh failed: {\"refresh_token\":\"S3cr3tV4lue\"}");
        qInstallMessageHandler(nullptr);
        QVERIFY(!captured.isEmpty());
        QVERIFY2(!captured.contains(QLatin1String("S3cr3tV4lue")), qPrintable(captured));
    }
};

QTEST_GUILESS_MAIN(TestRedactor)
#include "TestRedactor.moc"
