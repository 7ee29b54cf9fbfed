#include "LoopbackServer.h"
#include "platform/LeadPlatformClient.h"

#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>
#include <QUrlQuery>

#include <deque>

using namespace lb;
using namespace lb::platform;

// The client's own error paths against a canned server that answers whatever the test
// queues: malformed answers, transient failures, Retry-After, refused arguments. The real
// contract is exercised against the platform sandbox in the integration tests.
class TestLeadPlatformClient : public QObject
{
    Q_OBJECT

    struct Canned
    {
        int status = 200;
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers;
    };
    struct Seen
    {
        QByteArray method;
        QString path;
        QUrlQuery query;
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray body;

        QByteArray header(const QByteArray &name) const
        {
            for (const auto &h : headers)
                if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                    return h.second;
            return {};
        }
    };

    template<typename T, typename Call> Result<T> wait(Call call)
    {
        std::optional<Result<T>> result;
        call([&result](Result<T> r) { result.emplace(std::move(r)); });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 20'000))
            return makeError(QStringLiteral("test_timeout"), QStringLiteral("no callback"));
        return std::move(*result);
    }

    void answer(int status, const QByteArray &body,
                QList<QPair<QByteArray, QByteArray>> headers = {})
    {
        m_canned.push_back({status, body, std::move(headers)});
    }

    std::unique_ptr<LeadPlatformClient> client(const QString &base = {})
    {
        auto c = std::make_unique<LeadPlatformClient>(
            *m_http, QUrl(base.isEmpty() ? m_server.baseUrl() : base), QStringLiteral("k3y"));
        LeadPlatformClient::Options o;
        o.timeoutMs = 10'000;
        c->setOptions(o);
        return c;
    }

    static PlatformLead lead(const QString &id = QStringLiteral("L-1"))
    {
        PlatformLead l;
        l.id = id;
        l.lastName = QStringLiteral("Lovelace");
        return l;
    }

    static QByteArray leadJson(const char *id = "L-1", int version = 1)
    {
        return "{\"id\":\"" + QByteArray(id)
            + "\",\"last_name\":\"Lovelace\",\"updated_at\":\"2026-01-01T00:00:00.000Z\","
              "\"version\":"
            + QByteArray::number(version) + "}";
    }

    sandbox::LoopbackServer m_server;
    QNetworkAccessManager m_nam;
    std::unique_ptr<HttpClient> m_http;
    std::deque<Canned> m_canned;
    QList<Seen> m_seen;

private slots:
    void initTestCase()
    {
        m_http = std::make_unique<HttpClient>(&m_nam, HostAllowlist({QStringLiteral("127.0.0.1")}));
        m_server.http().setMissingHandler([this](const QHttpServerRequest &request,
                                                 QHttpServerResponder &&responder) {
            Seen seen;
            seen.method = request.method() == QHttpServerRequest::Method::Get ? "GET"
                : request.method() == QHttpServerRequest::Method::Put         ? "PUT"
                : request.method() == QHttpServerRequest::Method::Patch       ? "PATCH"
                : request.method() == QHttpServerRequest::Method::Post        ? "POST"
                : request.method() == QHttpServerRequest::Method::Delete      ? "DELETE"
                                                                              : "OTHER";
            seen.path = request.url().path();
            seen.query = QUrlQuery(request.url());
            seen.headers = request.headers();
            seen.body = request.body();
            m_seen.append(seen);
            Canned c = m_canned.empty() ? Canned {500, "no canned answer", {}} : m_canned.front();
            if (!m_canned.empty())
                m_canned.pop_front();
            QHttpServerResponse response(QByteArrayLiteral("application/json"), c.body,
                                         QHttpServerResponse::StatusCode(c.status));
            for (const auto &h : c.headers)
                response.setHeader(h.first, h.second);
            response.write(std::move(responder));
        });
        QVERIFY(m_server.listen());
    }

    void init()
    {
        m_canned.clear();
        m_seen.clear();
    }

