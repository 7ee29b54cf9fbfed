#include "config/DestinationConfig.h"
#include "config/Profile.h"

#include <QJsonDocument>
#include <QTest>

using namespace lb;

namespace {

QJsonObject lead(const QString &status, double score, const QString &state)
{
    return {{QStringLiteral("status"), status},
            {QStringLiteral("score"), score},
            {QStringLiteral("state"), state}};
}

QJsonValue json(const char *text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object().value(QStringLiteral("when"));
}

Result<Profile> profileWith(const QByteArray &destinations)
{
    return Profile::fromJson(QByteArray(R"({"name":"p","destinations":)") + destinations + '}',
                             QStringLiteral("p.json"));
}

} // namespace

class TestDestinationRules : public QObject
{
    Q_OBJECT

private slots:
    void jsonRuleMatchesTheDocumentedExample()
    {
        auto rule = DestinationRule::fromJson(
            json(R"({"when":{"status":["won","working"],"score":{">=":80},"state":["TX","CA"]}})"));
        QVERIFY2(rule.ok(), rule ? "" : qPrintable(rule.error().message));
        QCOMPARE(rule->conditions().size(), 3);
        QVERIFY(rule->matches(lead(QStringLiteral("won"), 80, QStringLiteral("TX"))));
        QVERIFY(rule->matches(lead(QStringLiteral("Working"), 95, QStringLiteral("CA"))));
        QVERIFY(!rule->matches(lead(QStringLiteral("won"), 79.5, QStringLiteral("TX"))));
        QVERIFY(!rule->matches(lead(QStringLiteral("lost"), 99, QStringLiteral("TX"))));
        QVERIFY(!rule->matches(lead(QStringLiteral("won"), 99, QStringLiteral("NY"))));
        QVERIFY(!rule->matches({{QStringLiteral("status"), QStringLiteral("won")}})); // no score
    }

    void numbersCompareAsNumbers()
    {
        auto rule = DestinationRule::parse(QStringLiteral("score >= 80"));
        QVERIFY(rule.ok());
        // "9" < "80" as text, but 9 < 80 and 100 >= 80 as numbers.
        QVERIFY(!rule->matches({{QStringLiteral("score"), QStringLiteral("9")}}));
        QVERIFY(rule->matches({{QStringLiteral("score"), QStringLiteral("100")}}));
        QVERIFY(!rule->matches({{QStringLiteral("score"), QStringLiteral("high")}}));
    }

    void textRuleParsesEveryOperator()
    {
        auto rule = DestinationRule::parse(
            QStringLiteral("status = won and score >= 80 and state in [TX, CA] and source != "
                           "\"cold call\" and age < 30 and rank > 1 and tier <= 3"));
        QVERIFY2(rule.ok(), rule ? "" : qPrintable(rule.error().message));
        QCOMPARE(rule->conditions().size(), 7);
        QJsonObject l = lead(QStringLiteral("won"), 90, QStringLiteral("CA"));
        l.insert(QStringLiteral("source"), QStringLiteral("web"));
        l.insert(QStringLiteral("age"), 20);
        l.insert(QStringLiteral("rank"), 2);
        l.insert(QStringLiteral("tier"), 3);
        QVERIFY(rule->matches(l));
        l.insert(QStringLiteral("source"), QStringLiteral("Cold Call"));
        QVERIFY(!rule->matches(l));
        // The text form and the JSON form round-trip to the same rule.
        auto again = DestinationRule::parse(rule->toText());
        QVERIFY2(again.ok(), again ? "" : qPrintable(again.error().message));
        QCOMPARE(again->toText(), rule->toText());
        auto fromJson = DestinationRule::fromJson(rule->toJson());
        QVERIFY(fromJson.ok());
        QVERIFY(fromJson->matches(l) == rule->matches(l));
    }

    void emptyRuleMatchesEverything()
    {
        auto absent = DestinationRule::fromJson(QJsonValue(QJsonValue::Undefined));
        QVERIFY(absent.ok());
        QVERIFY(absent->isEmpty());
        QVERIFY(absent->matches({}));
        auto text = DestinationRule::parse(QStringLiteral("   "));
        QVERIFY(text.ok());
        QVERIFY(text->isEmpty());
    }

