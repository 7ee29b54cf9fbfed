#include "LoopbackServer.h"
#include "platform/PlatformApi.h"
#include "platform/PlatformSandbox.h"
#include "platform/PlatformTime.h"
#include "platform/WebhookSignature.h"

#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>

using namespace lb;
using namespace lb::sandbox;

// Contract v1.1 "Deleting leads" in the platform sandbox: DELETE leaves a tombstone that is
// listed in order, answers 410 on GET and 409 on writes (and in a batch), until PUT
// ?restore=true brings the lead back; each step sends the matching, signed webhook.
class TestPlatformDeletion : public QObject
{
    Q_OBJECT

    struct Event
    {
        QString type;
        LeadRecord lead;
    };

    ManualClock m_clock;
    LeadRepository m_leads;
    AgentRepository m_agents;
    PlatformWriteLog m_log;
    std::unique_ptr<PlatformApi> m_api;
    QList<Event> m_events;

    PlatformAnswer call(const QByteArray &method, const QString &path, const QJsonObject &body = {},
                        const QString &query = {})
    {
        PlatformApi::Request r;
        r.method = method;
        r.path = path.split(u'/', Qt::SkipEmptyParts);
        r.query = QUrlQuery(query);
        if (method == "PUT" || method == "PATCH" || method == "POST")
            r.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
        return m_api->handle(r);
    }

    static QJsonObject json(const PlatformAnswer &a)
    {
        return QJsonDocument::fromJson(a.body).object();
    }

    static QJsonObject leadBody(const QString &lastName = QStringLiteral("Lovelace"))
    {
        return QJsonObject {{QStringLiteral("first_name"), QStringLiteral("Ada")},
                            {QStringLiteral("last_name"), lastName},
                            {QStringLiteral("email"), QStringLiteral("ada@example.com")},
                            {QStringLiteral("salesforce_id"), QStringLiteral("00Q5g00000AbCdEEAV")},
                            {QStringLiteral("updated_by"), QStringLiteral("salesforce")}};
    }

    // Creates L-1 and deletes it; returns the tombstone as GET shows it.
    QJsonObject createAndDelete()
    {
        const auto created = call("PUT", QStringLiteral("/v1/leads/L-1"), leadBody());
        if (created.status != 201)
            return {};
        m_clock.advanceMs(1000);
        if (call("DELETE", QStringLiteral("/v1/leads/L-1")).status != 204)
            return {};
        return json(call("GET", QStringLiteral("/v1/leads/L-1")))
            .value(QStringLiteral("current"))
            .toObject();
    }

private slots:
    void init()
    {
        m_leads.clear();
        m_agents.clear();
        m_log.clear();
        m_events.clear();
        m_api = std::make_unique<PlatformApi>(m_leads, m_agents, m_log, m_clock);
        m_api->setLeadListener([this](const QString &type, const LeadRecord &lead) {
            m_events.append({type, lead});
        });
    }

    void deleteLeavesTombstone()
    {
        QCOMPARE(call("PUT", QStringLiteral("/v1/leads/L-1"), leadBody()).status, 201);
        m_clock.advanceMs(1000);
        const auto deleted = call("DELETE", QStringLiteral("/v1/leads/L-1"));
        QCOMPARE(deleted.status, 204);
        QVERIFY(deleted.body.isEmpty());

        const auto get = call("GET", QStringLiteral("/v1/leads/L-1"));
        QCOMPARE(get.status, 410);
        QCOMPARE(json(get).value(QStringLiteral("error")).toString(), QStringLiteral("deleted"));
        const QJsonObject tombstone = json(get).value(QStringLiteral("current")).toObject();
        QStringList keys = tombstone.keys();
        keys.sort();
        QCOMPARE(keys,
                 QStringList({QStringLiteral("deleted"), QStringLiteral("deleted_at"),
                              QStringLiteral("id"), QStringLiteral("updated_at"),
                              QStringLiteral("updated_by"), QStringLiteral("version")}));
        QCOMPARE(tombstone.value(QStringLiteral("id")).toString(), QStringLiteral("L-1"));
        QCOMPARE(tombstone.value(QStringLiteral("deleted")).toBool(), true);
        QCOMPARE(tombstone.value(QStringLiteral("version")).toInteger(), Q_INT64_C(2));
        QCOMPARE(platform::parsePlatformTimestamp(
                     tombstone.value(QStringLiteral("deleted_at")).toString()),
                 std::optional<qint64>(m_clock.nowMs()));
        QCOMPARE(tombstone.value(QStringLiteral("updated_at")),
                 tombstone.value(QStringLiteral("deleted_at")));

        QCOMPARE(m_events.size(), 2);
        QCOMPARE(m_events.last().type, QStringLiteral("lead.deleted"));
        QCOMPARE(m_events.last().lead.toJson(), tombstone);
        QCOMPARE(m_log.entries().last().operation, QStringLiteral("delete"));
        // The salesforce_id is free again.
        QVERIFY(m_leads.holderOfSalesforceId(QStringLiteral("00Q5g00000AbCdEEAV")).isEmpty());
    }

