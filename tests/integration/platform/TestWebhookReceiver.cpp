#include "RawHttp.h"
#include "TestBackend.h"
#include "platform/WebhookReceiver.h"
#include "platform/WebhookSignature.h"
#include "store/Store.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace lb;
using namespace lb::platform;
using lb::test::RawHttp;
using lb::test::RawResponse;
using namespace Qt::StringLiterals;

namespace {

const QByteArray kSecret = "whsec_receiver_test";
const QByteArray kPath = "/hooks/platform";
constexpr qint64 kStartMs = 1'767'225'600'000; // 2026-01-01T00:00:00Z

QByteArray leadJson(const QByteArray &extra = {})
{
    return "{\"id\":\"L-1\",\"first_name\":\"Ada\",\"last_name\":\"Lovelace\","
           "\"updated_at\":\"2026-01-01T00:00:00.000Z\",\"updated_by\":\"platform\","
           "\"version\":2"
        + extra + "}";
}

QByteArray eventJson(const QByteArray &eventId = "evt_1", const QByteArray &type = "lead.updated",
                     const QByteArray &data = leadJson())
{
    return "{\"event_id\":\"" + eventId + "\",\"type\":\"" + type
        + "\",\"occurred_at\":\"2026-01-01T00:00:01.000Z\",\"data\":" + data + "}";
}

} // namespace

// The webhook receiver against everything a caller can get wrong. Every rejection must name
// what was wrong and store nothing; a good event is stored exactly once however often it
// arrives. Runs on SQLite and on PostgreSQL (LB_TEST_BACKEND).
class TestWebhookReceiver : public QObject
{
    Q_OBJECT

    struct Post
    {
        QByteArray body = eventJson();
        qint64 signedAtOffsetS = 0; // relative to the receiver's clock
        QByteArray secret = kSecret;
        QByteArray signature; // overrides the computed one when set
        bool withSignature = true;
        QByteArray contentType = "application/json";
        QByteArray method = "POST";
        QByteArray path = kPath;
    };

    QByteArray build(const Post &p) const
    {
        RawHttp::Headers headers;
        if (!p.contentType.isEmpty())
            headers.append({QByteArray("Content-Type"), p.contentType});
        if (p.withSignature) {
            const qint64 t = m_clock.nowMs() / 1000 + p.signedAtOffsetS;
            headers.append({QByteArray(WebhookSignature::HeaderName),
                            p.signature.isEmpty() ? WebhookSignature::header(p.secret, t, p.body)
                                                  : p.signature});
        }
        return RawHttp::request(p.method, p.path, headers, p.body);
    }

    qint64 storedCount()
    {
        auto n = m_store->events().count();
        return n ? *n : -1;
    }