    void badRulesAreRefusedWithTheirReason_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("says");
        QTest::newRow("ordering on text") << "score >= high"
                                          << "needs a number";
        QTest::newRow("no operator") << "score 80"
                                     << "expected =";
        QTest::newRow("no value") << "score >="
                                  << "expected a value";
        QTest::newRow("no and") << "score >= 80 state = TX"
                                << "expected 'and'";
        QTest::newRow("dangling and") << "score >= 80 and"
                                      << "missing after the last";
        QTest::newRow("open list") << "state in [TX, CA"
                                   << "never closed";
        QTest::newRow("in without list") << "state in TX"
                                         << "needs a list";
        QTest::newRow("open quote") << "source = \"web"
                                    << "never closed";
        QTest::newRow("unknown op") << "score => 80"
                                    << "unknown comparison";
        QTest::newRow("empty list") << "state in []"
                                    << "at least one value";
    }

    void badRulesAreRefusedWithTheirReason()
    {
        QFETCH(QString, text);
        QFETCH(QString, says);
        auto rule = DestinationRule::parse(text);
        QVERIFY2(!rule.ok(), qPrintable(text));
        QVERIFY2(rule.error().message.contains(says), qPrintable(rule.error().message));
    }

    void profileReadsDestinationsAndAlerts()
    {
        auto p = Profile::fromJson(
            QByteArray(R"({"name":"p","destinations":[{"name":"analytics","url":)"
                       R"("https:\/\/hooks.analytics.example/leads","events":["lead.created",)"
                       R"("lead.status_changed"],"when":{"status":["won"],"score":{">=":80}}}],)"
                       R"("alerts":[{"name":"ops-chat","format":"slack","url":)"
                       R"("https:\/\/hooks.slack.example/T/B/X"},{"name":"on-call","format":)"
                       R"("pagerduty","url":"https:\/\/events.pagerduty.example/v2/enqueue"}]})"),
            QStringLiteral("p.json"));
        QVERIFY2(p.ok(), p ? "" : qPrintable(p.error().message));
        QCOMPARE(p->destinations.size(), 1);
        const DestinationConfig &d = p->destinations.first();
        QCOMPARE(d.target(), QStringLiteral("destination:analytics"));
        QVERIFY(d.wants(LeadEvent::Created, lead(QStringLiteral("won"), 85, QStringLiteral("TX"))));
        QVERIFY(
            !d.wants(LeadEvent::Updated, lead(QStringLiteral("won"), 85, QStringLiteral("TX"))));
        QVERIFY(!d.wants(LeadEvent::Created, lead(QStringLiteral("won"), 5, QStringLiteral("TX"))));
        QCOMPARE(p->alerts.size(), 2);
        QVERIFY(p->alerts.at(1).isPagerDuty());
        // The destination's JSON round-trips.
        auto back
            = DestinationConfig::fromJson(d.toJson(), QStringLiteral("$"), QStringLiteral("x"));
        QVERIFY(back.ok());
        QCOMPARE(back->when.toText(), d.when.toText());
    }

    void profileErrorsNameThePath_data()
    {
        QTest::addColumn<QByteArray>("destinations");
        QTest::addColumn<QString>("says");
        QTest::newRow("bad rule") << QByteArray(
            R"([{"name":"a","url":"https:\/\/a.example","events":["lead.created"],)"
            R"("when":{"score":{">=":"high"}}}])")
                                  << "$.destinations[0].when score: '>=' compares numbers";
        QTest::newRow("unknown event")
            << QByteArray(R"([{"name":"a","url":"https:\/\/a.example","events":["lead.moved"]}])")
            << "$.destinations[0].events holds an unknown event \"lead.moved\"";
        QTest::newRow("plain http")
            << QByteArray(R"([{"name":"a","url":"http:\/\/a.example","events":["lead.created"]}])")
            << "$.destinations[0].url must be https";
        QTest::newRow("bad name") << QByteArray(
            R"([{"name":"A B","url":"https:\/\/a.example","events":["lead.created"]}])")
                                  << "$.destinations[0].name \"A B\" is not a valid name";
        QTest::newRow("twice") << QByteArray(
            R"([{"name":"a","url":"https:\/\/a.example","events":["lead.created"]},)"
            R"({"name":"a","url":"https:\/\/b.example","events":["lead.created"]}])")
                               << "$.destinations[1].name \"a\" is used twice";
        QTest::newRow("unknown key")
            << QByteArray(R"([{"name":"a","url":"https:\/\/a.example","events":["lead.created"],)"
                          R"("secret":"x"}])")
            << "unknown key $.destinations[0].secret";
        QTest::newRow("no events") << QByteArray(R"([{"name":"a","url":"https:\/\/a.example"}])")
                                   << "$.destinations[0].events must name at least one event";
    }

    void profileErrorsNameThePath()
    {
        QFETCH(QByteArray, destinations);
        QFETCH(QString, says);
        auto p = profileWith(destinations);
        QVERIFY(!p.ok());
        QVERIFY2(p.error().message.contains(says), qPrintable(p.error().message));
        QVERIFY(p.error().message.startsWith(QStringLiteral("p.json: ")));
    }

    void loopbackHttpIsAllowed()
    {
        auto p = profileWith(QByteArray(
            R"([{"name":"local","url":"http:\/\/127.0.0.1:9000/in","events":["agent.changed"]}])"));
        QVERIFY2(p.ok(), p ? "" : qPrintable(p.error().message));
        auto a
            = Profile::fromJson(QByteArray(R"({"name":"p","alerts":[{"name":"x","format":"email",)"
                                           R"("url":"https:\/\/a.example"}]})"),
                                QStringLiteral("p.json"));
        QVERIFY(!a.ok());
        QVERIFY2(a.error().message.contains(QStringLiteral("$.alerts[0].format must be one of")),
                 qPrintable(a.error().message));
    }
};

QTEST_GUILESS_MAIN(TestDestinationRules)
#include "TestDestinationRules.moc"