    void deleteTwiceAndUnknown()
    {
        QVERIFY(!createAndDelete().isEmpty());
        const qsizetype events = m_events.size();
        QCOMPARE(call("DELETE", QStringLiteral("/v1/leads/L-1")).status, 204);
        QCOMPARE(m_events.size(), events); // nothing changed, nothing sent
        QCOMPARE(m_leads.find(QStringLiteral("L-1"))->version, Q_INT64_C(2));

        const auto unknown = call("DELETE", QStringLiteral("/v1/leads/L-404"));
        QCOMPARE(unknown.status, 404);
        QCOMPARE(json(unknown).value(QStringLiteral("error")).toString(),
                 QStringLiteral("not_found"));
        QCOMPARE(call("DELETE", QStringLiteral("/v1/leads")).status, 405);
    }

    void listingCarriesTombstonesInOrder()
    {
        QCOMPARE(call("PUT", QStringLiteral("/v1/leads/L-2"), leadBody()).status, 201);
        m_clock.advanceMs(10);
        QCOMPARE(call("PUT", QStringLiteral("/v1/leads/L-1"),
                      QJsonObject {{QStringLiteral("last_name"), QStringLiteral("Hopper")}})
                     .status,
                 201);
        m_clock.advanceMs(10);
        const qint64 since = m_clock.nowMs();
        QCOMPARE(call("DELETE", QStringLiteral("/v1/leads/L-2")).status, 204);
        m_clock.advanceMs(10);
        QCOMPARE(call("PATCH", QStringLiteral("/v1/leads/L-1"),
                      QJsonObject {{QStringLiteral("score"), 5}})
                     .status,
                 200);

        const auto all = json(call("GET", QStringLiteral("/v1/leads")));
        const QJsonArray data = all.value(QStringLiteral("data")).toArray();
        QCOMPARE(data.size(), 2);
        QCOMPARE(data.at(0).toObject().value(QStringLiteral("id")).toString(),
                 QStringLiteral("L-2"));
        QVERIFY(data.at(0).toObject().value(QStringLiteral("deleted")).toBool());
        QVERIFY(!data.at(1).toObject().contains(QStringLiteral("deleted")));

        const auto newer = json(
            call("GET", QStringLiteral("/v1/leads"), {},
                 QStringLiteral("updated_since=") + platform::formatPlatformTimestamp(since)));
        QCOMPARE(newer.value(QStringLiteral("data")).toArray().size(), 2);
        const auto later = json(
            call("GET", QStringLiteral("/v1/leads"), {},
                 QStringLiteral("updated_since=") + platform::formatPlatformTimestamp(since + 5)));
        QCOMPARE(later.value(QStringLiteral("data")).toArray().size(), 1);
    }

