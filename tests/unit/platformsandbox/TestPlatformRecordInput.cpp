#include "platform/PlatformRecordInput.h"

#include <QJsonDocument>
#include <QTest>

using namespace lb::sandbox;

class TestPlatformRecordInput : public QObject
{
    Q_OBJECT

    static QJsonObject good()
    {
        return QJsonObject {{QStringLiteral("last_name"), QStringLiteral("Lovelace")},
                            {QStringLiteral("email"), QStringLiteral("ada@example.com")},
                            {QStringLiteral("status"), QStringLiteral("working")},
                            {QStringLiteral("score"), 50},
                            {QStringLiteral("agent_id"), QStringLiteral("A-1")},
                            {QStringLiteral("salesforce_id"), QStringLiteral("00Q000000000001AAA")},
                            {QStringLiteral("updated_by"), QStringLiteral("salesforce")}};
    }

private slots:
    void replaceResetsWhatIsLeftOut()
    {
        LeadRecord lead;
        lead.id = QStringLiteral("L-1");
        lead.company = QStringLiteral("Old Co");
        lead.score = 99;
        QStringList written;
        QVERIFY(PlatformRecordInput::applyLead(good(), PlatformRecordInput::Mode::Replace, lead,
                                               written)
                    .isEmpty());
        QCOMPARE(lead.company, QString());
        QCOMPARE(lead.score, 50);
        QCOMPARE(lead.updatedBy, QStringLiteral("salesforce"));
        QCOMPARE(lead.agentId, std::optional<QString>(QStringLiteral("A-1")));
        QVERIFY(written.contains(QStringLiteral("email")));
        QVERIFY(!written.contains(QStringLiteral("updated_by")));
    }

    void mergeKeepsWhatIsLeftOut()
    {
        LeadRecord lead;
        lead.id = QStringLiteral("L-1");
        lead.lastName = QStringLiteral("Hopper");
        lead.company = QStringLiteral("Navy");
        QStringList written;
        QVERIFY(PlatformRecordInput::applyLead(QJsonObject {{QStringLiteral("score"), 7}},
                                               PlatformRecordInput::Mode::Merge, lead, written)
                    .isEmpty());
        QCOMPARE(lead.company, QStringLiteral("Navy"));
        QCOMPARE(lead.score, 7);
        QCOMPARE(written, QStringList {QStringLiteral("score")});
        QCOMPARE(lead.updatedBy, QStringLiteral("api"));
    }

    void leadIssues_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QJsonValue>("value"); // undefined = remove
        QTest::addColumn<QString>("code");
        QTest::newRow("last_name missing")
            << "last_name" << QJsonValue(QJsonValue::Undefined) << "required";
        QTest::newRow("last_name blank")
            << "last_name" << QJsonValue(QStringLiteral("  ")) << "required";
        QTest::newRow("email no at")
            << "email" << QJsonValue(QStringLiteral("ada.example.com")) << "invalid_format";
        QTest::newRow("email two at")
            << "email" << QJsonValue(QStringLiteral("a@b@c.com")) << "invalid_format";
        QTest::newRow("email no dot")
            << "email" << QJsonValue(QStringLiteral("ada@example")) << "invalid_format";
        QTest::newRow("email with space")
            << "email" << QJsonValue(QStringLiteral("a da@example.com")) << "invalid_format";
        QTest::newRow("status unknown")
            << "status" << QJsonValue(QStringLiteral("hot")) << "invalid_value";
        QTest::newRow("score 101") << "score" << QJsonValue(101) << "out_of_range";
        QTest::newRow("score 1.5") << "score" << QJsonValue(1.5) << "invalid_type";
        QTest::newRow("value negative") << "value" << QJsonValue(-1) << "out_of_range";
        QTest::newRow("value text")
            << "value" << QJsonValue(QStringLiteral("12")) << "invalid_type";
        QTest::newRow("eligible number") << "eligible" << QJsonValue(1) << "invalid_type";
        QTest::newRow("agent_id bad")
            << "agent_id" << QJsonValue(QStringLiteral("A 1")) << "invalid_format";
        QTest::newRow("salesforce_id short")
            << "salesforce_id" << QJsonValue(QStringLiteral("00Q1")) << "invalid_format";
        QTest::newRow("company 256 chars")
            << "company" << QJsonValue(QString(256, u'c')) << "too_long";
        QTest::newRow("company with NUL")
            << "company" << QJsonValue(QStringLiteral("a\u0000b")) << "invalid_text";
        QTest::newRow("unknown field") << "priority" << QJsonValue(1) << "unknown_field";
        QTest::newRow("id mismatch") << "id" << QJsonValue(QStringLiteral("L-2")) << "id_mismatch";
        QTest::newRow("updated_by empty")
            << "updated_by" << QJsonValue(QStringLiteral("")) << "invalid_type";
    }

    void leadIssues()
    {
        QFETCH(QString, field);
        QFETCH(QJsonValue, value);
        QFETCH(QString, code);
        QJsonObject body = good();
        if (value.isUndefined())
            body.remove(field);
        else
            body.insert(field, value);
        LeadRecord lead;
        lead.id = QStringLiteral("L-1");
        QStringList written;
        const auto issues = PlatformRecordInput::applyLead(body, PlatformRecordInput::Mode::Replace,
                                                           lead, written);
        QCOMPARE(issues.size(), 1);
        QCOMPARE(issues.first().field, field);
        QCOMPARE(issues.first().code, code);
        QVERIFY(!issues.first().message.isEmpty());
    }

    void agentIssues()
    {
        AgentRecord agent;
        agent.id = QStringLiteral("A-1");
        QStringList written;
        auto issues = PlatformRecordInput::applyAgent(
            QJsonObject {{QStringLiteral("states"), QJsonArray {QStringLiteral("Texas")}}}, agent,
            written);
        QCOMPARE(issues.size(), 2); // name required, states malformed
        issues = PlatformRecordInput::applyAgent(
            QJsonObject {{QStringLiteral("name"), QStringLiteral("Grace")},
                         {QStringLiteral("states"), QJsonArray {QStringLiteral("TX")}},
                         {QStringLiteral("capacity"), 5}},
            agent, written);
        QVERIFY(issues.isEmpty());
        QCOMPARE(agent.states, QStringList {QStringLiteral("TX")});
    }
};

QTEST_GUILESS_MAIN(TestPlatformRecordInput)
#include "TestPlatformRecordInput.moc"
