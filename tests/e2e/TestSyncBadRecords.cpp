// Records outside the platform's contract, and a platform that cannot be read, as an admin
// running `leadbridge sync --once` against `leadbridge-sandbox` meets them.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

class TestSyncBadRecords : public QObject
{
    Q_OBJECT

private:
    struct Run
    {
        int code = -1;
        QByteArray out;
        QByteArray err;
    };

    QProcess m_sandbox;
    QJsonObject m_ready;
    QTemporaryDir m_dir;
    QNetworkAccessManager m_nam;
    // Answers 500 to every request, as a platform whose backend is down.
    QTcpServer m_brokenPlatform;

    static QByteArray lead(const char *id, const char *extra)
    {
        return "{\"id\":\"" + QByteArray(id)
            + "\",\"first_name\":\"Ada\",\"last_name\":\"Lovelace\",\"company\":\"Acme\","
              "\"updated_at\":\"2026-11-01T10:00:00.000Z\",\"updated_by\":\"platform\","
              "\"version\":1"
            + extra + "}";
    }

    QString writeProfile(const QString &name, const QString &platformUrl)
    {
        const QString path = m_dir.filePath(name + QStringLiteral(".json"));
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            return {};
        const QJsonObject profile {
            {QStringLiteral("name"), name},
            {QStringLiteral("salesforce"),
             QJsonObject {{QStringLiteral("login_url"), m_ready.value(QStringLiteral("loginUrl"))},
                          {QStringLiteral("auth_flow"), QStringLiteral("password")},
                          {QStringLiteral("client_id"), m_ready.value(QStringLiteral("clientId"))},
                          {QStringLiteral("username"), m_ready.value(QStringLiteral("username"))}}},
            {QStringLiteral("platform"), QJsonObject {{QStringLiteral("base_url"), platformUrl}}},
            {QStringLiteral("store"),
             QString(QStringLiteral("sqlite://") + m_dir.filePath(name + QStringLiteral(".db")))},
            {QStringLiteral("allowed_hosts"), QJsonArray {QStringLiteral("127.0.0.1")}},
            {QStringLiteral("sync"), QJsonObject {{QStringLiteral("retry_base_ms"), 50}}}};
        f.write(QJsonDocument(profile).toJson());
        return path;
    }

