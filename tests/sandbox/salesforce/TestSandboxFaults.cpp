#include "SfWire.h"

#include <QTcpSocket>
#include <QTest>
#include <QUrl>

using namespace lb;
using namespace lb::sandbox;
using namespace lb::test;
using namespace Qt::Literals::StringLiterals;

// Fault injection, each kind observed from the client's side: 503s, slow, hung and dropped
// requests, UNABLE_TO_LOCK_ROW, expired sessions, a nearly spent allocation; the admin
// endpoint that sets them; determinism per seed.
class TestSandboxFaults : public QObject
{
    Q_OBJECT

    std::unique_ptr<SalesforceSandbox> m_sandbox;
    std::unique_ptr<SfWire> m_wire;
    QString m_leadId;

    void start(const FaultConfig &faults = {})
    {
        m_wire.reset();
        m_sandbox = std::make_unique<SalesforceSandbox>();
        QVERIFY(m_sandbox->start().ok());
        m_wire = std::make_unique<SfWire>(*m_sandbox);
        QVERIFY(!m_wire->login().isEmpty());
        m_leadId = *m_sandbox->createRecord(u"Lead"_s,
                                            {{u"LastName"_s, u"F"_s}, {u"Company"_s, u"F"_s}});
        m_sandbox->setFaults(faults);
    }
    WireReply admin(const QByteArray &method, const QString &what, const QByteArray &body = {})
    {
        return m_wire->send(method, m_sandbox->instanceUrl() + u"/__sandbox/"_s + what, body,
                            {{"Content-Type", "application/json"}});
    }
    WireReply readLead(int timeoutMs = 0)
    {
        return m_wire->send("GET", m_sandbox->restBaseUrl() + u"/sobjects/Lead/"_s + m_leadId, {},
                            {{"Authorization", "Bearer " + m_wire->token.toLatin1()}}, timeoutMs);
    }
    QList<int> statuses(int count)
    {
        QList<int> out;
        for (int i = 0; i < count; ++i)
            out.append(readLead().status);
        return out;
    }

private slots:
    void init() { start(); }
    void cleanup()
    {
        m_wire.reset();
        m_sandbox.reset();
    }

    void serviceUnavailable()
    {
        FaultConfig faults;
        faults.fail503 = 1.0;
        m_sandbox->setFaults(faults);
        const qint64 used = m_sandbox->apiUsed();
        const WireReply r = readLead();
        QCOMPARE(r.status, 503);
        QCOMPARE(r.body,
                 QByteArray("[{\"message\":\"Server is temporarily unavailable. Please try "
                            "again later.\",\"errorCode\":\"SERVER_UNAVAILABLE\"}]"));
        QCOMPARE(r.header("Content-Type"), QByteArray("application/json;charset=UTF-8"));
        QVERIFY(r.hasHeader("Sforce-Limit-Info"));
        QCOMPARE(m_sandbox->apiUsed(), used);
        QCOMPARE(m_sandbox->faultCounters().fail503, 1);
        // OAuth is left alone unless asked for.
        QVERIFY(!m_wire->login().isEmpty());
        faults.includeAuth = true;
        m_sandbox->setFaults(faults);
        QVERIFY(m_wire->login().isEmpty());
    }

    void shareIsDeterministicPerSeed()
    {
        FaultConfig faults;
        faults.fail503 = 0.3;
        faults.seed = 42;
        m_sandbox->setFaults(faults);
        const QList<int> first = statuses(200);
        const int failures = int(first.count(503));
        QVERIFY2(failures > 30 && failures < 100, qPrintable(QString::number(failures)));
        QCOMPARE(first.count(200), 200 - failures);
        QCOMPARE(m_sandbox->faultCounters().fail503, failures);
        m_sandbox->setFaults(faults); // same seed again: the same requests fail
        QCOMPARE(statuses(200), first);
        faults.seed = 43;
        m_sandbox->setFaults(faults);
        QVERIFY(statuses(200) != first);
    }