    QTemporaryDir m_dir;
    ManualClock m_clock {kStartMs};
    std::unique_ptr<Store> m_store;
    std::unique_ptr<WebhookReceiver> m_receiver;

private slots:
    void init()
    {
        m_clock.setNowMs(kStartMs);
        auto config = lb::test::TestBackend::freshStore(m_dir);
        QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error().message));
        auto store = Store::open(*config, m_clock, QStringLiteral("receiver-test"));
        QVERIFY2(store.ok(), qPrintable(store.ok() ? QString() : store.error().message));
        m_store = std::move(store).value();
        WebhookReceiver::Settings settings;
        settings.listen.port = 0;
        settings.secret = kSecret;
        m_receiver = std::make_unique<WebhookReceiver>(*m_store, m_clock, settings);
        auto port = m_receiver->start();
        QVERIFY2(port.ok(), qPrintable(port.ok() ? QString() : port.error().message));
        QCOMPARE(storedCount(), Q_INT64_C(0));
    }

    void cleanup()
    {
        m_receiver.reset();
        m_store.reset();
    }

    void goodEventIsStored()
    {
        QSignalSpy stored(m_receiver.get(), &WebhookReceiver::eventStored);
        const RawResponse r = RawHttp::exchange(m_receiver->port(), build(Post {}));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("status")).toString(), QStringLiteral("stored"));
        QCOMPARE(storedCount(), Q_INT64_C(1));
        auto events = m_store->events().pending(10);
        QVERIFY(events.ok());
        QCOMPARE(events->first().eventId, QStringLiteral("evt_1"));
        QCOMPARE(events->first().source, QStringLiteral("webhook"));
        QCOMPARE(events->first().type, QStringLiteral("lead.updated"));
        QCOMPARE(events->first().payload, eventJson()); // raw, byte for byte
        QCOMPARE(events->first().occurredAt, Q_INT64_C(1767225601000));
        QCOMPARE(events->first().receivedAt, m_clock.nowMs());
        QTRY_COMPARE(stored.size(), 1);
        QCOMPARE(stored.first().first().toString(), QStringLiteral("evt_1"));
    }

    void badInput_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        m_clock.setNowMs(kStartMs); // the rows are signed against the clock each test starts at

        const auto row = [this](const char *name, Post p, int status, const char *code) {
            QTest::newRow(name) << build(p) << status << QString::fromLatin1(code);
        };
        Post p;
        p.withSignature = false;
        row("missing signature", p, 401, "signature_missing");
        p = Post {};
        p.signature = "t=abc,v1=zz";
        row("garbled signature", p, 401, "signature_malformed");
        p.signature = "sha256=" + QByteArray(64, 'a');
        row("other scheme's signature", p, 401, "signature_malformed");
        p = Post {};
        p.signedAtOffsetS = -301;
        row("expired signature", p, 401, "signature_expired");
        p.signedAtOffsetS = 301;
        row("future signature", p, 401, "signature_future");
        p = Post {};
        p.signature
            = "t=" + QByteArray::number(m_clock.nowMs() / 1000) + ",v1=" + QByteArray(64, 'f');
        row("forged signature", p, 401, "signature_mismatch");
        p = Post {};
        p.secret = "whsec_someone_else";
        row("wrong secret", p, 401, "signature_mismatch");
        p = Post {};
        p.signature = WebhookSignature::header(kSecret, m_clock.nowMs() / 1000, eventJson("evt_2"));
        row("signature of another body", p, 401, "signature_mismatch");
        p = Post {};
        p.signedAtOffsetS = -3600;
        row("replayed old request", p, 401, "signature_expired");
        p = Post {};
        p.body = eventJson("evt_big", "lead.updated",
                           leadJson(",\"company\":\"" + QByteArray(1024 * 1024, 'x') + "\""));
        p.body = p.body.left(1024 * 1024 + 1);
        QVERIFY(p.body.size() == 1024 * 1024 + 1);
        row("1 MiB + 1 byte", p, 413, "payload_too_large");
        p = Post {};
        p.body = eventJson().left(60);
        row("truncated JSON", p, 400, "invalid_json");
        p.body.clear();
        row("empty body", p, 400, "invalid_json");
        p.body = "[1,2,3]";
        row("JSON array", p, 400, "invalid_json");
        p = Post {};
        p.contentType = "text/plain";
        row("wrong content type", p, 415, "unsupported_media_type");
        p.contentType = "application/x-www-form-urlencoded";
        row("form content type", p, 415, "unsupported_media_type");
        p.contentType.clear();
        row("no content type", p, 415, "unsupported_media_type");
        p = Post {};
        p.body = eventJson("evt_1", "lead.exploded");
        row("unknown type", p, 422, "unknown_event_type");
        p.body = eventJson("evt_1'; DROP TABLE inbound_events; --");
        row("SQL in event_id", p, 400, "invalid_event");
        p.body = eventJson("evt_1", "lead.updated'); DELETE FROM inbound_events; --");
        row("SQL in type", p, 422, "unknown_event_type");
        p.body = eventJson().replace("Lovelace", "Love\0lace"_ba);
        row("NUL byte in body", p, 400, "invalid_json");
        p.body = eventJson("evt_\\u0000");
        row("NUL in event_id", p, 400, "invalid_event");
        p.body = eventJson().replace("Lovelace", "Love\\u0000lace");
        row("NUL in name", p, 422, "invalid_data");
        p.body = eventJson("evt_1", "lead.updated",
                           leadJson(",\"company\":\"" + QByteArray(100 * 1024, 'n') + "\""));
        row("100 KB name", p, 422, "invalid_data");
        p.body = eventJson().replace("Lovelace", "Love\xff\xfe");
        row("invalid UTF-8", p, 400, "invalid_json");
        p.body = eventJson().replace("Lovelace", "\\ud800");
        row("lone surrogate", p, 422, "invalid_data");
        p.body = eventJson("evt_1", "lead.updated", leadJson(",\"score\":1000"));
        row("score out of range", p, 422, "invalid_data");
        p.body = eventJson().replace("\"version\":2", "\"version\":\"2\"");
        row("version as text", p, 422, "invalid_data");
        p.body = eventJson().replace("\"occurred_at\":\"2026-01-01T00:00:01.000Z\"",
                                     "\"occurred_at\":\"yesterday\"");
        row("occurred_at garbage", p, 400, "invalid_event");
        p = Post {};
        p.method = "GET";
        row("GET", p, 405, "method_not_allowed");
        p = Post {};
        p.path = "/hooks/other";
        row("wrong path", p, 404, "not_found");

        // Requests only raw bytes can make.
        const QByteArray sig
            = WebhookSignature::header(kSecret, m_clock.nowMs() / 1000, eventJson());
        const RawHttp::Headers json {{"Content-Type", "application/json"},
                                     {WebhookSignature::HeaderName, sig}};
        QTest::newRow("10 GB declared, nothing sent")
            << RawHttp::request("POST", kPath, json, {}, Q_INT64_C(10'000'000'000)) << 413
            << "payload_too_large";
        QTest::newRow("Content-Length beyond 64 bits")
            << RawHttp::request("POST", kPath, json, {}, -2)
                   .replace("\r\n\r\n", "\r\nContent-Length: 99999999999999999999999\r\n\r\n")
            << 413 << "payload_too_large";
        QTest::newRow("Content-Length not a number")
            << RawHttp::request("POST", kPath, json, {}, -2)
                   .replace("\r\n\r\n", "\r\nContent-Length: 12abc\r\n\r\n")
            << 400 << "bad_request";
        QTest::newRow("chunked body")
            << RawHttp::request("POST", kPath,
                                json + RawHttp::Headers {{"Transfer-Encoding", "chunked"}},
                                "5\r\nhello\r\n0\r\n\r\n", -2)
            << 411 << "length_required";
        QTest::newRow("duplicate signature header, first wrong")
            << RawHttp::request("POST", kPath,
                                RawHttp::Headers {{"Content-Type", "application/json"},
                                                  {WebhookSignature::HeaderName, "t=1,v1=x"},
                                                  {WebhookSignature::HeaderName, sig}},
                                eventJson())
            << 401 << "signature_malformed";
    }

    void badInput()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        QFETCH(QString, code);
        QSignalSpy stored(m_receiver.get(), &WebhookReceiver::eventStored);
        const RawResponse r = RawHttp::exchange(m_receiver->port(), request);
        QCOMPARE(r.status, status);
        QCOMPARE(r.header("Content-Type"), QByteArray("application/json"));
        const QJsonObject body = r.json();
        QCOMPARE(body.value(QStringLiteral("error")).toString(), code);
        QVERIFY(!body.value(QStringLiteral("message")).toString().isEmpty());
        QVERIFY(r.body.size() < 2000); // the answer does not echo hostile input back
        QCOMPARE(storedCount(), Q_INT64_C(0));
        QCOMPARE(stored.size(), 0);
        QCOMPARE(m_receiver->stats().stored, 0u);
        QVERIFY(m_receiver->stats().rejected >= 1u);

        // The receiver still works afterwards.
        QCOMPARE(RawHttp::exchange(m_receiver->port(), build(Post {})).status, 200);
        QCOMPARE(storedCount(), Q_INT64_C(1));
    }

    void oversizedBodyIsRefusedBeforeItIsRead()
    {
        // Only the headers are sent: the answer comes from the Content-Length alone.
        const RawResponse r = RawHttp::exchange(
            m_receiver->port(),
            RawHttp::request("POST", kPath, {{"Content-Type", "application/json"}}, {},
                             Q_INT64_C(2) * 1024 * 1024 * 1024));
        QCOMPARE(r.status, 413);
        QCOMPARE(r.header("Connection"), QByteArray("close"));
        QCOMPARE(m_receiver->stats().rejected, 1u);
        QCOMPARE(storedCount(), Q_INT64_C(0));
    }

    void headersInPiecesCannotSmuggleAHugeBody()
    {
        // The header block comes in two reads, so its length is not known up front (and the
        // chunked encoding is not seen at first); the bytes are counted instead.
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), m_receiver->port());
        QTRY_COMPARE(socket.state(), QAbstractSocket::ConnectedState);
        socket.write("POST /hooks/platform HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        QTRY_COMPARE(m_receiver->stats().headersInPieces, 1u);
        socket.write("Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        const QByteArray chunk = "10000\r\n" + QByteArray(0x10000, 'x') + "\r\n";
        for (int i = 0; i < 40; ++i) // 2.5 MiB, more than any request may hold
            socket.write(chunk);
        QByteArray received;
        QTRY_VERIFY_WITH_TIMEOUT((received += socket.readAll()).contains("\r\n\r\n{"), 20'000);
        QVERIFY2(received.startsWith("HTTP/1.1 413 "), received.left(100).constData());
        QVERIFY(received.contains("payload_too_large"));
        QCOMPARE(m_receiver->stats().refusedBeforeReading, 1u);
        QCOMPARE(storedCount(), Q_INT64_C(0));
        socket.abort();
        QCOMPARE(RawHttp::exchange(m_receiver->port(), build(Post {})).status, 200);
    }

    void goodEventDeliveredTwentyTimesInParallelIsStoredOnce()
    {
        QSignalSpy stored(m_receiver.get(), &WebhookReceiver::eventStored);
        const QByteArray request = build(Post {});
        const QList<RawResponse> answers
            = RawHttp::exchangeAll(m_receiver->port(), QList<QByteArray>(20, request));
        QCOMPARE(answers.size(), 20);
        int storedAnswers = 0;
        for (const RawResponse &r : answers) {
            QCOMPARE(r.status, 200);
            if (r.json().value(QStringLiteral("status")).toString() == QLatin1String("stored"))
                ++storedAnswers;
        }
        QCOMPARE(storedAnswers, 1);
        QCOMPARE(storedCount(), Q_INT64_C(1));
        QCOMPARE(m_receiver->stats().stored, 1u);
        QCOMPARE(m_receiver->stats().duplicates, 19u);
        QTRY_COMPARE(stored.size(), 1);
    }

    void headerNamesAreCaseInsensitive()
    {
        const QByteArray body = eventJson();
        const RawResponse r = RawHttp::exchange(
            m_receiver->port(),
            RawHttp::request("POST", kPath,
                             {{"content-type", "Application/JSON; charset=utf-8"},
                              {"x-leadplatform-signature",
                               WebhookSignature::header(kSecret, m_clock.nowMs() / 1000, body)}},
                             body));
        QCOMPARE(r.status, 200);
        QCOMPARE(storedCount(), Q_INT64_C(1));
    }

    void repeatedEventIdIsAnsweredAndStoredOnce()
    {
        for (int i = 0; i < 3; ++i) {
            const RawResponse r = RawHttp::exchange(m_receiver->port(), build(Post {}));
            QCOMPARE(r.status, 200);
            QCOMPARE(r.json().value(QStringLiteral("status")).toString(),
                     i == 0 ? QStringLiteral("stored") : QStringLiteral("duplicate"));
        }
        // The same event id with another body (a redelivery with a newer timestamp) too.
        Post changed;
        changed.body = eventJson("evt_1", "lead.updated", leadJson(",\"score\":5"));
        QCOMPARE(RawHttp::exchange(m_receiver->port(), build(changed)).status, 200);
        QCOMPARE(storedCount(), Q_INT64_C(1));
    }

    void replayOfACapturedRequestAfterTheWindow()
    {
        const QByteArray captured = build(Post {});
        QCOMPARE(RawHttp::exchange(m_receiver->port(), captured).status, 200);
        m_clock.advanceMs(301'000);
        const RawResponse replay = RawHttp::exchange(m_receiver->port(), captured);
        QCOMPARE(replay.status, 401);
        QCOMPARE(replay.json().value(QStringLiteral("error")).toString(),
                 QStringLiteral("signature_expired"));
        QCOMPARE(storedCount(), Q_INT64_C(1));
    }

    void hostileButValidTextIsStoredVerbatim()
    {
        Post p;
        p.body = eventJson("evt_sql", "lead.created",
                           leadJson(",\"company\":\"O'Brien'); DROP TABLE inbound_events; --\""));
        const RawResponse r = RawHttp::exchange(m_receiver->port(), build(p));
        QCOMPARE(r.status, 200);
        QCOMPARE(storedCount(), Q_INT64_C(1));
        auto events = m_store->events().pending(10);
        QVERIFY(events.ok());
        QCOMPARE(events->first().payload, p.body);
    }

    void storeFailureAnswers503AndKeepsNothing()
    {
        m_store->database().failAfterStatements(1);
        const RawResponse r = RawHttp::exchange(m_receiver->port(), build(Post {}));
        QCOMPARE(r.status, 503);
        QCOMPARE(r.json().value(QStringLiteral("error")).toString(),
                 QStringLiteral("store_unavailable"));
        QCOMPARE(r.header("Retry-After"), QByteArray("5"));
        m_store->database().failAfterStatements(0);
        QCOMPARE(storedCount(), Q_INT64_C(0));
        // The platform's redelivery then goes through.
        QCOMPARE(RawHttp::exchange(m_receiver->port(), build(Post {})).status, 200);
        QCOMPARE(storedCount(), Q_INT64_C(1));
    }

    void secretRotation()
    {
        m_receiver->setSecret("whsec_new");
        QCOMPARE(RawHttp::exchange(m_receiver->port(), build(Post {})).status, 401);
        Post p;
        p.secret = "whsec_new";
        QCOMPARE(RawHttp::exchange(m_receiver->port(), build(p)).status, 200);
    }

    void listensOnlyWhereAllowed()
    {
        WebhookReceiver::Settings settings;
        settings.secret = kSecret;
        settings.listen.address = QHostAddress(QHostAddress::AnyIPv4);
        settings.listen.port = 0;
        WebhookReceiver open(*m_store, m_clock, settings);
        const auto refused = open.start();
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, QStringLiteral("webhook_listen_refused"));
        QVERIFY(!open.isListening());

        auto fromProfile
            = WebhookReceiver::settingsFromProfile(QStringLiteral("0.0.0.0:0"), kSecret);
        QVERIFY(fromProfile.ok());
        WebhookReceiver allowed(*m_store, m_clock, *fromProfile);
        QVERIFY(allowed.start().ok());
        QVERIFY(allowed.isListening());

        auto byDefault = WebhookReceiver::settingsFromProfile(QString(), kSecret);
        QVERIFY(byDefault.ok());
        QCOMPARE(byDefault->listen.toString(), QStringLiteral("127.0.0.1:8787"));
        QVERIFY(!byDefault->listenFromProfile);

        settings = WebhookReceiver::Settings {};
        settings.listen.port = 0;
        WebhookReceiver noSecret(*m_store, m_clock, settings);
        QCOMPARE(noSecret.start().error().code, QStringLiteral("webhook_secret_missing"));
    }

    void listenAddresses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("parsed"); // empty = invalid
        QTest::newRow("IPv4") << "127.0.0.1:8787"
                              << "127.0.0.1:8787";
        QTest::newRow("localhost") << "localhost:9000"
                                   << "127.0.0.1:9000";
        QTest::newRow("IPv6") << "[::1]:8787"
                              << "[::1]:8787";
        QTest::newRow("any") << "0.0.0.0:80"
                             << "0.0.0.0:80";
        QTest::newRow("blanks") << " 127.0.0.1:1 "
                                << "127.0.0.1:1";
        QTest::newRow("no port") << "127.0.0.1"
                                 << "";
        QTest::newRow("port too big") << "127.0.0.1:65536"
                                      << "";
        QTest::newRow("host name") << "example.com:80"
                                   << "";
        QTest::newRow("bare IPv6") << "::1:8787"
                                   << "";
        QTest::newRow("signed port") << "127.0.0.1:+80"
                                     << "";
        QTest::newRow("empty") << ""
                               << "";
    }

    void listenAddresses()
    {
        QFETCH(QString, text);
        QFETCH(QString, parsed);
        const auto a = WebhookListenAddress::parse(text);
        QCOMPARE(a.ok(), !parsed.isEmpty());
        if (a.ok())
            QCOMPARE(a->toString(), parsed);
        else
            QCOMPARE(a.error().code, QStringLiteral("invalid_webhook_listen"));
    }
};

QTEST_GUILESS_MAIN(TestWebhookReceiver)
#include "TestWebhookReceiver.moc"
