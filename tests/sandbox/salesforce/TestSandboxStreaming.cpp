#include "SfWire.h"
#include "util/Clock.h"

#include <QNetworkCookieJar>
#include <QSignalSpy>
#include <QTest>

using namespace lb;
using namespace lb::sandbox;
using namespace lb::test;
using namespace Qt::Literals::StringLiterals;

// The Streaming API over the wire: Bayeux handshake/connect/subscribe/unsubscribe/disconnect,
// the replay extension, Change Data Capture events from every kind of writer, and each error
// shape (bad token, unknown client, bad replayId, malformed and oversized bodies).
class TestSandboxStreaming : public QObject
{
    Q_OBJECT

    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<SalesforceSandbox> m_sandbox;
    std::unique_ptr<SfWire> m_wire;
    QString m_clientId;
    int m_nextId = 1;

    QList<std::pair<QByteArray, QByteArray>> headers(const QString &token) const
    {
        return {{"Authorization", "Bearer " + token.toLatin1()},
                {"Content-Type", "application/json"}};
    }
    WireReply post(const QByteArray &body, const QString &url = {})
    {
        return m_wire->send("POST", url.isEmpty() ? m_sandbox->cometdUrl() : url, body,
                            headers(m_wire->token));
    }
    WireReply post(const QJsonArray &messages)
    {
        return post(QJsonDocument(messages).toJson(QJsonDocument::Compact));
    }
    QJsonObject message(const QString &channel, QJsonObject fields = {})
    {
        fields.insert(u"channel"_s, channel);
        fields.insert(u"id"_s, QString::number(m_nextId++));
        if (!m_clientId.isEmpty() && channel != "/meta/handshake"_L1)
            fields.insert(u"clientId"_s, m_clientId);
        return fields;
    }
    QString handshake()
    {
        const WireReply r = post(QJsonArray {
            message(u"/meta/handshake"_s,
                    {{u"version"_s, u"1.0"_s},
                     {u"supportedConnectionTypes"_s, QJsonArray {u"long-polling"_s}}})});
        m_clientId = r.array().first().toObject().value(u"clientId").toString();
        return m_clientId;
    }
    QJsonObject subscribe(const QString &channel, std::optional<qint64> replay = std::nullopt)
    {
        QJsonObject fields {{u"subscription"_s, channel}};
        if (replay)
            fields.insert(u"ext"_s,
                          QJsonObject {{u"replay"_s, QJsonObject {{channel, double(*replay)}}}});
        return post(QJsonArray {message(u"/meta/subscribe"_s, fields)}).array().first().toObject();
    }
    QJsonArray connect()
    {
        return post(QJsonArray {
                        message(u"/meta/connect"_s, {{u"connectionType"_s, u"long-polling"_s}})})
            .array();
    }
    // The deliveries of a connect answer (everything but the meta replies).
    static QList<QJsonObject> deliveries(const QJsonArray &answer)
    {
        QList<QJsonObject> out;
        for (const QJsonValue &v : answer) {
            if (!v.toObject().value(u"channel").toString().startsWith(u"/meta/"))
                out.append(v.toObject());
        }
        return out;
    }
    static QJsonObject header(const QJsonObject &delivery)
    {
        return delivery.value(u"data")
            .toObject()
            .value(u"payload")
            .toObject()
            .value(u"ChangeEventHeader")
            .toObject();
    }
    static qint64 replayIdOf(const QJsonObject &delivery)
    {
        return qint64(delivery.value(u"data")
                          .toObject()
                          .value(u"event")
                          .toObject()
                          .value(u"replayId")
                          .toDouble());
    }
    // Handshake, subscribe, first connect (answered at once with the advice).
    void join(const QString &channel, std::optional<qint64> replay = std::nullopt)
    {
        QVERIFY(!handshake().isEmpty());
        QVERIFY(subscribe(channel, replay).value(u"successful").toBool());
        const QJsonArray first = connect();
        QVERIFY(first.last().toObject().value(u"successful").toBool());
    }
    QJsonObject lead(const QString &key, const QString &company = u"Acme"_s)
    {
        return {
            {u"LastName"_s, u"Nguyen"_s}, {u"Company"_s, company}, {u"Platform_Lead_Id__c"_s, key}};
    }

private slots:
    void init()
    {
        m_clock = std::make_unique<ManualClock>();
        SandboxConfig config;
        config.streamingTimeoutMs = 400; // the advised hold, short for tests
        m_sandbox = std::make_unique<SalesforceSandbox>(config, *m_clock);
        QVERIFY(m_sandbox->start().ok());
        m_wire = std::make_unique<SfWire>(*m_sandbox);
        QVERIFY(!m_wire->login().isEmpty());
        m_clientId.clear();
    }
    void cleanup()
    {
        m_wire.reset();
        m_sandbox.reset();
        m_clock.reset();
    }