    void slowAnswers()
    {
        FaultConfig faults;
        faults.slowMs = 30'000;
        m_sandbox->setFaults(faults);
        // Far slower than the client is willing to wait...
        const WireReply late = readLead(300);
        QCOMPARE(late.status, 0);
        QVERIFY(late.error == QNetworkReply::OperationCanceledError
                || late.error == QNetworkReply::TimeoutError);
        QCOMPARE(m_sandbox->faultCounters().slow, 1);
        // ...while a short delay still answers.
        faults.slowMs = 20;
        m_sandbox->setFaults(faults);
        QCOMPARE(readLead(30'000).status, 200);
        QCOMPARE(m_sandbox->faultCounters().slow, 2);
    }

    void hungRequests()
    {
        FaultConfig faults;
        faults.hangRate = 1.0;
        m_sandbox->setFaults(faults);
        const WireReply r = readLead(300);
        QCOMPARE(r.status, 0);
        QVERIFY(r.error == QNetworkReply::OperationCanceledError
                || r.error == QNetworkReply::TimeoutError);
        QCOMPARE(m_sandbox->faultCounters().hang, 1);
        m_sandbox->setFaults({});
        QCOMPARE(readLead().status, 200);
    }

    void droppedConnections()
    {
        FaultConfig faults;
        faults.dropRate = 1.0;
        m_sandbox->setFaults(faults);
        const WireReply r = readLead();
        QCOMPARE(r.status, 0);
        QVERIFY2(r.error == QNetworkReply::RemoteHostClosedError,
                 qPrintable(QString::number(r.error)));
        // (QNAM may resend once on a fresh connection, so it can count twice.)
        const qint64 dropped = m_sandbox->faultCounters().drop;
        QVERIFY(dropped >= 1);
        // On a raw socket: the connection closes and not one byte of an answer arrives.
        QTcpSocket socket;
        const QUrl url(m_sandbox->instanceUrl());
        socket.connectToHost(url.host(), quint16(url.port()));
        QVERIFY(socket.waitForConnected(5000));
        socket.write("GET /services/data/v62.0/limits HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                     + m_wire->token.toLatin1() + "\r\n\r\n");
        QTRY_VERIFY_WITH_TIMEOUT(socket.state() == QAbstractSocket::UnconnectedState, 10'000);
        QCOMPARE(socket.readAll(), QByteArray());
        QCOMPARE(m_sandbox->faultCounters().drop, dropped + 1);
    }

    void lockedRows()
    {
        FaultConfig faults;
        faults.lockRate = 1.0;
        m_sandbox->setFaults(faults);
        WireReply r = m_wire->rest("PATCH", u"/sobjects/Lead/"_s + m_leadId,
                                   QByteArray("{\"Company\":\"G\"}"));
        QCOMPARE(r.status, 400);
        QCOMPARE(r.body,
                 "[{\"message\":\"unable to obtain exclusive access to this record or 1 "
                 "records: "
                     + m_leadId.toLatin1()
                     + "\",\"errorCode\":\"UNABLE_TO_LOCK_ROW\",\"fields\":[]}]");
        r = m_wire->rest("POST", u"/sobjects/Lead"_s,
                         QByteArray("{\"LastName\":\"x\",\"Company\":\"y\"}"));
        QCOMPARE(r.errorCode(), u"UNABLE_TO_LOCK_ROW"_s);
        QCOMPARE(readLead().status, 200); // reads take no lock
        QCOMPARE(m_sandbox->record(u"Lead"_s, m_leadId)->value(u"Company").toString(), u"F"_s);
        QCOMPARE(m_sandbox->faultCounters().lock, 2);
    }

    void adminEndpoint()
    {
        WireReply r = admin("POST", u"faults"_s, "{\"fail503\":1,\"slowMs\":5,\"seed\":3}");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.object().value(u"fail503").toDouble(), 1.0);
        QCOMPARE(readLead().status, 503);
        // Admin calls are never faulted nor counted.
        const qint64 used = m_sandbox->apiUsed();
        QCOMPARE(admin("GET", u"stats"_s).status, 200);
        QCOMPARE(m_sandbox->apiUsed(), used);
        for (const QByteArray &bad : {QByteArray("{\"fail503\":2}"), QByteArray("{\"nope\":1}"),
                                      QByteArray("{\"slowMs\":\"x\"}"), QByteArray("[")}) {
            r = admin("POST", u"faults"_s, bad);
            QCOMPARE(r.status, 400);
            QVERIFY(!r.object().value(u"message").toString().isEmpty());
        }
        QCOMPARE(m_sandbox->faults().fail503, 1.0); // bad input changed nothing
        QCOMPARE(admin("POST", u"faults"_s, "{\"fail503\":0,\"slowMs\":0}").status, 200);
        QCOMPARE(readLead().status, 200);
        QCOMPARE(admin("GET", u"nothing"_s).status, 404);
    }

    void allocationNearlySpent()
    {
        const WireReply r = admin("POST", u"api-usage"_s, "{\"used\":99999,\"max\":100000}");
        QCOMPARE(r.status, 200);
        QCOMPARE(readLead().status, 200);
        const WireReply refused = readLead();
        QCOMPARE(refused.status, 403);
        QCOMPARE(refused.errorCode(), u"REQUEST_LIMIT_EXCEEDED"_s);
        QCOMPARE(admin("POST", u"api-usage"_s, "{\"used\":-1}").status, 400);
        QCOMPARE(admin("POST", u"api-usage"_s, "{\"used\":0}").status, 200);
        QCOMPARE(readLead().status, 200);
    }

    void expireSessionsNow()
    {
        QCOMPARE(readLead().status, 200);
        QCOMPARE(admin("POST", u"expire-sessions"_s).status, 200);
        const WireReply r = readLead();
        QCOMPARE(r.status, 401);
        QCOMPARE(r.errorCode(), u"INVALID_SESSION_ID"_s);
        QVERIFY(!m_wire->login().isEmpty());
        QCOMPARE(readLead().status, 200);
    }

    void statsShowTheWriteLog()
    {
        QVERIFY(m_wire
                    ->rest("PATCH", u"/sobjects/Lead/"_s + m_leadId,
                           QByteArray("{\"Company\":\"H\"}"),
                           {{"Sforce-Call-Options", "client=LeadBridge"}})
                    .status
                == 204);
        const WireReply r = admin("GET", u"stats?since=1&object=Lead&externalId=x"_s);
        const QJsonObject stats = r.object();
        const QJsonArray log = stats.value(u"writeLog").toArray();
        QCOMPARE(log.size(), 1); // since=1 skips the creation
        const QJsonObject entry = log.first().toObject();
        QCOMPARE(entry.value(u"client").toString(), u"LeadBridge"_s);
        QCOMPARE(entry.value(u"id").toString(), m_leadId);
        QCOMPARE(entry.value(u"fields").toArray(), QJsonArray {u"Company"_s});
        QCOMPARE(entry.value(u"changed").toBool(), true);
        QCOMPARE(stats.value(u"writes")
                     .toObject()
                     .value(u"byClient")
                     .toObject()
                     .value(u"LeadBridge")
                     .toInt(),
                 1);
        QCOMPARE(stats.value(u"apiUsage")
                     .toObject()
                     .value(u"byKind")
                     .toObject()
                     .value(u"update")
                     .toInt(),
                 1);
        QVERIFY(stats.contains(u"writeCountFor"));
    }
};

QTEST_GUILESS_MAIN(TestSandboxFaults)
#include "TestSandboxFaults.moc"
