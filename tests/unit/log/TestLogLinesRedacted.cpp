// Every log line passes the redaction step: with the handler main() installs, each category
// of LeadBridge at each level (debug switched on), and Qt's own uncategorised messages, are
// fed the secret shapes a sync meets (Bearer and OAuth headers, access_token in a URL's query,
// refresh_token in JSON, client_secret in a form body, a Salesforce session id, a JWT) as
// plain text and through QDebug's streaming of QByteArray, QUrl and QJsonObject. The handler
// behind it must receive exactly one line per message, none holding the secret, each holding
// the placeholder.
#include "log/Logging.h"
#include "log/MessageHandler.h"
#include "log/Redactor.h"

#include <QJsonObject>
#include <QLoggingCategory>
#include <QTest>
#include <QUrl>

namespace {

const QString Secret = QStringLiteral("LBLOGSECRETq8Zr2");
QStringList g_lines; // what the handler behind the redacting one received

void capture(QtMsgType, const QMessageLogContext &, const QString &message)
{
    g_lines.append(message);
}

// Emits `text` through `category` at every level; the number of messages emitted.
int emitAtEveryLevel(const QLoggingCategory &category, const QString &text)
{
    qCDebug(category).noquote() << text;
    qCInfo(category).noquote() << text;
    qCWarning(category).noquote() << text;
    qCCritical(category).noquote() << text;
    return 4;
}

} // namespace

class TestLogLinesRedacted : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        // Every level of every category on, whatever QT_LOGGING_RULES says (ctest turns lb debug
        // off; a filter has the last word).
        QLoggingCategory::installFilter([](QLoggingCategory *category) {
            const bool ours = qstrcmp(category->categoryName(), "default") == 0
                || qstrncmp(category->categoryName(), "lb.", 3) == 0;
            for (QtMsgType type : {QtDebugMsg, QtInfoMsg, QtWarningMsg, QtCriticalMsg})
                category->setEnabled(type, ours);
        });
        qInstallMessageHandler(capture);
        lb::installRedactingMessageHandler();
    }

    void cleanupTestCase() { qInstallMessageHandler(nullptr); }

    void init() { g_lines.clear(); }

    void everyLineIsRedacted_data()
    {
        QTest::addColumn<QString>("line");
        QTest::newRow("bearer header") << QStringLiteral("Authorization: Bearer %1").arg(Secret);
        QTest::newRow("oauth header")
            << QStringLiteral("sending GET /x with authorization: OAuth %1").arg(Secret);
        QTest::newRow("access_token in url")
            << QStringLiteral("GET https://x.my.salesforce.com/cometd?access_token=%1&v=62")
                   .arg(Secret);
        QTest::newRow("refresh_token in json")
            << QStringLiteral(
                   "token answer {\"refresh_token\":\"%1\",\"instance_url\":\"https://x\"}")
                   .arg(Secret);
        QTest::newRow("client_secret in form")
            << QStringLiteral("grant_type=refresh_token&client_id=abc&client_secret=%1")
                   .arg(Secret);
        QTest::newRow("api key header") << QStringLiteral("X-Api-Key: %1").arg(Secret);
        QTest::newRow("webhook secret")
            << QStringLiteral("webhook_secret=%1 from the environment").arg(Secret);
        QTest::newRow("session id")
            << QStringLiteral("session 00D5g000000Abcd!AQ4AQ%1 expired").arg(Secret);
        QTest::newRow("jwt")
            << QStringLiteral("assertion eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ%1In0.c2ln").arg(Secret);
        QTest::newRow("multi-line dump")
            << QStringLiteral("POST /token\r\nHost: x\r\nAuthorization: Bearer %1\r\n\r\n")
                   .arg(Secret);
    }

    void everyLineIsRedacted()
    {
        QFETCH(QString, line);
        int emitted = 0;
        for (const QLoggingCategory *category :
             {&lcApp(), &lcStore(), &lcSync(), &lcNet(), &lcAuth(), &lcSalesforce(), &lcPlatform(),
              &lcMapping(), &lcReport(), &lcSandbox()}) {
            emitted += emitAtEveryLevel(*category, line);
        }
        // Qt's own messages, outside LeadBridge's categories.
        qDebug().noquote() << line;
        qWarning().noquote() << line;
        emitted += 2;
        QCOMPARE(g_lines.size(), emitted);
        for (const QString &out : std::as_const(g_lines)) {
            QVERIFY2(!out.contains(Secret), qPrintable(out));
            QVERIFY2(out.contains(lb::Redactor::placeholder()), qPrintable(out));
        }
    }

    void streamedValuesAreRedacted()
    {
        const QByteArray header = "Authorization: Bearer " + Secret.toLatin1();
        const QUrl url(QStringLiteral("https://login.salesforce.com/services/oauth2/"
                                      "token?grant_type=refresh_token&refresh_token=%1")
                           .arg(Secret));
        const QJsonObject answer {{QStringLiteral("access_token"), Secret},
                                  {QStringLiteral("token_type"), QStringLiteral("Bearer")}};
        qCDebug(lcNet) << "header" << header;
        qCInfo(lcAuth) << "token url" << url;
        qCWarning(lcSalesforce) << "answer" << answer;
        QCOMPARE(g_lines.size(), 3);
        for (const QString &out : std::as_const(g_lines)) {
            QVERIFY2(!out.contains(Secret), qPrintable(out));
            QVERIFY2(out.contains(lb::Redactor::placeholder()), qPrintable(out));
        }
    }
};

QTEST_GUILESS_MAIN(TestLogLinesRedacted)
#include "TestLogLinesRedacted.moc"