    void putSendsTheContractsRequest()
    {
        auto c = client();
        answer(201, leadJson("L-1", 1));
        const auto r = wait<LeadWrite>(
            [&](auto done) { c->putLead(lead(), qint64(4), this, std::move(done)); });
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QVERIFY(r->created);
        QCOMPARE(m_seen.size(), 1);
        const Seen &s = m_seen.first();
        QCOMPARE(s.method, QByteArray("PUT"));
        QCOMPARE(s.path, QStringLiteral("/v1/leads/L-1"));
        QCOMPARE(s.header("Authorization"), QByteArray("Bearer k3y"));
        QCOMPARE(s.header("If-Match"), QByteArray("4"));
        QCOMPARE(s.header("Content-Type"), QByteArray("application/json"));
        const QJsonObject body = QJsonDocument::fromJson(s.body).object();
        QCOMPARE(body.value(QStringLiteral("updated_by")).toString(), QStringLiteral("salesforce"));
        QVERIFY(!body.contains(QStringLiteral("version")));
    }

    void listSendsItsParameters()
    {
        auto c = client(m_server.baseUrl() + QStringLiteral("/"));
        answer(200, R"({"data":[)" + leadJson() + R"(],"next_cursor":"abc"})");
        const auto r = wait<LeadPage>([&](auto done) {
            c->listLeads(qint64(1767225600123), QStringLiteral("c+/="), 250, this, std::move(done));
        });
        QVERIFY(r.ok());
        QCOMPARE(r->leads.size(), 1);
        QCOMPARE(r->nextCursor, QStringLiteral("abc"));
        const Seen &s = m_seen.first();
        QCOMPARE(s.path, QStringLiteral("/v1/leads"));
        QCOMPARE(s.query.queryItemValue(QStringLiteral("updated_since"), QUrl::FullyDecoded),
                 QStringLiteral("2026-01-01T00:00:00.123Z"));
        QCOMPARE(s.query.queryItemValue(QStringLiteral("cursor"), QUrl::FullyDecoded),
                 QStringLiteral("c+/="));
        QCOMPARE(s.query.queryItemValue(QStringLiteral("limit")), QStringLiteral("250"));
    }

    void deleteAndRestoreSendTheContractsRequests()
    {
        auto c = client();
        answer(204, {});
        QVERIFY(wait<void>([&](auto done) {
                    c->deleteLead(QStringLiteral("L-1"), this, std::move(done));
                }).ok());
        answer(201, leadJson("L-1", 3));
        const auto restored = wait<LeadWrite>(
            [&](auto done) { c->restoreLead(lead(QStringLiteral("L-1")), this, std::move(done)); });
        QVERIFY(restored.ok());
        QVERIFY(restored->created);
        QCOMPARE(m_seen.size(), 2);
        QCOMPARE(m_seen.at(0).method, QByteArray("DELETE"));
        QCOMPARE(m_seen.at(0).path, QStringLiteral("/v1/leads/L-1"));
        QCOMPARE(m_seen.at(1).method, QByteArray("PUT"));
        QCOMPARE(m_seen.at(1).query.queryItemValue(QStringLiteral("restore")),
                 QStringLiteral("true"));
        QCOMPARE(QJsonDocument::fromJson(m_seen.at(1).body).object().value(u"last_name"),
                 QJsonValue(lead().lastName));
    }

    void listingSeparatesTombstones()
    {
        auto c = client();
        answer(200,
               R"({"data":[)" + leadJson("L-1", 1)
                   + R"(,{"id":"L-2","deleted":true,"deleted_at":"2026-01-01T00:00:00.000Z",)"
                     R"("updated_at":"2026-01-01T00:00:00.000Z","updated_by":"api","version":4}],)"
                     R"("next_cursor":null})");
        const auto r = wait<LeadPage>(
            [&](auto done) { c->listLeads(std::nullopt, {}, 10, this, std::move(done)); });
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QCOMPARE(r->leads.size(), 1);
        QCOMPARE(r->leads.first().id, QStringLiteral("L-1"));
        QCOMPARE(r->tombstones.size(), 1);
        QCOMPARE(r->tombstones.first().id, QStringLiteral("L-2"));
        QCOMPARE(r->tombstones.first().version, Q_INT64_C(4));
        QVERIFY(!r->hasMore());
    }