    Run leadbridge(const QString &profile, const QStringList &args)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("LEADBRIDGE_SF_CLIENT_SECRET"),
                   QStringLiteral("leadbridge-sandbox-consumer-secret"));
        env.insert(QStringLiteral("LEADBRIDGE_SF_PASSWORD"), QStringLiteral("sandbox-password"));
        env.insert(QStringLiteral("LEADBRIDGE_PLATFORM_API_KEY"), QStringLiteral("pk_bad"));
        env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS")); // secrets come from the environment
        env.remove(QStringLiteral("DISPLAY"));
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(qEnvironmentVariable("LB_LEADBRIDGE_BIN"),
                QStringList {QStringLiteral("--profile"), profile} + args);
        // Waits with the event loop running: the broken platform answers from this thread.
        if (!p.waitForStarted()
            || !QTest::qWaitFor([&] { return p.state() == QProcess::NotRunning; }, 300'000))
            return {};
        return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
    }

    QJsonObject post(const QUrl &url, const QByteArray &form, const QByteArray &token = {})
    {
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QStringLiteral("application/x-www-form-urlencoded"));
        if (!token.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + token);
        QNetworkReply *reply = form.isNull() ? m_nam.get(request) : m_nam.post(request, form);
        if (!QTest::qWaitFor([&] { return reply->isFinished(); }, 60'000))
            return {};
        const QJsonObject body = QJsonDocument::fromJson(reply->readAll()).object();
        reply->deleteLater();
        return body;
    }

    // The Salesforce Leads with a platform id, read through the sandbox's REST API.
    QHash<QString, QJsonObject> salesforceLeads()
    {
        QUrlQuery form;
        form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("password"));
        form.addQueryItem(QStringLiteral("client_id"),
                          m_ready.value(QStringLiteral("clientId")).toString());
        form.addQueryItem(QStringLiteral("client_secret"),
                          QStringLiteral("leadbridge-sandbox-consumer-secret"));
        form.addQueryItem(QStringLiteral("username"),
                          m_ready.value(QStringLiteral("username")).toString());
        form.addQueryItem(QStringLiteral("password"), QStringLiteral("sandbox-password"));
        const QJsonObject token = post(QUrl(m_ready.value(QStringLiteral("loginUrl")).toString()
                                            + QStringLiteral("/services/oauth2/token")),
                                       form.query(QUrl::FullyEncoded).toUtf8());
        QUrl query(token.value(QStringLiteral("instance_url")).toString()
                   + QStringLiteral("/services/data/v62.0/query"));
        query.setQuery(
            QUrlQuery {{QStringLiteral("q"),
                        QStringLiteral("SELECT Platform_Lead_Id__c, Lead_Score__c FROM Lead "
                                       "WHERE Platform_Lead_Id__c != null")}});
        const QJsonObject page = post(
            query, QByteArray(), token.value(QStringLiteral("access_token")).toString().toUtf8());
        QHash<QString, QJsonObject> leads;
        for (const QJsonValue &r : page.value(QStringLiteral("records")).toArray())
            leads.insert(r.toObject().value(QStringLiteral("Platform_Lead_Id__c")).toString(),
                         r.toObject());
        return leads;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // Two good leads the sandbox keeps, and three records a real source sends outside the
        // contract (listed as they are): a score of 130, a broken email, an item that is no
        // object at all.
        const QString seed = m_dir.filePath(QStringLiteral("seed.json"));
        QFile f(seed);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"leads\":[" + lead("L-1", "") + "," + lead("L-2", R"(,"score":40)")
                + "],\"raw_leads\":[" + lead("L-130", R"(,"score":130)") + ","
                + lead("L-MAIL", R"(,"email":"ada at example")") + R"(,"not a lead"]})");
        f.close();
        m_sandbox.start(qEnvironmentVariable("LB_SANDBOX_BIN"),
                        {QStringLiteral("--platform-seed"), seed,
                         QStringLiteral("--platform-api-key"), QStringLiteral("pk_bad"),
                         QStringLiteral("--save-interval"), QStringLiteral("0")});
        QVERIFY(m_sandbox.waitForStarted());
        QVERIFY(QTest::qWaitFor([&] { return m_sandbox.canReadLine(); }, 30'000));
        m_ready = QJsonDocument::fromJson(m_sandbox.readLine()).object();
        QVERIFY2(!m_ready.value(QStringLiteral("platformUrl")).toString().isEmpty(),
                 m_sandbox.readAllStandardError().constData());

        QVERIFY(m_brokenPlatform.listen(QHostAddress::LocalHost));
        connect(&m_brokenPlatform, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_brokenPlatform.nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, socket, [socket] {
                    if (!socket->readAll().contains("\r\n\r\n"))
                        return; // the requests carry no body: the head's end is the request's
                    const QByteArray body = R"({"error":"internal","message":"backend down"})";
                    socket->write("HTTP/1.1 500 Internal Server Error\r\nContent-Type: "
                                  "application/json\r\nConnection: close\r\nContent-Length: "
                                  + QByteArray::number(body.size()) + "\r\n\r\n" + body);
                    socket->disconnectFromHost();
                });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }

    void cleanupTestCase()
    {
        m_sandbox.terminate();
        m_sandbox.waitForFinished(10'000);
    }

    void badRecordsAreInboxItemsAndTheRestIsDelivered()
    {
        const QString profile = writeProfile(
            QStringLiteral("bad"), m_ready.value(QStringLiteral("platformUrl")).toString());
        const Run run = leadbridge(profile, {QStringLiteral("sync"), QStringLiteral("--once")});
        QVERIFY2(run.code == 1, run.err.constData());
        QVERIFY2(run.out.contains("2 went to the inbox"), run.out.constData());

        const QHash<QString, QJsonObject> leads = salesforceLeads();
        QCOMPARE(QSet<QString>(leads.keyBegin(), leads.keyEnd()),
                 (QSet<QString> {QStringLiteral("L-1"), QStringLiteral("L-2"),
                                 QStringLiteral("L-130")}));
        // Delivered clamped, as the default mapping says.
        QCOMPARE(
            leads.value(QStringLiteral("L-130")).value(QStringLiteral("Lead_Score__c")).toDouble(),
            100.0);
        QCOMPARE(
            leads.value(QStringLiteral("L-2")).value(QStringLiteral("Lead_Score__c")).toDouble(),
            40.0);

        const Run list = leadbridge(
            profile, {QStringLiteral("inbox"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(list.code, 0);
        const QJsonArray items = QJsonDocument::fromJson(list.out).array();
        QCOMPARE(items.size(), 2);
        QStringList payloads;
        for (const QJsonValue &item : items)
            payloads.append(item.toObject().value(QStringLiteral("payload")).toString());
        payloads.sort();
        // The item that is no object, exactly as listed; the lead with its email as sent.
        QCOMPARE(payloads.at(0), QStringLiteral(R"("not a lead")"));
        QVERIFY2(payloads.at(1).contains(QStringLiteral("ada at example"))
                     && payloads.at(1).contains(QStringLiteral("L-MAIL")),
                 qPrintable(payloads.at(1)));

        // A second pass finds nothing new: the same bad records are not parked twice.
        const Run again = leadbridge(profile, {QStringLiteral("sync"), QStringLiteral("--once")});
        QVERIFY2(again.code == 0, again.err.constData());
        const Run relist = leadbridge(
            profile, {QStringLiteral("inbox"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(QJsonDocument::fromJson(relist.out).array().size(), 2);
    }

    void aPlatformAnsweringFiveHundredExitsThreeNamingIt()
    {
        const QString profile = writeProfile(
            QStringLiteral("down"),
            QStringLiteral("http://127.0.0.1:%1").arg(m_brokenPlatform.serverPort()));
        const Run run = leadbridge(profile, {QStringLiteral("sync"), QStringLiteral("--once")});
        QVERIFY2(run.code == 3, run.err.constData());
        QVERIFY2(run.err.contains(
                     "The lead platform could not be read (listing leads, HTTP 500): backend down"),
                 run.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestSyncBadRecords)
#include "TestSyncBadRecords.moc"
