#include "net/HttpClient.h"
#include "salesforce/ErrorClassification.h"
#include "salesforce/ErrorEnvelope.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace lb;
using namespace lb::salesforce;

// Envelopes 1-4 of SALESFORCE_API.md 0.4 and the classification the engine relies on.
class TestErrorEnvelope : public QObject
{
    Q_OBJECT

private slots:
    void parsesEveryEnvelope_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QStringList>("codes");
        QTest::addColumn<QString>("firstMessage");
        QTest::addColumn<QStringList>("firstFields");

        QTest::newRow("rest array, message first")
            << QByteArray("[{\"message\":\"Required fields are missing: [Company]\","
                          "\"errorCode\":\"REQUIRED_FIELD_MISSING\",\"fields\":[\"Company\"]}]")
            << QStringList {u"REQUIRED_FIELD_MISSING"_s}
            << QStringLiteral("Required fields are missing: [Company]")
            << QStringList {u"Company"_s};
        QTest::newRow("rest array, errorCode first, no fields")
            << QByteArray("[{\"errorCode\":\"NOT_FOUND\",\"message\":\"The requested resource "
                          "does not exist\"}]")
            << QStringList {u"NOT_FOUND"_s}
            << QStringLiteral("The requested resource does not exist") << QStringList {};
        QTest::newRow("rest bare object")
            << QByteArray("{\"message\":\"Cannot deserialize\",\"errorCode\":\"INVALID_FIELD\"}")
            << QStringList {u"INVALID_FIELD"_s} << QStringLiteral("Cannot deserialize")
            << QStringList {};
        QTest::newRow("two items")
            << QByteArray("[{\"errorCode\":\"A\",\"message\":\"a\"},{\"message\":\"b\","
                          "\"errorCode\":\"B\"}]")
            << QStringList {u"A"_s, u"B"_s} << QStringLiteral("a") << QStringList {};
        QTest::newRow("duplicate rule with extra keys")
            << QByteArray("[{\"duplicateResult\":{\"allowSave\":false},\"errorCode\":"
                          "\"DUPLICATES_DETECTED\",\"message\":\"Use one of these records?\","
                          "\"fields\":[]}]")
            << QStringList {u"DUPLICATES_DETECTED"_s} << QStringLiteral("Use one of these records?")
            << QStringList {};
        QTest::newRow("collections statusCode")
            << QByteArray("[{\"statusCode\":\"MALFORMED_ID\",\"message\":\"bad id\",\"fields\":"
                          "[\"Id\"]}]")
            << QStringList {u"MALFORMED_ID"_s} << QStringLiteral("bad id") << QStringList {u"Id"_s};
        QTest::newRow("oauth") << QByteArray(
            "{\"error\":\"invalid_grant\",\"error_description\":\"authentication "
            "failure\"}") << QStringList {u"invalid_grant"_s}
                               << QStringLiteral("authentication failure") << QStringList {};
        QTest::newRow("oauth description first")
            << QByteArray("{\"error_description\":\"expired access/refresh token\",\"error\":"
                          "\"invalid_grant\"}")
            << QStringList {u"invalid_grant"_s} << QStringLiteral("expired access/refresh token")
            << QStringList {};
        QTest::newRow("cometd") << QByteArray(
            "[{\"channel\":\"/meta/connect\",\"error\":\"403::Unknown client\","
            "\"successful\":false}]")
                                << QStringList {u"403::Unknown client"_s}
                                << QStringLiteral("Unknown client") << QStringList {};
        QTest::newRow("cometd success is no error")
            << QByteArray("[{\"channel\":\"/meta/connect\",\"successful\":true}]") << QStringList {}
            << QString() << QStringList {};
        QTest::newRow("html from a proxy") << QByteArray("<html>Service Unavailable</html>")
                                           << QStringList {} << QString() << QStringList {};
        QTest::newRow("empty") << QByteArray() << QStringList {} << QString() << QStringList {};
        QTest::newRow("truncated json")
            << QByteArray("[{\"errorCode\":\"X\"") << QStringList {} << QString() << QStringList {};
        QTest::newRow("array of non-objects")
            << QByteArray("[1,\"x\",null]") << QStringList {} << QString() << QStringList {};
    }

    void parsesEveryEnvelope()
    {
        QFETCH(QByteArray, body);
        QFETCH(QStringList, codes);
        QFETCH(QString, firstMessage);
        QFETCH(QStringList, firstFields);
        const QList<SfError> items = ErrorEnvelope::parse(body);
        QStringList got;
        for (const SfError &e : items)
            got.append(e.code);
        QCOMPARE(got, codes);
        if (!items.isEmpty()) {
            QCOMPARE(items.constFirst().message, firstMessage);
            QCOMPARE(items.constFirst().fields, firstFields);
        }
    }

    void wholeCallErrorsAreClassified_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("code");
        QTest::addColumn<bool>("retryable");
        QTest::addColumn<int>("kind");

        const int transient = int(FailureKind::Transient);
        const int permanent = int(FailureKind::Permanent);
        QTest::newRow("503 envelope")
            << 503 << QByteArray("[{\"errorCode\":\"SERVER_UNAVAILABLE\",\"message\":\"x\"}]")
            << u"SERVER_UNAVAILABLE"_s << true << transient;
        QTest::newRow("503 html") << 503 << QByteArray("<html/>") << u"http_503"_s << true
                                  << transient;
        QTest::newRow("500 apex") << 500
                                  << QByteArray(
                                         "[{\"errorCode\":\"APEX_ERROR\",\"message\":\"x\"}]")
                                  << u"APEX_ERROR"_s << true << transient;
        QTest::newRow("429") << 429 << QByteArray() << u"http_429"_s << true << transient;
        QTest::newRow("403 request limit")
            << 403
            << QByteArray("[{\"message\":\"TotalRequests Limit exceeded.\",\"errorCode\":"
                          "\"REQUEST_LIMIT_EXCEEDED\"}]")
            << u"REQUEST_LIMIT_EXCEEDED"_s << true << transient;
        QTest::newRow("403 other")
            << 403
            << QByteArray("[{\"errorCode\":\"INSUFFICIENT_ACCESS_OR_READONLY\",\"message\":\"x\"}]")
            << u"INSUFFICIENT_ACCESS_OR_READONLY"_s << false << permanent;
        QTest::newRow("lock row 400")
            << 400
            << QByteArray("[{\"message\":\"unable to obtain exclusive access\",\"errorCode\":"
                          "\"UNABLE_TO_LOCK_ROW\",\"fields\":[]}]")
            << u"UNABLE_TO_LOCK_ROW"_s << true << transient;
        QTest::newRow("validation 400")
            << 400
            << QByteArray("[{\"errorCode\":\"FIELD_CUSTOM_VALIDATION_EXCEPTION\",\"message\":"
                          "\"x\",\"fields\":[]}]")
            << u"FIELD_CUSTOM_VALIDATION_EXCEPTION"_s << false << permanent;
        QTest::newRow("session 401")
            << 401
            << QByteArray("[{\"message\":\"Session expired or invalid\",\"errorCode\":"
                          "\"INVALID_SESSION_ID\"}]")
            << u"INVALID_SESSION_ID"_s << false << int(FailureKind::AuthExpired);
        QTest::newRow("oauth invalid_grant")
            << 400
            << QByteArray("{\"error\":\"invalid_grant\",\"error_description\":\"authentication "
                          "failure\"}")
            << u"invalid_grant"_s << false << int(FailureKind::AuthFailed);
        QTest::newRow("converted lead 400")
            << 400
            << QByteArray("[{\"message\":\"cannot reference converted lead\",\"errorCode\":"
                          "\"CANNOT_UPDATE_CONVERTED_LEAD\",\"fields\":[]}]")
            << u"CANNOT_UPDATE_CONVERTED_LEAD"_s << false << permanent;
        QTest::newRow("deleted 404")
            << 404
            << QByteArray("[{\"message\":\"entity is deleted\",\"errorCode\":"
                          "\"ENTITY_IS_DELETED\",\"fields\":[]}]")
            << u"ENTITY_IS_DELETED"_s << false << permanent;
        QTest::newRow("404 not found")
            << 404 << QByteArray("[{\"errorCode\":\"NOT_FOUND\",\"message\":\"x\"}]")
            << u"NOT_FOUND"_s << false << permanent;
        // Neither a code nor a message (fuzzing found it): the status names and describes it.
        QTest::newRow("oauth envelope with an empty error")
            << 400 << QByteArray("{\"error\":  \"\"}") << u"http_400"_s << false << permanent;
    }

    void wholeCallErrorsAreClassified()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QString, code);
        QFETCH(bool, retryable);
        QFETCH(int, kind);
        HttpResponse r;
        r.status = status;
        r.body = body;
        const Error e = ErrorEnvelope::toError(r);
        QCOMPARE(e.code, code);
        QCOMPARE(e.httpStatus, status);
        QCOMPARE(e.retryable, retryable);
        QCOMPARE(int(classify(e)), kind);
        QVERIFY(!e.message.isEmpty());
    }

    void lifecycleRefusals_data()
    {
        QTest::addColumn<QString>("code");
        QTest::addColumn<int>("refusal");
        QTest::newRow("converted")
            << u"CANNOT_UPDATE_CONVERTED_LEAD"_s << int(LifecycleRefusal::ConvertedLead);
        QTest::newRow("deleted") << u"ENTITY_IS_DELETED"_s << int(LifecycleRefusal::Deleted);
        QTest::newRow("validation")
            << u"FIELD_CUSTOM_VALIDATION_EXCEPTION"_s << int(LifecycleRefusal::None);
        QTest::newRow("lower case is another code")
            << u"cannot_update_converted_lead"_s << int(LifecycleRefusal::None);
        QTest::newRow("empty") << QString() << int(LifecycleRefusal::None);
    }

    void lifecycleRefusals()
    {
        QFETCH(QString, code);
        QFETCH(int, refusal);
        QCOMPARE(int(lifecycleRefusal(SfError {code, u"x"_s, {}})), refusal);
        // A whole-call error, even one wrongly marked retryable, is never retried.
        Error e {code, u"x"_s, 503, true};
        QCOMPARE(int(lifecycleRefusal(e)), refusal);
        if (refusal != int(LifecycleRefusal::None))
            QCOMPARE(classify(e), FailureKind::Permanent);
        else
            QCOMPARE(classify(e), FailureKind::Transient);
    }

    void transportFailuresKeepTheirCode_data()
    {
        QTest::addColumn<QString>("code");
        QTest::addColumn<bool>("retryable");
        QTest::newRow("network") << u"network"_s << true;
        QTest::newRow("timeout") << u"timeout"_s << true;
        QTest::newRow("host_not_allowed") << u"host_not_allowed"_s << false;
        QTest::newRow("insecure_url") << u"insecure_url"_s << false;
    }

    void transportFailuresKeepTheirCode()
    {
        QFETCH(QString, code);
        QFETCH(bool, retryable);
        HttpResponse r;
        r.errorCode = code;
        r.errorString = QStringLiteral("why");
        const Error e = ErrorEnvelope::toError(r);
        QCOMPARE(e.code, code);
        QCOMPARE(e.httpStatus, 0);
        QCOMPARE(e.retryable, retryable);
        QCOMPARE(e.message, QStringLiteral("why"));
    }

    void messagesJoinAllItemsWithFields()
    {
        const Error e = ErrorEnvelope::fromItems(
            {{QStringLiteral("A"), QStringLiteral("first"), {QStringLiteral("F1")}},
             {QStringLiteral("B"), QStringLiteral("second"), {}}},
            400);
        QCOMPARE(e.code, QStringLiteral("A"));
        QVERIFY(e.message.contains(QStringLiteral("first (fields: F1)")));
        QVERIFY(e.message.contains(QStringLiteral("second")));
    }

    void collateralFailuresAreRetryable()
    {
        const SfError rolledBack {QStringLiteral("ALL_OR_NONE_OPERATION_ROLLED_BACK"), {}, {}};
        QVERIFY(isCollateralFailure(rolledBack));
        QVERIFY(isRetryable(rolledBack));
        QVERIFY(!isRetryable(SfError {QStringLiteral("REQUIRED_FIELD_MISSING"), {}, {}}));
        QVERIFY(isSessionInvalid(SfError {QStringLiteral("INVALID_SESSION_ID"), {}, {}}));
    }
};

QTEST_GUILESS_MAIN(TestErrorEnvelope)
#include "TestErrorEnvelope.moc"
