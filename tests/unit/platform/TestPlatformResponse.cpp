#include "platform/LeadPlatformClient.h"
#include "platform/PlatformResponse.h"

#include <QTest>

using namespace lb;
using namespace lb::platform;

namespace {

HttpResponse answer(int status, const QByteArray &body = {},
                    QList<QPair<QByteArray, QByteArray>> headers = {})
{
    HttpResponse r;
    r.status = status;
    r.body = body;
    r.headers = std::move(headers);
    return r;
}

constexpr qint64 kNowMs = 1'767'225'600'000;

} // namespace

class TestPlatformResponse : public QObject
{
    Q_OBJECT

private slots:
    void errors_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("code");
        QTest::addColumn<bool>("retryable");

        QTest::newRow("401") << 401 << QByteArray(R"({"error":"unauthorized","message":"no"})")
                             << "unauthorized" << false;
        QTest::newRow("401 without body") << 401 << QByteArray() << "unauthorized" << false;
        QTest::newRow("404") << 404 << QByteArray() << "not_found" << false;
        QTest::newRow("412") << 412 << QByteArray(R"({"error":"version_conflict"})")
                             << "version_conflict" << false;
        QTest::newRow("413") << 413 << QByteArray("<html>too big</html>") << "payload_too_large"
                             << false;
        QTest::newRow("422") << 422 << QByteArray(R"({"error":"validation_failed","details":[]})")
                             << "validation_failed" << false;
        QTest::newRow("429") << 429 << QByteArray(R"({"error":"rate_limited"})") << "rate_limited"
                             << true;
        QTest::newRow("500") << 500 << QByteArray("oops") << "server_error" << true;
        QTest::newRow("503 with code") << 503 << QByteArray(R"({"error":"service_unavailable"})")
                                       << "service_unavailable" << true;
        QTest::newRow("410 without body") << 410 << QByteArray() << "deleted" << false;
        QTest::newRow("409 deleted")
            << 409 << QByteArray(R"({"error":"deleted"})") << "deleted" << false;
        QTest::newRow("409 without body") << 409 << QByteArray() << "conflict" << false;
        QTest::newRow("418") << 418 << QByteArray() << "http_418" << false;
        QTest::newRow("hostile code ignored")
            << 400 << QByteArray(R"({"error":"<script>alert(1)</script>"})") << "bad_request"
            << false;
    }

    void errors()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QString, code);
        QFETCH(bool, retryable);
        const Error e = response::errorOf(answer(status, body), kNowMs);
        QCOMPARE(e.code, code);
        QCOMPARE(e.httpStatus, status);
        QCOMPARE(e.retryable, retryable);
        QVERIFY(!e.message.isEmpty());
    }

    void networkFailures_data()
    {
        QTest::addColumn<QString>("errorCode");
        QTest::addColumn<bool>("retryable");
        QTest::newRow("network") << "network" << true;
        QTest::newRow("timeout") << "timeout" << true;
        QTest::newRow("host not allowed") << "host_not_allowed" << false;
        QTest::newRow("insecure url") << "insecure_url" << false;
    }

    void networkFailures()
    {
        QFETCH(QString, errorCode);
        QFETCH(bool, retryable);
        HttpResponse r;
        r.errorCode = errorCode;
        r.errorString = QStringLiteral("details");
        const Error e = response::errorOf(r, kNowMs);
        QCOMPARE(e.code, errorCode);
        QCOMPARE(e.retryable, retryable);
        QCOMPARE(e.httpStatus, 0);
    }

    void conflictCarriesTheCurrentRecord()
    {
        const QByteArray body = R"({"error":"version_conflict","current":{"id":"L-1",
            "last_name":"X","updated_at":"2026-01-01T00:00:00.000Z","version":4}})";
        const Error e = response::errorOf(answer(412, body), kNowMs);
        const auto current = LeadPlatformClient::conflictCurrent(e);
        QVERIFY(current.has_value());
        QCOMPARE(current->version, Q_INT64_C(4));
        QVERIFY(!LeadPlatformClient::conflictCurrent(response::errorOf(answer(412), kNowMs)));
    }

    void deletedCarriesTheTombstone_data()
    {
        QTest::addColumn<int>("status");
        QTest::newRow("GET 410") << 410;
        QTest::newRow("PUT 409") << 409;
    }

    void deletedCarriesTheTombstone()
    {
        QFETCH(int, status);
        const QByteArray body = R"({"error":"deleted","message":"gone","current":{"id":"L-1",
            "deleted":true,"deleted_at":"2026-01-01T00:00:00.000Z",
            "updated_at":"2026-01-01T00:00:00.000Z","updated_by":"api","version":5}})";
        const Error e = response::errorOf(answer(status, body), kNowMs);
        QVERIFY(LeadPlatformClient::isDeleted(e));
        const auto tombstone = LeadPlatformClient::tombstoneOf(e);
        QVERIFY(tombstone.has_value());
        QCOMPARE(tombstone->id, QStringLiteral("L-1"));
        QCOMPARE(tombstone->version, Q_INT64_C(5));
        // A tombstone is never read as the current lead of a conflict.
        QVERIFY(!LeadPlatformClient::conflictCurrent(e));

        // Without a (valid) tombstone the error is still "deleted", with nothing to read.
        const Error bare = response::errorOf(answer(status, R"({"error":"deleted"})"), kNowMs);
        QVERIFY(LeadPlatformClient::isDeleted(bare));
        QVERIFY(!LeadPlatformClient::tombstoneOf(bare));
        const Error broken = response::errorOf(
            answer(status, R"({"error":"deleted","current":{"id":"L-1","deleted":true}})"), kNowMs);
        QVERIFY(!LeadPlatformClient::tombstoneOf(broken));
        // Other conflicts are not deletions.
        const Error duplicate
            = response::errorOf(answer(409, R"({"error":"duplicate_salesforce_id"})"), kNowMs);
        QVERIFY(!LeadPlatformClient::isDeleted(duplicate));
    }

    void validationDetailsAreKept()
    {
        const QByteArray body = R"({"error":"validation_failed","details":[
            {"field":"email","code":"invalid_format","message":"bad"},
            {"field":"last_name","code":"required","message":"missing"}]})";
        const Error e = response::errorOf(answer(422, body), kNowMs);
        QCOMPARE(e.details.value(QStringLiteral("details")).toArray().size(), 2);
        QVERIFY(e.message.contains(QStringLiteral("email: invalid_format")));
        QVERIFY(e.message.contains(QStringLiteral("last_name: required")));
    }

    void retryAfter_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<qint64>("ms");
        QTest::newRow("seconds") << QByteArray("7") << Q_INT64_C(7000);
        QTest::newRow("zero") << QByteArray("0") << Q_INT64_C(0);
        QTest::newRow("blank padded") << QByteArray(" 2 ") << Q_INT64_C(2000);
        QTest::newRow("absent") << QByteArray() << Q_INT64_C(-1);
        QTest::newRow("negative") << QByteArray("-3") << Q_INT64_C(-1);
        QTest::newRow("garbage") << QByteArray("soon") << Q_INT64_C(-1);
        QTest::newRow("HTTP date")
            << QByteArray("Thu, 01 Jan 2026 00:00:30 +0000") << Q_INT64_C(30000);
    }

    void retryAfter()
    {
        QFETCH(QByteArray, value);
        QFETCH(qint64, ms);
        QList<QPair<QByteArray, QByteArray>> headers;
        if (!value.isEmpty())
            headers.append({QByteArray("Retry-After"), value});
        const HttpResponse r = answer(429, {}, headers);
        QCOMPARE(response::retryAfterMs(r, kNowMs), ms);
        QCOMPARE(response::errorOf(r, kNowMs).retryAfterMs, ms);
    }

    void limits_data()
    {
        QTest::addColumn<QByteArray>("limit");
        QTest::addColumn<QByteArray>("remaining");
        QTest::addColumn<QByteArray>("reset");
        QTest::addColumn<bool>("known");
        QTest::addColumn<qint64>("used");
        QTest::newRow("normal") << QByteArray("600") << QByteArray("450")
                                << QByteArray("1767225660") << true << Q_INT64_C(150);
        QTest::newRow("used up") << QByteArray("600") << QByteArray("0") << QByteArray("1") << true
                                 << Q_INT64_C(600);
        QTest::newRow("remaining above limit")
            << QByteArray("10") << QByteArray("20") << QByteArray("1") << true << Q_INT64_C(0);
        QTest::newRow("missing remaining")
            << QByteArray("600") << QByteArray() << QByteArray() << false << Q_INT64_C(0);
        QTest::newRow("garbage") << QByteArray("lots") << QByteArray("1") << QByteArray() << false
                                 << Q_INT64_C(0);
        QTest::newRow("zero limit")
            << QByteArray("0") << QByteArray("0") << QByteArray() << false << Q_INT64_C(0);
    }

    void limits()
    {
        QFETCH(QByteArray, limit);
        QFETCH(QByteArray, remaining);
        QFETCH(QByteArray, reset);
        QFETCH(bool, known);
        QFETCH(qint64, used);
        QList<QPair<QByteArray, QByteArray>> headers;
        if (!limit.isEmpty())
            headers.append({QByteArray("X-RateLimit-Limit"), limit});
        if (!remaining.isEmpty())
            headers.append({QByteArray("x-ratelimit-remaining"), remaining});
        if (!reset.isEmpty())
            headers.append({QByteArray("X-RateLimit-Reset"), reset});
        const auto limits = response::limitsOf(answer(200, {}, headers), kNowMs);
        QCOMPARE(limits.has_value(), known);
        if (!known)
            return;
        QCOMPARE(limits->system, QStringLiteral("platform"));
        QCOMPARE(limits->used, used);
        QCOMPARE(limits->max, limit.toLongLong());
        QCOMPARE(limits->resetAt, reset.toLongLong());
        QCOMPARE(limits->observedAt, kNowMs);
        QVERIFY(limits->isKnown());
    }
};

QTEST_GUILESS_MAIN(TestPlatformResponse)
#include "TestPlatformResponse.moc"
