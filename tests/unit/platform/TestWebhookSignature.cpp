#include "platform/WebhookSignature.h"

#include <QTest>

using namespace lb::platform;
using namespace Qt::StringLiterals;

namespace {

const QByteArray kSecret = "whsec_test_secret";
const QByteArray kBody = R"({"event_id":"evt_1","type":"lead.updated"})";
constexpr qint64 kNow = 1'767'225'600; // 2026-01-01T00:00:00Z

QByteArray hexOf(const QByteArray &secret, qint64 t, const QByteArray &body)
{
    return WebhookSignature::digest(secret, t, body).toHex();
}

} // namespace

class TestWebhookSignature : public QObject
{
    Q_OBJECT

private slots:
    void knownVector()
    {
        // HMAC-SHA256("key", "1.x") computed independently (Python hmac module).
        QCOMPARE(WebhookSignature::digest("key", 1, "x").toHex(),
                 QByteArray("fc4913c41a7bf793267e2a384f3261c9436ec2cd097bd745e7b0d99113f510ec"));
        QCOMPARE(WebhookSignature::header("key", 1, "x"),
                 "t=1,v1=" + WebhookSignature::digest("key", 1, "x").toHex());
    }

    void parse_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<QString>("code"); // empty = parses
        QTest::addColumn<qint64>("timestamp");
        QTest::addColumn<int>("signatures");

        const QByteArray sig = hexOf(kSecret, kNow, kBody);
        QTest::newRow("plain") << "t=" + QByteArray::number(kNow) + ",v1=" + sig << QString()
                               << kNow << 1;
        QTest::newRow("blanks around items")
            << "  t = 5 ,\tv1=" + sig + " " << QString() << Q_INT64_C(5) << 1;
        QTest::newRow("v1 first") << "v1=" + sig + ",t=5" << QString() << Q_INT64_C(5) << 1;
        QTest::newRow("two v1 (rotation)")
            << "t=5,v1=" + sig + ",v1=" + QByteArray(64, '0') << QString() << Q_INT64_C(5) << 2;
        QTest::newRow("unknown scheme skipped")
            << "t=5,v0=abc,v2=zz,v1=" + sig << QString() << Q_INT64_C(5) << 1;
        QTest::newRow("empty items skipped")
            << ",,t=5,,v1=" + sig + "," << QString() << Q_INT64_C(5) << 1;
        QTest::newRow("upper-case hex")
            << "t=5,v1=" + sig.toUpper() << QString() << Q_INT64_C(5) << 1;