    void handshakeAdvertisesReplayAndSetsCookie()
    {
        const WireReply r = post(QJsonArray {
            message(u"/meta/handshake"_s,
                    {{u"version"_s, u"1.0"_s},
                     {u"supportedConnectionTypes"_s, QJsonArray {u"long-polling"_s}}})});
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("Content-Type"), QByteArray("application/json;charset=UTF-8"));
        QVERIFY(r.header("Set-Cookie").startsWith("BAYEUX_BROWSER="));
        const QJsonObject h = r.array().first().toObject();
        QVERIFY(h.value(u"successful").toBool());
        QCOMPARE(h.value(u"clientId").toString().size(), 27);
        QCOMPARE(h.value(u"ext").toObject().value(u"replay"), QJsonValue(true));
        QCOMPARE(h.value(u"supportedConnectionTypes").toArray(), QJsonArray {u"long-polling"_s});
        QCOMPARE(h.value(u"id").toString(), u"1"_s);

        m_clientId = h.value(u"clientId").toString();
        const QJsonObject ack = connect().first().toObject();
        QVERIFY(ack.value(u"successful").toBool());
        const QJsonObject advice = ack.value(u"advice").toObject();
        QCOMPARE(advice.value(u"timeout").toInt(), 400);
        QCOMPARE(advice.value(u"reconnect").toString(), u"retry"_s);
    }

    void restUpdateArrivesOnHeldConnect()
    {
        const QString id = *m_sandbox->createRecord(u"Lead"_s, lead(u"P-1"_s));
        join(u"/data/LeadChangeEvent"_s);

        // Hold a connect, then write through REST with a call-options client.
        QNetworkRequest request {QUrl(m_sandbox->cometdUrl())};
        for (const auto &[name, value] : headers(m_wire->token))
            request.setRawHeader(name, value);
        QNetworkReply *held = m_wire->nam().post(
            request,
            QJsonDocument(QJsonArray {message(u"/meta/connect"_s,
                                              {{u"connectionType"_s, u"long-polling"_s}})})
                .toJson());
        QSignalSpy finished(held, &QNetworkReply::finished);
        QTest::qWait(50);
        QCOMPARE(finished.count(), 0);
        m_clock->advanceMs(5000);
        const WireReply w = m_wire->rest(
            "PATCH", u"/sobjects/Lead/"_s + id,
            QJsonDocument(QJsonObject {{u"Company"_s, u"Globex"_s}}).toJson(QJsonDocument::Compact),
            {{"Sforce-Call-Options", "client=writer-7"}});
        QCOMPARE(w.status, 204);
        QVERIFY(finished.count() == 1 || finished.wait(5000));
        const QJsonArray answer = QJsonDocument::fromJson(held->readAll()).array();
        held->deleteLater();

        const QList<QJsonObject> events = deliveries(answer);
        QCOMPARE(events.size(), 1);
        QCOMPARE(events[0].value(u"channel").toString(), u"/data/LeadChangeEvent"_s);
        QCOMPARE(answer.last().toObject().value(u"channel").toString(), u"/meta/connect"_s);
        QVERIFY(answer.last().toObject().value(u"successful").toBool());
        const QJsonObject data = events[0].value(u"data").toObject();
        QCOMPARE(data.value(u"schema").toString().size(), 22);
        const QJsonObject h = header(events[0]);
        QCOMPARE(h.value(u"entityName").toString(), u"Lead"_s);
        QCOMPARE(h.value(u"changeType").toString(), u"UPDATE"_s);
        QCOMPARE(h.value(u"changeOrigin").toString(),
                 u"com/salesforce/api/rest/62.0;client=writer-7"_s);
        QCOMPARE(h.value(u"recordIds").toArray(), QJsonArray {id});
        QCOMPARE(h.value(u"changedFields").toArray(),
                 (QJsonArray {u"Company"_s, u"LastModifiedDate"_s}));
        QCOMPARE(qint64(h.value(u"commitTimestamp").toDouble()), m_clock->nowMs());
        QCOMPARE(h.value(u"sequenceNumber").toInt(), 1);
        QCOMPARE(h.value(u"transactionKey").toString().size(), 36);
        QVERIFY(h.value(u"commitNumber").toDouble() > 0);
        QCOMPARE(h.value(u"commitUser").toString(), m_sandbox->config().users.first().userId);
        const QJsonObject payload = data.value(u"payload").toObject();
        QCOMPARE(payload.value(u"Company").toString(), u"Globex"_s);
        QVERIFY(payload.contains(u"LastModifiedDate"));
        QVERIFY(!payload.contains(u"LastName")); // only changed fields on UPDATE
    }

    void eventsForAClientThatHungUpWaitForItsNextConnect()
    {
        join(u"/data/LeadChangeEvent"_s);
        QNetworkRequest request {QUrl(m_sandbox->cometdUrl())};
        for (const auto &[name, value] : headers(m_wire->token))
            request.setRawHeader(name, value);
        QNetworkReply *held = m_wire->nam().post(
            request,
            QJsonDocument(QJsonArray {message(u"/meta/connect"_s,
                                              {{u"connectionType"_s, u"long-polling"_s}})})
                .toJson());
        QTest::qWait(50);
        held->abort(); // the client goes away while its connect is held
        held->deleteLater();
        QTest::qWait(50);
        QVERIFY(m_sandbox->createRecord(u"Lead"_s, lead(u"P-1"_s)).ok());
        const QList<QJsonObject> events = deliveries(connect());
        QCOMPARE(events.size(), 1);
        QCOMPARE(header(events[0]).value(u"changeType").toString(), u"CREATE"_s);
    }

    void platformEventsFanOut()
    {
        QVERIFY(!handshake().isEmpty());
        QCOMPARE(subscribe(u"/event/Nope__e"_s).value(u"error").toString(),
                 u"400::The channel you requested to subscribe to does not exist in "
                 u"{/event/Nope__e}"_s);
        join(u"/event/Lead_Assigned__e"_s);
        auto publish = [&](const QString &key) {
            return m_wire
                ->rest(
                    "POST", u"/sobjects/Lead_Assigned__e/"_s,
                    QJsonObject {{u"Platform_Lead_Id__c"_s, key}, {u"Agent_Id__c"_s, u"A-0042"_s}})
                .status;
        };
        QCOMPARE(publish(u"P-1"_s), 201);
        QVERIFY(m_sandbox->createRecord(u"Lead"_s, lead(u"P-2"_s)).ok()); // not on this channel
        QCOMPARE(publish(u"P-3"_s), 201);
        QList<QJsonObject> events;
        for (int i = 0; i < 3 && events.size() < 2; ++i)
            events += deliveries(connect());
        QCOMPARE(events.size(), 2);
        QCOMPARE(events[0].value(u"channel").toString(), u"/event/Lead_Assigned__e"_s);
        const QJsonObject payload
            = events[0].value(u"data").toObject().value(u"payload").toObject();
        QCOMPARE(payload.value(u"Platform_Lead_Id__c").toString(), u"P-1"_s);
        QVERIFY(payload.value(u"CreatedById").toString().startsWith(u"005"));
        QVERIFY(replayIdOf(events[1]) > replayIdOf(events[0]));

        // Replay: -2 gets both, a stored id only the later one.
        QVERIFY(!handshake().isEmpty());
        QVERIFY(subscribe(u"/event/Lead_Assigned__e"_s, -2).value(u"successful").toBool());
        QCOMPARE(deliveries(connect()).size(), 2);
        QVERIFY(!handshake().isEmpty());
        QVERIFY(subscribe(u"/event/Lead_Assigned__e"_s, replayIdOf(events[0]))
                    .value(u"successful")
                    .toBool());
        const QList<QJsonObject> later = deliveries(connect());
        QCOMPARE(later.size(), 1);
        QCOMPARE(later[0]
                     .value(u"data")
                     .toObject()
                     .value(u"payload")
                     .toObject()
                     .value(u"Platform_Lead_Id__c")
                     .toString(),
                 u"P-3"_s);
        QVERIFY(!subscribe(u"/event/Lead_Assigned__e"_s, 999).value(u"successful").toBool());
    }

    void heldConnectTimesOutEmpty()
    {
        join(u"/data/LeadChangeEvent"_s);
        const QJsonArray answer = connect(); // nothing happens: answered after the hold
        QCOMPARE(answer.size(), 1);
        QCOMPARE(answer.first().toObject().value(u"channel").toString(), u"/meta/connect"_s);
        QVERIFY(answer.first().toObject().value(u"successful").toBool());
        QVERIFY(!answer.first().toObject().contains(u"advice"));
    }

    void everyWriterProducesEvents()
    {
        join(u"/data/ChangeEvents"_s);
        // REST create of a People__c, Collections of two Leads, Composite, the C++ API.
        const WireReply created = m_wire->rest(
            "POST", u"/sobjects/People__c/"_s,
            QJsonObject {{u"Name"_s, u"Agent"_s}, {u"Platform_Agent_Id__c"_s, u"A-1"_s}});
        QCOMPARE(created.status, 201);
        const WireReply coll = m_wire->rest(
            "POST", u"/composite/sobjects"_s,
            QJsonObject {
                {u"allOrNone"_s, true},
                {u"records"_s,
                 QJsonArray {QJsonObject {{u"attributes"_s, QJsonObject {{u"type"_s, u"Lead"_s}}},
                                          {u"LastName"_s, u"A"_s},
                                          {u"Company"_s, u"C"_s}},
                             QJsonObject {{u"attributes"_s, QJsonObject {{u"type"_s, u"Lead"_s}}},
                                          {u"LastName"_s, u"B"_s},
                                          {u"Company"_s, u"C"_s}}}}});
        QCOMPARE(coll.status, 200);
        const QString a = coll.array()[0].toObject().value(u"id").toString();
        const QString b = coll.array()[1].toObject().value(u"id").toString();
        // One Collections update that makes the same change to both: one event, two ids.
        const WireReply same = m_wire->rest(
            "PATCH", u"/composite/sobjects"_s,
            QJsonObject {
                {u"allOrNone"_s, true},
                {u"records"_s,
                 QJsonArray {QJsonObject {{u"attributes"_s, QJsonObject {{u"type"_s, u"Lead"_s}}},
                                          {u"id"_s, a},
                                          {u"Status"_s, u"Working - Contacted"_s}},
                             QJsonObject {{u"attributes"_s, QJsonObject {{u"type"_s, u"Lead"_s}}},
                                          {u"id"_s, b},
                                          {u"Status"_s, u"Working - Contacted"_s}}}}});
        QCOMPARE(same.status, 200);
        const WireReply comp = m_wire->rest(
            "POST", u"/composite"_s,
            QJsonObject {{u"allOrNone"_s, false},
                         {u"compositeRequest"_s,
                          QJsonArray {QJsonObject {
                              {u"method"_s, u"DELETE"_s},
                              {u"url"_s, QString(u"/services/data/v62.0/sobjects/Lead/"_s + a)},
                              {u"referenceId"_s, u"del"_s}}}}});
        QCOMPARE(comp.status, 200);
        QVERIFY(m_sandbox->updateRecord(u"Lead"_s, b, {{u"Company"_s, u"UI"_s}}).ok());

        QList<QJsonObject> events;
        for (int i = 0; i < 5 && events.size() < 6; ++i)
            events += deliveries(connect());
        QCOMPARE(events.size(), 6);
        QCOMPARE(header(events[0]).value(u"entityName").toString(), u"People__c"_s);
        QCOMPARE(header(events[0]).value(u"changeType").toString(), u"CREATE"_s);
        QCOMPARE(header(events[0]).value(u"changedFields").toArray(), QJsonArray {});
        QCOMPARE(events[0].value(u"data").toObject().value(u"payload").toObject().value(u"Name"),
                 QJsonValue(u"Agent"_s));
        QCOMPARE(events[0].value(u"channel").toString(), u"/data/ChangeEvents"_s);
        // The two creates of one Collections call: one transaction, sequence 1 and 2.
        QCOMPARE(header(events[1]).value(u"changeType").toString(), u"CREATE"_s);
        QCOMPARE(header(events[1]).value(u"transactionKey"),
                 header(events[2]).value(u"transactionKey"));
        QCOMPARE(header(events[2]).value(u"sequenceNumber").toInt(), 2);
        QCOMPARE(header(events[3]).value(u"recordIds").toArray(), (QJsonArray {a, b}));
        QCOMPARE(header(events[3]).value(u"changeType").toString(), u"UPDATE"_s);
        QCOMPARE(header(events[4]).value(u"changeType").toString(), u"DELETE"_s);
        QCOMPARE(header(events[4]).value(u"recordIds").toArray(), QJsonArray {a});
        // (the C++ API write plays a UI user: no API origin)
        QCOMPARE(m_sandbox->changeEvents().last().changeOrigin, QString());
        QCOMPARE(m_sandbox->changeEvents().size(), 6);
        for (int i = 1; i < events.size(); ++i)
            QVERIFY(replayIdOf(events[i]) > replayIdOf(events[i - 1]));
    }

    void rolledBackWritesProduceNoEvents()
    {
        const QString id = *m_sandbox->createRecord(u"Lead"_s, lead(u"P-1"_s));
        const qsizetype before = m_sandbox->changeEvents().size();
        const WireReply r = m_wire->rest(
            "PATCH", u"/composite/sobjects"_s,
            QJsonObject {
                {u"allOrNone"_s, true},
                {u"records"_s,
                 QJsonArray {QJsonObject {{u"attributes"_s, QJsonObject {{u"type"_s, u"Lead"_s}}},
                                          {u"id"_s, id},
                                          {u"Company"_s, u"Rolled"_s}},
                             QJsonObject {{u"attributes"_s, QJsonObject {{u"type"_s, u"Lead"_s}}},
                                          {u"id"_s, id},
                                          {u"LastName"_s, QJsonValue()}}}}});
        QCOMPARE(r.status, 200);
        QCOMPARE(m_sandbox->changeEvents().size(), before);
    }

    void channelsFilterByObject()
    {
        join(u"/data/People__ChangeEvent"_s);
        QVERIFY(m_sandbox->createRecord(u"Lead"_s, lead(u"P-1"_s)).ok());
        QVERIFY(m_sandbox->createRecord(u"People__c"_s, {{u"Name"_s, u"Agent"_s}}).ok());
        const QList<QJsonObject> events = deliveries(connect());
        QCOMPARE(events.size(), 1);
        QCOMPARE(events[0].value(u"channel").toString(), u"/data/People__ChangeEvent"_s);
        QCOMPARE(header(events[0]).value(u"entityName").toString(), u"People__c"_s);
    }

    void replayFromStoredIdAllAndNew()
    {
        QStringList ids;
        for (int i = 0; i < 3; ++i)
            ids.append(*m_sandbox->createRecord(u"Lead"_s, lead(u"P-%1"_s.arg(i))));
        const QList<ChangeEvent> retained = m_sandbox->changeEvents();
        QCOMPARE(retained.size(), 3);

        join(u"/data/LeadChangeEvent"_s, -2); // everything retained, with the first connect
        m_clientId.clear();
        // -2 on a fresh client: all three, in order.
        QVERIFY(!handshake().isEmpty());
        QVERIFY(subscribe(u"/data/LeadChangeEvent"_s, -2).value(u"successful").toBool());
        QList<QJsonObject> all = deliveries(connect());
        QCOMPARE(all.size(), 3);
        QCOMPARE(replayIdOf(all[0]), retained[0].replayId);

        // After a stored id: only the later ones.
        QVERIFY(!handshake().isEmpty());
        QVERIFY(subscribe(u"/data/LeadChangeEvent"_s, retained[0].replayId)
                    .value(u"successful")
                    .toBool());
        const QList<QJsonObject> later = deliveries(connect());
        QCOMPARE(later.size(), 2);
        QCOMPARE(replayIdOf(later[0]), retained[1].replayId);
        QCOMPARE(header(later[1]).value(u"recordIds").toArray(), QJsonArray {ids[2]});

        // -1: nothing old, the next write only.
        QVERIFY(!handshake().isEmpty());
        QVERIFY(subscribe(u"/data/LeadChangeEvent"_s, -1).value(u"successful").toBool());
        QVERIFY(m_sandbox->updateRecord(u"Lead"_s, ids[1], {{u"Company"_s, u"New"_s}}).ok());
        const QList<QJsonObject> fresh = deliveries(connect());
        QCOMPARE(fresh.size(), 1);
        QCOMPARE(header(fresh[0]).value(u"changeType").toString(), u"UPDATE"_s);
    }

    void invalidReplayIds_data()
    {
        QTest::addColumn<QJsonValue>("replay");
        QTest::addColumn<QString>("shown");
        QTest::newRow("beyond the last") << QJsonValue(999999) << u"999999"_s;
        QTest::newRow("below -2") << QJsonValue(-7) << u"-7"_s;
        QTest::newRow("fraction") << QJsonValue(1.5) << u"1"_s;
        QTest::newRow("text") << QJsonValue(u"abc"_s) << u"\"abc\""_s;
    }
    void invalidReplayIds()
    {
        QFETCH(QJsonValue, replay);
        QFETCH(QString, shown);
        QVERIFY(!handshake().isEmpty());
        const QJsonObject r
            = post(QJsonArray {message(
                       u"/meta/subscribe"_s,
                       {{u"subscription"_s, u"/data/LeadChangeEvent"_s},
                        {u"ext"_s,
                         QJsonObject {
                             {u"replay"_s, QJsonObject {{u"/data/LeadChangeEvent"_s, replay}}}}}})})
                  .array()
                  .first()
                  .toObject();
        QVERIFY(!r.value(u"successful").toBool());
        QCOMPARE(r.value(u"error").toString(),
                 u"400::The replayId {%1} you provided was invalid.  Please provide a valid ID, -2 "
                 u"to replay all events, or -1 to replay only new events."_s.arg(shown));
        QCOMPARE(r.value(u"subscription").toString(), u"/data/LeadChangeEvent"_s);
    }

    void retentionIs72Hours()
    {
        QVERIFY(m_sandbox->createRecord(u"Lead"_s, lead(u"P-old"_s)).ok());
        const qint64 oldId = m_sandbox->changeEvents().first().replayId;
        m_clock->advanceMs(71LL * 3600 * 1000);
        QVERIFY(m_sandbox->createRecord(u"Lead"_s, lead(u"P-new"_s)).ok());
        m_clock->advanceMs(2LL * 3600 * 1000); // the first is now 73 h old
        QVERIFY(!m_wire->login().isEmpty()); // (the session has expired meanwhile)
        QVERIFY(!handshake().isEmpty());
        QVERIFY(subscribe(u"/data/LeadChangeEvent"_s, -2).value(u"successful").toBool());
        QCOMPARE(deliveries(connect()).size(), 1);
        // Resuming before the expired event would miss it: invalid. Resuming after it: fine.
        QVERIFY(!subscribe(u"/data/LeadChangeEvent"_s, oldId - 1).value(u"successful").toBool());
        QVERIFY(subscribe(u"/data/LeadChangeEvent"_s, oldId).value(u"successful").toBool());
    }

    void unknownClientAndDroppedClients()
    {
        m_clientId = u"nosuchclient"_s;
        const QJsonObject r = connect().first().toObject();
        QVERIFY(!r.value(u"successful").toBool());
        QCOMPARE(r.value(u"error").toString(), u"403::Unknown client"_s);
        QCOMPARE(r.value(u"advice").toObject().value(u"reconnect").toString(), u"handshake"_s);

        m_clientId.clear();
        join(u"/data/LeadChangeEvent"_s);
        QCOMPARE(m_sandbox->streamingClientCount(), 1);
        const WireReply drop = m_wire->send(
            "POST", m_sandbox->instanceUrl() + u"/__sandbox/streaming/drop-clients"_s);
        QCOMPARE(drop.status, 204);
        QCOMPARE(m_sandbox->streamingClientCount(), 0);
        QCOMPARE(connect().first().toObject().value(u"error").toString(), u"403::Unknown client"_s);
        QCOMPARE(subscribe(u"/data/LeadChangeEvent"_s).value(u"error").toString(),
                 u"403::Unknown client"_s);
    }

    void unsubscribeAndDisconnect()
    {
        join(u"/data/LeadChangeEvent"_s);
        const QJsonObject u
            = post(QJsonArray {message(u"/meta/unsubscribe"_s,
                                       {{u"subscription"_s, u"/data/LeadChangeEvent"_s}})})
                  .array()
                  .first()
                  .toObject();
        QVERIFY(u.value(u"successful").toBool());
        QVERIFY(m_sandbox->createRecord(u"Lead"_s, lead(u"P-1"_s)).ok());
        QCOMPARE(deliveries(connect()).size(), 0);
        const QJsonObject d
            = post(QJsonArray {message(u"/meta/disconnect"_s)}).array().first().toObject();
        QVERIFY(d.value(u"successful").toBool());
        QCOMPARE(m_sandbox->streamingClientCount(), 0);
        QCOMPARE(connect().first().toObject().value(u"error").toString(), u"403::Unknown client"_s);
    }

    void connectWithoutCookieFails()
    {
        QVERIFY(!handshake().isEmpty());
        m_wire->nam().setCookieJar(new QNetworkCookieJar(&m_wire->nam()));
        const QJsonObject r = connect().first().toObject();
        QVERIFY(!r.value(u"successful").toBool());
        QCOMPARE(r.value(u"error").toString(), u"403::Unknown client"_s);
        QVERIFY(r.value(u"ext")
                    .toObject()
                    .value(u"sfdc")
                    .toObject()
                    .value(u"failureReason")
                    .toString()
                    .contains(u"no BAYEUX_BROWSER cookie"));
    }

    void badTokenIsDenied()
    {
        m_wire->token = u"00Dbad!token"_s;
        const WireReply r = post(QJsonArray {message(u"/meta/handshake"_s)});
        QCOMPARE(r.status, 401);
        const QJsonObject m = r.array().first().toObject();
        QCOMPARE(m.value(u"error").toString(), u"403::Handshake denied"_s);
        QVERIFY(!m.value(u"successful").toBool());
        QCOMPARE(m.value(u"ext").toObject().value(u"sfdc").toObject().value(u"failureReason"),
                 QJsonValue(u"401::Authentication invalid"_s));
        QCOMPARE(m.value(u"advice").toObject().value(u"reconnect"), QJsonValue(u"none"_s));
    }

    void malformedRequests_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("error");
        QTest::newRow("not json") << QByteArray("[{\"channel\":") << u"/cometd/62.0"_s << 400
                                  << u"400::Malformed request"_s;
        QTest::newRow("not messages")
            << QByteArray("[1,2]") << u"/cometd/62.0"_s << 400 << u"400::Malformed request"_s;
        QTest::newRow("empty array")
            << QByteArray("[]") << u"/cometd/62.0"_s << 400 << u"400::Malformed request"_s;
        QTest::newRow("no version") << QByteArray("[]") << u"/cometd"_s << 400
                                    << u"400::API version in the URI is mandatory"_s;
        QTest::newRow("no channel") << QByteArray("[{\"id\":\"9\"}]") << u"/cometd/62.0"_s << 200
                                    << u"400::Message without a channel"_s;
        QTest::newRow("too large")
            << QByteArray(40000, ' ') << u"/cometd/62.0"_s << 413 << QString();
    }
    void malformedRequests()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, path);
        QFETCH(int, status);
        QFETCH(QString, error);
        const WireReply r = post(body, m_sandbox->instanceUrl() + path);
        QCOMPARE(r.status, status);
        if (error.isEmpty()) {
            QCOMPARE(r.body, QByteArray("Maximum Request Size Exceeded"));
            return;
        }
        QVERIFY2(r.array().first().toObject().value(u"error").toString().startsWith(error),
                 r.body.constData());
        // The endpoint keeps working for well-formed requests.
        QVERIFY(!handshake().isEmpty());
    }

    void unknownChannelAndGapEvents()
    {
        QVERIFY(!handshake().isEmpty());
        QCOMPARE(subscribe(u"/data/AccountChangeEvent"_s).value(u"error").toString(),
                 u"400::The channel you requested to subscribe to does not exist in "
                 u"{/data/AccountChangeEvent}"_s);
        m_clientId.clear();
        join(u"/data/LeadChangeEvent"_s);
        const QString id = *m_sandbox->createRecord(u"Lead"_s, lead(u"P-1"_s));
        QVERIFY(m_sandbox->emitGapEvent(u"Lead"_s, u"GAP_UPDATE"_s, {id}).ok());
        QVERIFY(m_sandbox->emitGapEvent(u"Lead"_s, u"GAP_OVERFLOW"_s).ok());
        QVERIFY(!m_sandbox->emitGapEvent(u"Lead"_s, u"GAP_SOMETHING"_s, {id}).ok());
        QVERIFY(!m_sandbox->emitGapEvent(u"Lead"_s, u"GAP_UPDATE"_s).ok());
        const QList<QJsonObject> events = deliveries(connect());
        QCOMPARE(events.size(), 3);
        QCOMPARE(header(events[1]).value(u"changeType").toString(), u"GAP_UPDATE"_s);
        QCOMPARE(header(events[1]).value(u"recordIds").toArray(), QJsonArray {id});
        QCOMPARE(header(events[2]).value(u"changeType").toString(), u"GAP_OVERFLOW"_s);
    }
};

QTEST_GUILESS_MAIN(TestSandboxStreaming)
#include "TestSandboxStreaming.moc"