    void malformedAnswers_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("not JSON") << 200 << QByteArray("<html>");
        QTest::newRow("truncated JSON") << 200 << QByteArray(R"({"data":[)");
        QTest::newRow("array instead of object") << 200 << QByteArray("[]");
        QTest::newRow("data not a list") << 200 << QByteArray(R"({"data":{}})");
    }

    // One item outside the contract is that item's problem: it comes back rejected, with its
    // raw JSON and why, and the rest of the page is read (PLATFORM_API.md, "Leads").
    void listingRejectsBadItemsAlone_data()
    {
        QTest::addColumn<QByteArray>("item");
        QTest::addColumn<QString>("why");
        QTest::newRow("lead without version")
            << QByteArray(R"({"id":"L-9","updated_at":"2026-01-01T00:00:00.000Z"})") << "version";
        QTest::newRow("item not an object") << QByteArray("7") << "not a lead object";
        QTest::newRow("text item") << QByteArray(R"("L-9")") << "not a lead object";
        QTest::newRow("tombstone without deleted_at")
            << QByteArray(R"({"deleted":true,"id":"L-9",)"
                          R"("updated_at":"2026-01-01T00:00:00.000Z","version":2})")
            << "deleted_at";
        QTest::newRow("score as text")
            << QByteArray(R"({"id":"L-9","score":"high",)"
                          R"("updated_at":"2026-01-01T00:00:00.000Z","version":2})")
            << "score";
    }

    void listingRejectsBadItemsAlone()
    {
        QFETCH(QByteArray, item);
        QFETCH(QString, why);
        auto c = client();
        answer(200,
               R"({"data":[)" + leadJson("L-1", 1) + "," + item + "," + leadJson("L-2", 1)
                   + R"(],"next_cursor":"more"})");
        const auto r = wait<LeadPage>(
            [&](auto done) { c->listLeads(std::nullopt, {}, 10, this, std::move(done)); });
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QCOMPARE(r->leads.size(), 2);
        QCOMPARE(r->leads.at(1).id, QStringLiteral("L-2"));
        QCOMPARE(r->rejected.size(), 1);
        QCOMPARE(QJsonDocument::fromJson("[" + r->rejected.first().raw + "]"),
                 QJsonDocument::fromJson("[" + item + "]"));
        QCOMPARE(r->rejected.first().error.code, QStringLiteral("invalid_record"));
        QVERIFY2(r->rejected.first().error.message.contains(why),
                 qPrintable(r->rejected.first().error.message));
        QCOMPARE(r->nextCursor, QStringLiteral("more"));
    }

    // The default mapping clamps the score (resources/mapping/default.json), so a listed lead
    // scored 130 is read as sent, not refused; the contract's own reading still refuses it.
    void listingKeepsAnOutOfRangeScore()
    {
        auto c = client();
        answer(200,
               R"({"data":[{"id":"L-1","score":130,"updated_at":"2026-01-01T00:00:00.000Z",)"
               R"("version":1}],"next_cursor":null})");
        const auto r = wait<LeadPage>(
            [&](auto done) { c->listLeads(std::nullopt, {}, 10, this, std::move(done)); });
        QVERIFY(r.ok());
        QCOMPARE(r->leads.size(), 1);
        QCOMPARE(r->leads.first().score, 130);
        QVERIFY(r->rejected.isEmpty());
        QVERIFY(!PlatformLead::fromJson(r->leads.first().toJson()).ok());
    }

    void malformedAnswers()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        auto c = client();
        answer(status, body);
        const auto r = wait<LeadPage>(
            [&](auto done) { c->listLeads(std::nullopt, {}, 10, this, std::move(done)); });
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("invalid_response"));
        QVERIFY(!r.error().retryable);
    }

    void batchAnswersMustMatchTheRequest_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("too few results")
            << QByteArray(R"({"results":[{"id":"L-1","status":200}]})");
        QTest::newRow("wrong order")
            << QByteArray(R"({"results":[{"id":"L-2","status":200},{"id":"L-1","status":200}]})");
        QTest::newRow("no status")
            << QByteArray(R"({"results":[{"id":"L-1"},{"id":"L-2","status":200}]})");
    }

    void batchAnswersMustMatchTheRequest()
    {
        QFETCH(QByteArray, body);
        auto c = client();
        answer(207, body);
        const auto r = wait<QList<BatchItemResult>>([&](auto done) {
            c->batchUpsert(
                QList<PlatformLead> {lead(QStringLiteral("L-1")), lead(QStringLiteral("L-2"))},
                this, std::move(done));
        });
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("invalid_response"));
    }

    void refusedArgumentsSendNothing_data()
    {
        QTest::addColumn<int>("which");
        QTest::newRow("limit 0") << 0;
        QTest::newRow("limit 501") << 1;
        QTest::newRow("empty batch") << 2;
        QTest::newRow("batch of 501") << 3;
        QTest::newRow("lead id with slash") << 4;
        QTest::newRow("agent id with space") << 5;
        QTest::newRow("patch id empty") << 6;
        QTest::newRow("delete id with slash") << 7;
        QTest::newRow("restore id with query") << 8;
    }

    void refusedArgumentsSendNothing()
    {
        QFETCH(int, which);
        auto c = client();
        std::optional<Error> error;
        const auto fail = [&error](const auto &r) {
            if (!r.ok())
                error = r.error();
        };
        switch (which) {
        case 0:
            c->listLeads(std::nullopt, {}, 0, this, fail);
            break;
        case 1:
            c->listAgents({}, 501, this, fail);
            break;
        case 2:
            c->batchUpsert(QList<PlatformLead> {}, this, fail);
            break;
        case 3:
            c->batchUpsert(QList<PlatformLead>(501, lead()), this, fail);
            break;
        case 4:
            c->getLead(QStringLiteral("../admin"), this, fail);
            break;
        case 5:
            c->deleteAgent(QStringLiteral("A 1"), this, fail);
            break;
        case 6:
            c->patchLead(QString(), {}, this, fail);
            break;
        case 7:
            c->deleteLead(QStringLiteral("L-1/../x"), this, fail);
            break;
        case 8:
            c->restoreLead(lead(QStringLiteral("L?restore=false")), this, fail);
            break;
        }
        QVERIFY(!error.has_value()); // always asynchronous
        QTRY_VERIFY(error.has_value());
        QCOMPARE(error->code, QStringLiteral("invalid_argument"));
        QCOMPARE(m_seen.size(), 0);
    }

    void transientFailuresAreRetriedWhenAsked()
    {
        auto c = client();
        auto o = c->options();
        o.transientRetries = 2;
        o.backoff = RetryPolicy {1, 5, 8};
        c->setOptions(o);
        answer(503, R"({"error":"service_unavailable"})");
        answer(502, "bad gateway");
        answer(200, leadJson());
        const auto r = wait<PlatformLead>(
            [&](auto done) { c->getLead(QStringLiteral("L-1"), this, std::move(done)); });
        QVERIFY(r.ok());
        QCOMPARE(m_seen.size(), 3);
    }

    void transientFailuresSurfaceWhenRetriesRunOut()
    {
        auto c = client();
        auto o = c->options();
        o.transientRetries = 1;
        o.backoff = RetryPolicy {1, 5, 8};
        c->setOptions(o);
        answer(503, R"({"error":"service_unavailable"})");
        answer(503, R"({"error":"service_unavailable"})");
        const auto r = wait<PlatformLead>(
            [&](auto done) { c->getLead(QStringLiteral("L-1"), this, std::move(done)); });
        QVERIFY(!r.ok());
        QCOMPARE(r.error().httpStatus, 503);
        QVERIFY(r.error().retryable);
        QCOMPARE(m_seen.size(), 2);
    }

    void noRetryByDefault()
    {
        auto c = client();
        answer(500, "oops");
        const auto r = wait<PlatformLead>(
            [&](auto done) { c->getLead(QStringLiteral("L-1"), this, std::move(done)); });
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("server_error"));
        QCOMPARE(m_seen.size(), 1);
    }

    void retryAfterIsHonouredOnce()
    {
        auto c = client();
        QSignalSpy limits(c.get(), &LeadPlatformClient::limitsObserved);
        const QList<QPair<QByteArray, QByteArray>> headers {{"Retry-After", "0"},
                                                            {"X-RateLimit-Limit", "10"},
                                                            {"X-RateLimit-Remaining", "0"},
                                                            {"X-RateLimit-Reset", "1767225660"}};
        answer(429, R"({"error":"rate_limited"})", headers);
        answer(200, leadJson(), {{"X-RateLimit-Limit", "10"}, {"X-RateLimit-Remaining", "9"}});
        const auto r = wait<PlatformLead>(
            [&](auto done) { c->getLead(QStringLiteral("L-1"), this, std::move(done)); });
        QVERIFY(r.ok());
        QCOMPARE(m_seen.size(), 2);
        QCOMPARE(limits.size(), 2);
        QCOMPARE(limits.at(0).at(0).value<ApiLimits>().used, Q_INT64_C(10));
        QCOMPARE(limits.at(1).at(0).value<ApiLimits>().used, Q_INT64_C(1));
        QCOMPARE(c->lastLimits().used, Q_INT64_C(1));

        // A second 429 in a row goes to the caller with the delay.
        m_seen.clear();
        answer(429, R"({"error":"rate_limited"})", headers);
        answer(429, R"({"error":"rate_limited"})", headers);
        const auto again = wait<PlatformLead>(
            [&](auto done) { c->getLead(QStringLiteral("L-1"), this, std::move(done)); });
        QVERIFY(!again.ok());
        QCOMPARE(again.error().code, QStringLiteral("rate_limited"));
        QCOMPARE(again.error().retryAfterMs, Q_INT64_C(0));
        QCOMPARE(m_seen.size(), 2);
    }

    void longRetryAfterGoesToTheCaller()
    {
        auto c = client();
        answer(429, R"({"error":"rate_limited"})", {{"Retry-After", "3600"}});
        const auto r = wait<PlatformLead>(
            [&](auto done) { c->getLead(QStringLiteral("L-1"), this, std::move(done)); });
        QVERIFY(!r.ok());
        QCOMPARE(r.error().retryAfterMs, Q_INT64_C(3'600'000));
        QVERIFY(r.error().retryable);
        QCOMPARE(m_seen.size(), 1);
    }

    void rateLimitRetryCanBeSwitchedOff()
    {
        auto c = client();
        auto o = c->options();
        o.retryRateLimited = false;
        c->setOptions(o);
        answer(429, R"({"error":"rate_limited"})", {{"Retry-After", "0"}});
        const auto r = wait<PlatformLead>(
            [&](auto done) { c->getLead(QStringLiteral("L-1"), this, std::move(done)); });
        QVERIFY(!r.ok());
        QCOMPARE(m_seen.size(), 1);
    }

    void connectionRefusedIsRetryable()
    {
        auto c = client(QStringLiteral("http://127.0.0.1:1"));
        const auto r
            = wait<AgentPage>([&](auto done) { c->listAgents({}, 10, this, std::move(done)); });
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("network"));
        QVERIFY(r.error().retryable);
    }

    void hostOutsideTheAllowlistIsRefused()
    {
        auto c = client(QStringLiteral("https://api.leadplatform.example"));
        const auto r
            = wait<AgentPage>([&](auto done) { c->listAgents({}, 10, this, std::move(done)); });
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("host_not_allowed"));
        QVERIFY(!r.error().retryable);
        QCOMPARE(m_seen.size(), 0);
    }

    void callbackDroppedWhenContextDies()
    {
        auto c = client();
        answer(200, leadJson());
        bool called = false;
        auto *context = new QObject;
        c->getLead(QStringLiteral("L-1"), context, [&](Result<PlatformLead>) { called = true; });
        delete context;
        QTRY_COMPARE(m_http->inFlight(), 0);
        QVERIFY(!called);
    }

    void deleteAgentAcceptsNoContent()
    {
        auto c = client();
        answer(204, {});
        const auto r = wait<void>(
            [&](auto done) { c->deleteAgent(QStringLiteral("A-1"), this, std::move(done)); });
        QVERIFY(r.ok());
        QCOMPARE(m_seen.first().method, QByteArray("DELETE"));
        QCOMPARE(m_seen.first().path, QStringLiteral("/v1/agents/A-1"));
    }
};

QTEST_GUILESS_MAIN(TestLeadPlatformClient)
#include "TestLeadPlatformClient.moc"