    void writesToTombstoneConflict_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("query");
        QTest::newRow("PUT") << QByteArray("PUT") << QString();
        QTest::newRow("PUT restore=false") << QByteArray("PUT") << QStringLiteral("restore=false");
        QTest::newRow("PATCH") << QByteArray("PATCH") << QString();
    }

    void writesToTombstoneConflict()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, query);
        const QJsonObject tombstone = createAndDelete();
        QVERIFY(!tombstone.isEmpty());
        const auto answer = call(method, QStringLiteral("/v1/leads/L-1"), leadBody(), query);
        QCOMPARE(answer.status, 409);
        QCOMPARE(json(answer).value(QStringLiteral("error")).toString(), QStringLiteral("deleted"));
        QCOMPARE(json(answer).value(QStringLiteral("current")).toObject(), tombstone);
        QVERIFY(m_leads.find(QStringLiteral("L-1"))->deleted);
    }

    void batchItemOnTombstone()
    {
        QVERIFY(!createAndDelete().isEmpty());
        QJsonObject dead = leadBody();
        dead.insert(QStringLiteral("id"), QStringLiteral("L-1"));
        QJsonObject alive = leadBody(QStringLiteral("Hopper"));
        alive.insert(QStringLiteral("id"), QStringLiteral("L-2"));
        const auto answer
            = call("POST", QStringLiteral("/v1/leads/batch"),
                   QJsonObject {{QStringLiteral("upserts"), QJsonArray {dead, alive}}});
        QCOMPARE(answer.status, 207);
        const QJsonArray results = json(answer).value(QStringLiteral("results")).toArray();
        QCOMPARE(results.size(), 2);
        const QJsonObject first = results.at(0).toObject();
        QCOMPARE(first.value(QStringLiteral("status")).toInt(), 409);
        QCOMPARE(first.value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("code"))
                     .toString(),
                 QStringLiteral("deleted"));
        QVERIFY(first.value(QStringLiteral("current"))
                    .toObject()
                    .value(QStringLiteral("deleted"))
                    .toBool());
        QCOMPARE(results.at(1).toObject().value(QStringLiteral("status")).toInt(), 201);
        QVERIFY(m_leads.find(QStringLiteral("L-1"))->deleted);
    }

    void restoreBringsLeadBack()
    {
        const QJsonObject tombstone = createAndDelete();
        QVERIFY(!tombstone.isEmpty());
        m_clock.advanceMs(1000);
        const auto restored
            = call("PUT", QStringLiteral("/v1/leads/L-1"), leadBody(QStringLiteral("Byron")),
                   QStringLiteral("restore=true"));
        QCOMPARE(restored.status, 201);
        const QJsonObject lead = json(restored);
        QVERIFY(!lead.contains(QStringLiteral("deleted")));
        QCOMPARE(lead.value(QStringLiteral("last_name")).toString(), QStringLiteral("Byron"));
        QCOMPARE(lead.value(QStringLiteral("version")).toInteger(), Q_INT64_C(3));
        QCOMPARE(lead.value(QStringLiteral("salesforce_id")).toString(),
                 QStringLiteral("00Q5g00000AbCdEEAV"));
        QCOMPARE(call("GET", QStringLiteral("/v1/leads/L-1")).status, 200);
        QCOMPARE(m_events.last().type, QStringLiteral("lead.created"));
        QCOMPARE(m_log.entries().last().operation, QStringLiteral("restore"));

        // Restoring a live lead is a plain PUT; a new one is created.
        QCOMPARE(call("PUT", QStringLiteral("/v1/leads/L-1"), leadBody(QStringLiteral("Byron")),
                      QStringLiteral("restore=true"))
                     .status,
                 200);
        QCOMPARE(call("PUT", QStringLiteral("/v1/leads/L-9"), leadBody(QStringLiteral("Noether")),
                      QStringLiteral("restore=true"))
                     .status,
                 409); // salesforce_id belongs to L-1
    }

    void restoreHonoursIfMatch()
    {
        QVERIFY(!createAndDelete().isEmpty());
        PlatformApi::Request r;
        r.method = "PUT";
        r.path = {QStringLiteral("v1"), QStringLiteral("leads"), QStringLiteral("L-1")};
        r.query = QUrlQuery(QStringLiteral("restore=true"));
        r.body = QJsonDocument(leadBody()).toJson();
        r.ifMatch = "1";
        QCOMPARE(m_api->handle(r).status, 412);
        r.ifMatch = "2";
        QCOMPARE(m_api->handle(r).status, 201);
    }

    void badRestoreParameter_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("query");
        QTest::newRow("not a boolean") << QByteArray("PUT") << QStringLiteral("restore=yes");
        QTest::newRow("empty") << QByteArray("PUT") << QStringLiteral("restore=");
        QTest::newRow("on PATCH") << QByteArray("PATCH") << QStringLiteral("restore=true");
    }

    void badRestoreParameter()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, query);
        QVERIFY(!createAndDelete().isEmpty());
        const auto answer = call(method, QStringLiteral("/v1/leads/L-1"), leadBody(), query);
        QCOMPARE(answer.status, 400);
        QCOMPARE(json(answer).value(QStringLiteral("error")).toString(),
                 QStringLiteral("invalid_parameter"));
        QVERIFY(m_leads.find(QStringLiteral("L-1"))->deleted);
        // A body that is not a lead restores nothing either.
        const auto invalid = call("PUT", QStringLiteral("/v1/leads/L-1"),
                                  QJsonObject {{QStringLiteral("deleted"), false}},
                                  QStringLiteral("restore=true"));
        QCOMPARE(invalid.status, 422);
        QVERIFY(m_leads.find(QStringLiteral("L-1"))->deleted);
    }

    void seedFileHoldsTombstones()
    {
        PlatformSandbox sandbox;
        const auto loaded = sandbox.seedFromJson(R"({"leads":[
            {"id":"L-1","last_name":"Lovelace"},
            {"id":"L-2","deleted":true,"deleted_at":"2026-01-02T00:00:00.000Z",
             "updated_at":"2026-01-02T00:00:00.000Z","updated_by":"maria","version":3}]})");
        QVERIFY2(loaded.ok(), qPrintable(loaded.ok() ? QString() : loaded.error().message));
        QCOMPARE(*loaded, 2);
        const auto tombstone = sandbox.lead(QStringLiteral("L-2"));
        QVERIFY(tombstone && tombstone->deleted);
        QCOMPARE(tombstone->version, Q_INT64_C(3));
        QCOMPARE(tombstone->toJson().value(QStringLiteral("updated_by")).toString(),
                 QStringLiteral("maria"));
        QVERIFY(!sandbox.lead(QStringLiteral("L-1"))->deleted);

        for (const char *bad :
             {R"({"leads":[{"id":"L-3","deleted":true,"version":1}]})",
              R"({"leads":[{"id":"L-3","deleted":true,"deleted_at":"yesterday","version":1}]})",
              R"({"leads":[{"id":"L 3","deleted":true,"deleted_at":"2026-01-02T00:00:00Z",)"
              R"("version":1}]})",
              R"({"leads":[{"id":"L-3","deleted":true,"deleted_at":"2026-01-02T00:00:00Z"}]})"}) {
            const auto refused = sandbox.seedFromJson(bad);
            QVERIFY2(!refused.ok(), bad);
            QCOMPARE(refused.error().code, QStringLiteral("seed_invalid"));
            QVERIFY(refused.error().message.contains(QStringLiteral("leads[0]")));
        }
        QVERIFY(!sandbox.lead(QStringLiteral("L-3")));
    }

    // Through HTTP: DELETE by a client and a deletion by a platform user both send a
    // lead.deleted webhook carrying the tombstone, signed like every other event.
    void deletedWebhookIsSigned()
    {
        const QByteArray secret = "whsec_deletion";
        QList<QPair<QByteArray, QByteArray>> received; // body, signature header
        LoopbackServer receiver;
        receiver.http().route(
            QStringLiteral("/hooks"), [&received](const QHttpServerRequest &request) {
                received.append({request.body(), request.value("X-LeadPlatform-Signature")});
                return QHttpServerResponse(QHttpServerResponse::StatusCode::NoContent);
            });
        QVERIFY(receiver.listen());

        PlatformSandbox sandbox;
        QVERIFY(sandbox.listen());
        sandbox.setWebhookTarget(QUrl(receiver.baseUrl() + QStringLiteral("/hooks")), secret);
        LeadRecord seed;
        seed.id = QStringLiteral("L-1");
        seed.lastName = QStringLiteral("Lovelace");
        sandbox.seedLead(seed);
        seed.id = QStringLiteral("L-2");
        sandbox.seedLead(seed);

        QNetworkAccessManager nam;
        QNetworkRequest request(QUrl(sandbox.baseUrl() + QStringLiteral("/v1/leads/L-1")));
        request.setRawHeader("Authorization",
                             "Bearer " + QByteArray(PlatformSandbox::DefaultApiKey));
        std::unique_ptr<QNetworkReply> reply(nam.deleteResource(request));
        QVERIFY(QTest::qWaitFor([&] { return reply->isFinished(); }, 10'000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 204);
        QVERIFY(sandbox.deleteLead(QStringLiteral("L-2"), QStringLiteral("maria")).ok());
        QVERIFY(!sandbox.deleteLead(QStringLiteral("L-2")).ok()); // gone already

        QVERIFY(QTest::qWaitFor([&] { return received.size() == 2; }, 10'000));
        QStringList ids;
        for (const auto &[body, signature] : received) {
            const qint64 now = QDateTime::currentSecsSinceEpoch();
            QVERIFY(platform::WebhookSignature::verify(signature, body, secret, now).ok());
            const QJsonObject event = QJsonDocument::fromJson(body).object();
            QCOMPARE(event.value(QStringLiteral("type")).toString(),
                     QStringLiteral("lead.deleted"));
            const QJsonObject data = event.value(QStringLiteral("data")).toObject();
            QVERIFY(data.value(QStringLiteral("deleted")).toBool());
            QVERIFY(!data.contains(QStringLiteral("last_name")));
            ids.append(data.value(QStringLiteral("id")).toString());
            if (ids.last() == QLatin1String("L-2"))
                QCOMPARE(data.value(QStringLiteral("updated_by")).toString(),
                         QStringLiteral("maria"));
        }
        ids.sort();
        QCOMPARE(ids, QStringList({QStringLiteral("L-1"), QStringLiteral("L-2")}));
        QVERIFY(sandbox.lead(QStringLiteral("L-1"))->deleted);
    }
};

QTEST_GUILESS_MAIN(TestPlatformDeletion)
#include "TestPlatformDeletion.moc"
