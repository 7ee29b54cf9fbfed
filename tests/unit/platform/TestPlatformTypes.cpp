#include "platform/PlatformTime.h"
#include "platform/PlatformTypes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace lb::platform;

namespace {

QJsonObject obj(const char *json)
{
    return QJsonDocument::fromJson(QByteArray(json)).object();
}

QJsonObject validLead()
{
    return obj(R"({"id":"L-000123","first_name":"Ada","last_name":"Lovelace","company":"Acme",
        "email":"ada@example.com","phone":"+15125550100","status":"new","source":"web",
        "score":80,"value":1234.5,"agent_id":"A-0042","eligible":true,"salesforce_id":null,
        "updated_at":"2026-11-22T13:05:00.000Z","updated_by":"platform","version":3})");
}

} // namespace

class TestPlatformTypes : public QObject
{
    Q_OBJECT

private slots:
    void parseTime_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("expected"); // -1 = invalid

        QTest::newRow("contract form") << "2026-11-22T13:05:00.000Z" << Q_INT64_C(1795352700000);
        QTest::newRow("no fraction") << "2026-11-22T13:05:00Z" << Q_INT64_C(1795352700000);
        QTest::newRow("one digit fraction") << "2026-11-22T13:05:00.5Z" << Q_INT64_C(1795352700500);
        QTest::newRow("nanoseconds truncated")
            << "2026-11-22T13:05:00.123456789Z" << Q_INT64_C(1795352700123);
        QTest::newRow("offset") << "2026-11-22T14:05:00.000+01:00" << Q_INT64_C(1795352700000);
        QTest::newRow("negative offset")
            << "2026-11-22T08:05:00.000-05:00" << Q_INT64_C(1795352700000);
        QTest::newRow("epoch") << "1970-01-01T00:00:00.000Z" << Q_INT64_C(0);
        QTest::newRow("leap day") << "2024-02-29T00:00:00.000Z" << Q_INT64_C(1709164800000);
        QTest::newRow("not a leap day") << "2026-02-29T00:00:00.000Z" << Q_INT64_C(-1);
        QTest::newRow("month 13") << "2026-13-01T00:00:00.000Z" << Q_INT64_C(-1);
        QTest::newRow("hour 24") << "2026-01-01T24:00:00.000Z" << Q_INT64_C(-1);
        QTest::newRow("no zone") << "2026-11-22T13:05:00.000" << Q_INT64_C(-1);
        QTest::newRow("space for T") << "2026-11-22 13:05:00.000Z" << Q_INT64_C(-1);
        QTest::newRow("empty fraction") << "2026-11-22T13:05:00.Z" << Q_INT64_C(-1);
        QTest::newRow("ten digit fraction") << "2026-11-22T13:05:00.1234567890Z" << Q_INT64_C(-1);
        QTest::newRow("trailing text") << "2026-11-22T13:05:00.000Zx" << Q_INT64_C(-1);
        QTest::newRow("empty") << "" << Q_INT64_C(-1);
        QTest::newRow("date only") << "2026-11-22" << Q_INT64_C(-1);
        QTest::newRow("year 0") << "0000-01-01T00:00:00.000Z" << Q_INT64_C(-1);
        QTest::newRow("offset before year 1") << "0001-01-01T00:00:00.000+00:01" << Q_INT64_C(-1);
        QTest::newRow("offset after year 9999") << "9999-12-31T23:59:59.000-00:01" << Q_INT64_C(-1);
        QTest::newRow("last representable")
            << "9999-12-31T23:59:59.999Z" << Q_INT64_C(253402300799999);
        QTest::newRow("non-ASCII digits") << "２026-11-22T13:05:00.000Z" << Q_INT64_C(-1);
    }

    void parseTime()
    {
        QFETCH(QString, text);
        QFETCH(qint64, expected);
        const auto ms = parsePlatformTimestamp(text);
        if (expected < 0) {
            QVERIFY(!ms.has_value());
        } else {
            QVERIFY(ms.has_value());
            QCOMPARE(*ms, expected);
        }
    }

    void formatTimeRoundTrips_data()
    {
        QTest::addColumn<qint64>("ms");
        QTest::addColumn<QString>("text");
        QTest::newRow("2026") << Q_INT64_C(1795352700123) << "2026-11-22T13:05:00.123Z";
        QTest::newRow("year 1") << Q_INT64_C(-62135596800000) << "0001-01-01T00:00:00.000Z";
        QTest::newRow("year 9999") << Q_INT64_C(253402300799999) << "9999-12-31T23:59:59.999Z";
        QTest::newRow("before 1970") << Q_INT64_C(-1) << "1969-12-31T23:59:59.999Z";
        // Found by the fuzzer.
        QTest::newRow("year 1013") << Q_INT64_C(-30171869700000) << "1013-11-22T13:05:00.000Z";
    }

    void formatTimeRoundTrips()
    {
        QFETCH(qint64, ms);
        QFETCH(QString, text);
        QCOMPARE(formatPlatformTimestamp(ms), text);
        QCOMPARE(parsePlatformTimestamp(text), ms);
    }

    void recordIds_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<bool>("valid");
        QTest::newRow("lead") << "L-000123" << true;
        QTest::newRow("agent") << "A-0042" << true;
        QTest::newRow("dots and underscores") << "x.y_z-1" << true;
        QTest::newRow("64 chars") << QString(64, u'a') << true;
        QTest::newRow("65 chars") << QString(65, u'a') << false;
        QTest::newRow("empty") << "" << false;
        QTest::newRow("leading dash") << "-L1" << false;
        QTest::newRow("slash") << "L/1" << false;
        QTest::newRow("dot dot") << ".." << false;
        QTest::newRow("space") << "L 1" << false;
        QTest::newRow("SQL") << "L-1';DROP TABLE leads;--" << false;
        QTest::newRow("non-ASCII") << "L-ä" << false;
    }

    void recordIds()
    {
        QFETCH(QString, id);
        QFETCH(bool, valid);
        QCOMPARE(isValidRecordId(id), valid);
    }

    void leadFromJson()
    {
        const auto lead = PlatformLead::fromJson(validLead());
        QVERIFY2(lead.ok(), qPrintable(lead.ok() ? QString() : lead.error().message));
        QCOMPARE(lead->id, QStringLiteral("L-000123"));
        QCOMPARE(lead->lastName, QStringLiteral("Lovelace"));
        QCOMPARE(lead->score, 80);
        QCOMPARE(lead->value, 1234.5);
        QCOMPARE(lead->agentId, std::optional<QString>(QStringLiteral("A-0042")));
        QVERIFY(!lead->salesforceId.has_value());
        QCOMPARE(lead->updatedAt, Q_INT64_C(1795352700000));
        QCOMPARE(lead->version, Q_INT64_C(3));
        QVERIFY(lead->eligible);
    }

    void leadRoundTrip()
    {
        const auto lead = PlatformLead::fromJson(validLead());
        QVERIFY(lead.ok());
        const auto again = PlatformLead::fromJson(lead->toJson());
        QVERIFY(again.ok());
        QCOMPARE(*again, *lead);
        QCOMPARE(lead->toJson(), validLead());
    }

    void leadBefore1970RoundTrips()
    {
        // Found by the fuzzer: a negative updated_at was written as null.
        QJsonObject json = validLead();
        json.insert(QStringLiteral("updated_at"), QStringLiteral("1013-11-22T13:05:00.000Z"));
        const auto lead = PlatformLead::fromJson(json);
        QVERIFY(lead.ok());
        QVERIFY(lead->updatedAt < 0);
        QCOMPARE(lead->toJson(), json);
    }

    void writeJsonLeavesOutServerFields()
    {
        PlatformLead lead;
        lead.id = QStringLiteral("L-1");
        lead.lastName = QStringLiteral("X");
        lead.version = 7;
        lead.updatedAt = 1;
        const QJsonObject json = lead.toWriteJson();
        QVERIFY(!json.contains(QStringLiteral("version")));
        QVERIFY(!json.contains(QStringLiteral("updated_at")));
        QCOMPARE(json.value(QStringLiteral("updated_by")).toString(), QStringLiteral("salesforce"));
        QVERIFY(json.value(QStringLiteral("agent_id")).isNull());
    }

    void leadInvalid_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QJsonValue>("value"); // undefined = remove the field
        QTest::addColumn<QString>("code");

        QTest::newRow("id missing") << "id" << QJsonValue(QJsonValue::Undefined) << "required";
        QTest::newRow("id wrong type") << "id" << QJsonValue(12) << "invalid_type";
        QTest::newRow("id bad characters")
            << "id" << QJsonValue(QStringLiteral("L 1")) << "invalid_format";
        QTest::newRow("version missing")
            << "version" << QJsonValue(QJsonValue::Undefined) << "required";
        QTest::newRow("version zero") << "version" << QJsonValue(0) << "out_of_range";
        QTest::newRow("version fraction") << "version" << QJsonValue(1.5) << "invalid_type";
        QTest::newRow("version text")
            << "version" << QJsonValue(QStringLiteral("3")) << "invalid_type";
        QTest::newRow("updated_at missing")
            << "updated_at" << QJsonValue(QJsonValue::Undefined) << "required";
        QTest::newRow("updated_at garbage")
            << "updated_at" << QJsonValue(QStringLiteral("yesterday")) << "invalid_format";
        QTest::newRow("score 101") << "score" << QJsonValue(101) << "out_of_range";
        QTest::newRow("score negative") << "score" << QJsonValue(-1) << "out_of_range";
        QTest::newRow("score text")
            << "score" << QJsonValue(QStringLiteral("80")) << "invalid_type";
        QTest::newRow("value text")
            << "value" << QJsonValue(QStringLiteral("12")) << "invalid_type";
        QTest::newRow("eligible text")
            << "eligible" << QJsonValue(QStringLiteral("yes")) << "invalid_type";
        QTest::newRow("name not text") << "last_name" << QJsonValue(true) << "invalid_type";
        QTest::newRow("name 256 chars")
            << "last_name" << QJsonValue(QString(256, u'x')) << "too_long";
        QTest::newRow("name 100 KB")
            << "first_name" << QJsonValue(QString(100 * 1024, u'x')) << "too_long";
        QTest::newRow("NUL in name")
            << "last_name" << QJsonValue(QStringLiteral("Love\u0000lace")) << "invalid_text";
        QTest::newRow("lone surrogate")
            << "company" << QJsonValue(QString(QChar(0xD800))) << "invalid_text";
        QTest::newRow("agent_id object")
            << "agent_id" << QJsonValue(QJsonObject()) << "invalid_type";
    }

    void leadInvalid()
    {
        QFETCH(QString, field);
        QFETCH(QJsonValue, value);
        QFETCH(QString, code);
        QJsonObject json = validLead();
        if (value.isUndefined())
            json.remove(field);
        else
            json.insert(field, value);
        const auto lead = PlatformLead::fromJson(json);
        QVERIFY(!lead.ok());
        QCOMPARE(lead.error().code, QStringLiteral("invalid_record"));
        const auto issues = PlatformLead::check(json);
        QCOMPARE(issues.size(), 1);
        QCOMPARE(issues.first().field, field);
        QCOMPARE(issues.first().code, code);
        QVERIFY(lead.error().message.contains(field));
        QCOMPARE(lead.error().details.value(QStringLiteral("issues")).toArray().size(), 1);
    }

    void leadCollectsEveryIssue()
    {
        QJsonObject json = validLead();
        json.insert(QStringLiteral("score"), 500);
        json.insert(QStringLiteral("email"), 5);
        json.remove(QStringLiteral("version"));
        QCOMPARE(PlatformLead::check(json).size(), 3);
    }

    void unknownFieldsAreIgnoredWhenReading()
    {
        QJsonObject json = validLead();
        json.insert(QStringLiteral("priority"), QStringLiteral("high"));
        QVERIFY(PlatformLead::fromJson(json).ok());
    }

    void tombstoneRoundTrip()
    {
        const QJsonObject json = obj(R"({"id":"L-000123","deleted":true,
            "deleted_at":"2026-11-22T13:05:00.000Z","updated_at":"2026-11-22T13:05:00.000Z",
            "updated_by":"maria","version":4})");
        QVERIFY(PlatformTombstone::isTombstone(json));
        QVERIFY(!PlatformTombstone::isTombstone(validLead()));
        const auto t = PlatformTombstone::fromJson(json);
        QVERIFY2(t.ok(), qPrintable(t.ok() ? QString() : t.error().message));
        QCOMPARE(t->id, QStringLiteral("L-000123"));
        QCOMPARE(t->deletedAt, Q_INT64_C(1795352700000));
        QCOMPARE(t->updatedBy, QStringLiteral("maria"));
        QCOMPARE(t->version, Q_INT64_C(4));
        QCOMPARE(t->toJson(), json);
    }

    void tombstoneInvalid_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QJsonValue>("value"); // undefined = remove the field
        QTest::newRow("deleted false") << "deleted" << QJsonValue(false);
        QTest::newRow("deleted text") << "deleted" << QJsonValue(QStringLiteral("true"));
        QTest::newRow("no deleted_at") << "deleted_at" << QJsonValue(QJsonValue::Undefined);
        QTest::newRow("deleted_at garbage") << "deleted_at" << QJsonValue(QStringLiteral("now"));
        QTest::newRow("no updated_at") << "updated_at" << QJsonValue(QJsonValue::Undefined);
        QTest::newRow("no version") << "version" << QJsonValue(QJsonValue::Undefined);
        QTest::newRow("version 0") << "version" << QJsonValue(0);
        QTest::newRow("bad id") << "id" << QJsonValue(QStringLiteral("L 1/../x"));
        QTest::newRow("updated_by control character")
            << "updated_by" << QJsonValue(QStringLiteral("a\tb"));
    }

    void tombstoneInvalid()
    {
        QFETCH(QString, field);
        QFETCH(QJsonValue, value);
        QJsonObject json = obj(R"({"id":"L-1","deleted":true,
            "deleted_at":"2026-11-22T13:05:00.000Z","updated_at":"2026-11-22T13:05:00.000Z",
            "updated_by":"api","version":2})");
        QVERIFY(PlatformTombstone::fromJson(json).ok());
        if (value.isUndefined())
            json.remove(field);
        else
            json.insert(field, value);
        const auto t = PlatformTombstone::fromJson(json);
        QVERIFY(!t.ok());
        QCOMPARE(t.error().code, QStringLiteral("invalid_record"));
        const auto issues = t.error().details.value(QStringLiteral("issues")).toArray();
        QCOMPARE(issues.size(), 1);
        QCOMPARE(issues.first().toObject().value(QStringLiteral("field")).toString(), field);
    }

    void agentRoundTrip()
    {
        const QJsonObject json = obj(R"({"id":"A-0042","name":"Grace Hopper",
            "email":"grace@example.com","active":true,"eligible":false,"states":["TX","CA"],
            "capacity":12,"salesforce_id":"a01000000000001AAA",
            "updated_at":"2026-01-02T03:04:05.006Z","version":2})");
        const auto agent = PlatformAgent::fromJson(json);
        QVERIFY2(agent.ok(), qPrintable(agent.ok() ? QString() : agent.error().message));
        QCOMPARE(agent->states, QStringList({QStringLiteral("TX"), QStringLiteral("CA")}));
        QCOMPARE(agent->capacity, 12);
        QCOMPARE(agent->toJson(), json);
    }

    void agentInvalid_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QJsonValue>("value");
        QTest::newRow("states not a list") << "states" << QJsonValue(QStringLiteral("TX"));
        QTest::newRow("state three letters")
            << "states" << QJsonValue(QJsonArray {QStringLiteral("TEX")});
        QTest::newRow("state lower case")
            << "states" << QJsonValue(QJsonArray {QStringLiteral("tx")});
        QTest::newRow("capacity negative") << "capacity" << QJsonValue(-1);
        QTest::newRow("active text") << "active" << QJsonValue(QStringLiteral("no"));
    }

    void agentInvalid()
    {
        QFETCH(QString, field);
        QFETCH(QJsonValue, value);
        QJsonObject json = obj(R"({"id":"A-1","name":"X","updated_at":"2026-01-02T03:04:05.006Z",
            "version":1})");
        QVERIFY(PlatformAgent::fromJson(json).ok());
        json.insert(field, value);
        const auto issues = PlatformAgent::check(json);
        QCOMPARE(issues.size(), 1);
        QCOMPARE(issues.first().field, field);
    }
};

QTEST_GUILESS_MAIN(TestPlatformTypes)
#include "TestPlatformTypes.moc"
