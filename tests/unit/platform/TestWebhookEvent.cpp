#include "platform/WebhookEvent.h"

#include <QJsonDocument>
#include <QTest>

using namespace lb::platform;
using namespace Qt::StringLiterals;

namespace {

QByteArray lead(const QByteArray &extra = {})
{
    return R"({"id":"L-1","last_name":"Lovelace","updated_at":"2026-01-01T00:00:00.000Z",)"
           R"("version":2)"
        + extra + "}";
}

QByteArray tombstone()
{
    return R"({"id":"L-1","deleted":true,"deleted_at":"2026-01-01T00:00:00.000Z",)"
           R"("updated_at":"2026-01-01T00:00:00.000Z","updated_by":"maria","version":2})";
}

QByteArray makeEvent(const QByteArray &id = "\"evt_1\"",
                     const QByteArray &type = "\"lead.updated\"",
                     const QByteArray &occurred = "\"2026-01-01T00:00:01.000Z\"",
                     const QByteArray &data = lead())
{
    return R"({"event_id":)" + id + R"(,"type":)" + type + R"(,"occurred_at":)" + occurred
        + R"(,"data":)" + data + "}";
}

} // namespace

class TestWebhookEvent : public QObject
{
    Q_OBJECT

private slots:
    void parse_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status"); // 0 = accepted
        QTest::addColumn<QString>("code");

        QTest::newRow("good") << makeEvent() << 0 << QString();
        for (const char *type : {"lead.created", "lead.updated", "lead.assigned", "lead.deleted"})
            QTest::newRow(type) << makeEvent("\"evt_1\"", '"' + QByteArray(type) + '"') << 0
                                << QString();
        QTest::newRow("lead.deleted with tombstone") << makeEvent(
            "\"evt_1\"", "\"lead.deleted\"", "\"2026-01-01T00:00:01.000Z\"", tombstone())
                                                     << 0 << QString();
        QTest::newRow("tombstone in lead.updated") << makeEvent(
            "\"evt_1\"", "\"lead.updated\"", "\"2026-01-01T00:00:01.000Z\"", tombstone())
                                                   << 422 << "invalid_data";
        QTest::newRow("tombstone without deleted_at")
            << makeEvent("\"evt_1\"", "\"lead.deleted\"", "\"2026-01-01T00:00:01.000Z\"",
                         tombstone().replace(R"("deleted_at":"2026-01-01T00:00:00.000Z",)", ""))
            << 422 << "invalid_data";
        QTest::newRow("unknown fields ignored")
            << QByteArray(R"({"x":1,)") + makeEvent().mid(1) << 0 << QString();

        QTest::newRow("empty") << QByteArray() << 400 << "invalid_json";
        QTest::newRow("truncated") << makeEvent().left(40) << 400 << "invalid_json";
        QTest::newRow("array") << QByteArray("[1,2]") << 400 << "invalid_json";
        QTest::newRow("string") << QByteArray("\"x\"") << 400 << "invalid_json";
        QTest::newRow("NUL byte") << makeEvent().replace("Lovelace", "Love\0lace"_ba) << 400
                                  << "invalid_json";
        QTest::newRow("invalid UTF-8")
            << makeEvent().replace("Lovelace", "Love\xff\xfelace") << 400 << "invalid_json";
        QTest::newRow("overlong UTF-8")
            << makeEvent().replace("Lovelace", "Love\xc0\xaflace") << 400 << "invalid_json";
        QTest::newRow("deep nesting")
            << QByteArray(5000, '[') + QByteArray(5000, ']') << 400 << "invalid_json";

        QTest::newRow("event_id missing")
            << QByteArray(R"({"type":"lead.updated","occurred_at":"2026-01-01T00:00:01.000Z",)"
                          R"("data":{}})")
            << 400 << "invalid_event";
        QTest::newRow("event_id number") << makeEvent("12") << 400 << "invalid_event";
        QTest::newRow("event_id SQL")
            << makeEvent("\"evt_1'); DROP TABLE inbound_events;--\"") << 400 << "invalid_event";
        QTest::newRow("event_id NUL") << makeEvent(R"("evt_\u0000")") << 400 << "invalid_event";
        QTest::newRow("event_id 129 chars")
            << makeEvent('"' + QByteArray(129, 'e') + '"') << 400 << "invalid_event";
        QTest::newRow("type missing") << makeEvent("\"evt_1\"", "null") << 400 << "invalid_event";
        QTest::newRow("occurred_at garbage")
            << makeEvent("\"evt_1\"", "\"lead.updated\"", "\"now\"") << 400 << "invalid_event";
        QTest::newRow("data missing")
            << makeEvent("\"evt_1\"", "\"lead.updated\"", "\"2026-01-01T00:00:01.000Z\"", "null")
            << 400 << "invalid_event";

        QTest::newRow("unknown type")
            << makeEvent("\"evt_1\"", "\"lead.exploded\"") << 422 << "unknown_event_type";
        QTest::newRow("SQL type") << makeEvent("\"evt_1\"", "\"'; DELETE FROM leads;--\"") << 422
                                  << "unknown_event_type";
        QTest::newRow("lead without id")
            << makeEvent("\"evt_1\"", "\"lead.updated\"", "\"2026-01-01T00:00:01.000Z\"",
                         R"({"updated_at":"2026-01-01T00:00:00.000Z","version":1})")
            << 422 << "invalid_data";
        QTest::newRow("lead 100 KB name")
            << makeEvent("\"evt_1\"", "\"lead.updated\"", "\"2026-01-01T00:00:01.000Z\"",
                         lead(",\"first_name\":\"" + QByteArray(100 * 1024, 'x') + '"'))
            << 422 << "invalid_data";
        QTest::newRow("lead NUL in name")
            << makeEvent("\"evt_1\"", "\"lead.updated\"", "\"2026-01-01T00:00:01.000Z\"",
                         lead(R"(,"company":"Acme\u0000Corp")"))
            << 422 << "invalid_data";
        QTest::newRow("lead score 1000")
            << makeEvent("\"evt_1\"", "\"lead.updated\"", "\"2026-01-01T00:00:01.000Z\"",
                         lead(R"(,"score":1000)"))
            << 422 << "invalid_data";
    }

    void parse()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, code);
        const auto parsed = WebhookEvent::parse(body);
        if (status == 0) {
            QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message));
            QCOMPARE(parsed->eventId, QStringLiteral("evt_1"));
            QCOMPARE(parsed->lead.id, QStringLiteral("L-1"));
            QCOMPARE(parsed->lead.version, Q_INT64_C(2));
            QCOMPARE(parsed->occurredAt, Q_INT64_C(1767225601000));
            // Only lead.deleted carries a tombstone, and then it is read as one.
            QCOMPARE(parsed->tombstone.has_value(), body.contains("\"deleted\":true"));
            if (parsed->tombstone) {
                QCOMPARE(parsed->tombstone->updatedBy, QStringLiteral("maria"));
                QCOMPARE(parsed->lead.updatedAt, parsed->tombstone->updatedAt);
            }
            return;
        }
        QVERIFY(!parsed.ok());
        QCOMPARE(parsed.error().httpStatus, status);
        QCOMPARE(parsed.error().code, code);
        QVERIFY(!parsed.error().message.isEmpty());
        // Attacker-controlled text is not echoed back at length.
        QVERIFY(parsed.error().message.size() < 1000);
    }
};

QTEST_GUILESS_MAIN(TestWebhookEvent)
#include "TestWebhookEvent.moc"