        QTest::newRow("empty") << QByteArray() << "signature_missing" << Q_INT64_C(0) << 0;
        QTest::newRow("blank") << QByteArray("   ") << "signature_missing" << Q_INT64_C(0) << 0;
        QTest::newRow("garbage") << QByteArray("garbage") << "signature_malformed" << Q_INT64_C(0)
                                 << 0;
        QTest::newRow("no timestamp") << "v1=" + sig << "signature_malformed" << Q_INT64_C(0) << 0;
        QTest::newRow("no v1") << QByteArray("t=5") << "signature_malformed" << Q_INT64_C(0) << 0;
        QTest::newRow("two timestamps")
            << "t=5,t=6,v1=" + sig << "signature_malformed" << Q_INT64_C(0) << 0;
        QTest::newRow("negative timestamp")
            << "t=-5,v1=" + sig << "signature_malformed" << Q_INT64_C(0) << 0;
        QTest::newRow("timestamp 13 digits")
            << "t=1234567890123,v1=" + sig << "signature_malformed" << Q_INT64_C(0) << 0;
        QTest::newRow("timestamp not digits")
            << "t=12a,v1=" + sig << "signature_malformed" << Q_INT64_C(0) << 0;
        QTest::newRow("empty timestamp")
            << "t=,v1=" + sig << "signature_malformed" << Q_INT64_C(0) << 0;
        QTest::newRow("short v1") << "t=5,v1=" + sig.left(63) << "signature_malformed"
                                  << Q_INT64_C(0) << 0;
        QTest::newRow("long v1") << "t=5,v1=" + sig + "0"
                                 << "signature_malformed" << Q_INT64_C(0) << 0;
        QTest::newRow("non-hex v1")
            << "t=5,v1=" + QByteArray(64, 'g') << "signature_malformed" << Q_INT64_C(0) << 0;
        QTest::newRow("item without =") << "t=5,v1=" + sig + ",junk"
                                        << "signature_malformed" << Q_INT64_C(0) << 0;
        QTest::newRow("empty key") << "=5,v1=" + sig << "signature_malformed" << Q_INT64_C(0) << 0;
        QTest::newRow("nine v1") << "t=5" + QByteArray(",v1=" + sig).repeated(9)
                                 << "signature_malformed" << Q_INT64_C(0) << 0;
        QTest::newRow("over 4 KB") << "t=5,v1=" + sig + "," + QByteArray(5000, ' ')
                                   << "signature_malformed" << Q_INT64_C(0) << 0;
        QTest::newRow("NUL byte") << "t=5\0,v1="_ba + sig << "signature_malformed" << Q_INT64_C(0)
                                  << 0;
    }

    void parse()
    {
        QFETCH(QByteArray, header);
        QFETCH(QString, code);
        QFETCH(qint64, timestamp);
        QFETCH(int, signatures);
        const auto parsed = WebhookSignature::parse(header);
        if (!code.isEmpty()) {
            QVERIFY(!parsed.ok());
            QCOMPARE(parsed.error().code, code);
            QVERIFY(!parsed.error().message.isEmpty());
            return;
        }
        QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
        QCOMPARE(parsed->timestamp, timestamp);
        QCOMPARE(parsed->signatures.size(), signatures);
        for (const QByteArray &s : parsed->signatures)
            QCOMPARE(s.size(), WebhookSignature::DigestLength);
    }

    void verify_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("secret");
        QTest::addColumn<QString>("code"); // empty = accepted

        const auto header
            = [](qint64 t, const QByteArray &secret = kSecret, const QByteArray &body = kBody) {
                  return WebhookSignature::header(secret, t, body);
              };
        QTest::newRow("good") << header(kNow) << kBody << kSecret << QString();
        QTest::newRow("300 s old") << header(kNow - 300) << kBody << kSecret << QString();
        QTest::newRow("300 s ahead") << header(kNow + 300) << kBody << kSecret << QString();
        QTest::newRow("301 s old") << header(kNow - 301) << kBody << kSecret << "signature_expired";
        QTest::newRow("301 s ahead")
            << header(kNow + 301) << kBody << kSecret << "signature_future";
        QTest::newRow("wrong secret")
            << header(kNow, "other-secret") << kBody << kSecret << "signature_mismatch";
        QTest::newRow("body changed")
            << header(kNow) << kBody + " " << kSecret << "signature_mismatch";
        QTest::newRow("no secret configured")
            << header(kNow, QByteArray()) << kBody << QByteArray() << "signature_mismatch";
        QTest::newRow("right one among two") << "t=" + QByteArray::number(kNow)
                + ",v1=" + QByteArray(64, 'a') + ",v1=" + hexOf(kSecret, kNow, kBody)
                                             << kBody << kSecret << QString();
        QTest::newRow("signature of another timestamp")
            << "t=" + QByteArray::number(kNow) + ",v1=" + hexOf(kSecret, kNow - 1, kBody) << kBody
            << kSecret << "signature_mismatch";
        QTest::newRow("missing") << QByteArray() << kBody << kSecret << "signature_missing";
    }

    void verify()
    {
        QFETCH(QByteArray, header);
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, secret);
        QFETCH(QString, code);
        const auto result = WebhookSignature::verify(header, body, secret, kNow);
        if (code.isEmpty()) {
            QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        } else {
            QVERIFY(!result.ok());
            QCOMPARE(result.error().code, code);
        }
    }

    void constantTimeEquals_data()
    {
        QTest::addColumn<QByteArray>("a");
        QTest::addColumn<QByteArray>("b");
        QTest::addColumn<bool>("equal");
        QTest::newRow("same") << QByteArray("abc") << QByteArray("abc") << true;
        QTest::newRow("empty") << QByteArray() << QByteArray() << true;
        QTest::newRow("last byte") << QByteArray("abc") << QByteArray("abd") << false;
        QTest::newRow("first byte") << QByteArray("xbc") << QByteArray("abc") << false;
        QTest::newRow("prefix") << QByteArray("ab") << QByteArray("abc") << false;
        QTest::newRow("high bit") << QByteArray("\x80") << QByteArray("\x00", 1) << false;
    }

    void constantTimeEquals()
    {
        QFETCH(QByteArray, a);
        QFETCH(QByteArray, b);
        QFETCH(bool, equal);
        QCOMPARE(WebhookSignature::constantTimeEquals(a, b), equal);
    }
};

QTEST_GUILESS_MAIN(TestWebhookSignature)
#include "TestWebhookSignature.moc"
