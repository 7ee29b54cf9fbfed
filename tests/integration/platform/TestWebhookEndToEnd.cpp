#include "TestBackend.h"
#include "platform/LeadPlatformClient.h"
#include "platform/PlatformSandbox.h"
#include "platform/WebhookReceiver.h"
#include "store/Store.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace lb;
using namespace lb::platform;
using lb::sandbox::LeadRecord;
using lb::sandbox::PlatformSandbox;

namespace {

const QByteArray kSecret = "whsec_end_to_end";

} // namespace

// The platform sandbox signs and delivers webhooks to the real receiver: everything arrives,
// non-2xx answers are retried, duplicates and reordered deliveries are each stored once.
class TestWebhookEndToEnd : public QObject
{
    Q_OBJECT

    QList<InboundEvent> storedEvents()
    {
        auto events = m_store->events().pending(1000);
        return events ? *events : QList<InboundEvent> {};
    }

    static QJsonObject dataOf(const InboundEvent &e)
    {
        return QJsonDocument::fromJson(e.payload).object().value(QStringLiteral("data")).toObject();
    }

    static LeadRecord lead(const QString &id)
    {
        LeadRecord l;
        l.id = id;
        l.firstName = QStringLiteral("Ada");
        l.lastName = QStringLiteral("Lovelace");
        l.email = QStringLiteral("ada@example.com");
        return l;
    }

    void startReceiver(quint16 port = 0)
    {
        WebhookReceiver::Settings settings;
        settings.listen.port = port;
        settings.secret = kSecret;
        m_receiver = std::make_unique<WebhookReceiver>(*m_store, Clock::system(), settings);
        auto started = m_receiver->start();
        QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error().message));
    }

    bool settled()
    {
        return QTest::qWaitFor([this] { return m_sandbox->webhooks().isIdle(); }, 30'000);
    }

    QTemporaryDir m_dir;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<WebhookReceiver> m_receiver;
    std::unique_ptr<PlatformSandbox> m_sandbox;

private slots:
    void init()
    {
        auto config = lb::test::TestBackend::freshStore(m_dir);
        QVERIFY(config.ok());
        auto store = Store::open(*config, Clock::system(), QStringLiteral("e2e"));
        QVERIFY2(store.ok(), qPrintable(store.ok() ? QString() : store.error().message));
        m_store = std::move(store).value();
        m_sandbox = std::make_unique<PlatformSandbox>();
        QVERIFY(m_sandbox->listen());
        m_sandbox->webhooks().setRetry({20, 200, 10});
    }

    void cleanup()
    {
        m_sandbox.reset();
        m_receiver.reset();
        m_store.reset();
    }

    void platformChangesArriveSigned()
    {
        startReceiver();
        m_sandbox->setWebhookTarget(QUrl(m_receiver->url()), kSecret);
        QSignalSpy stored(m_receiver.get(), &WebhookReceiver::eventStored);
        QVERIFY(m_sandbox->createLead(lead(QStringLiteral("L-1")), QStringLiteral("maria")).ok());
        QVERIFY(m_sandbox
                    ->editLead(QStringLiteral("L-1"), QJsonObject {{QStringLiteral("score"), 90}},
                               QStringLiteral("maria"))
                    .ok());
        QVERIFY(m_sandbox->assignLead(QStringLiteral("L-1"), QStringLiteral("A-7")).ok());
        QVERIFY(m_sandbox->deleteLead(QStringLiteral("L-1")).ok());
        QVERIFY(settled());
        QTRY_COMPARE(stored.size(), 4);

        const auto events = storedEvents();
        QCOMPARE(events.size(), 4);
        QStringList types;
        for (const InboundEvent &e : events)
            types.append(e.type);
        types.sort();
        QCOMPARE(types,
                 QStringList({QStringLiteral("lead.assigned"), QStringLiteral("lead.created"),
                              QStringLiteral("lead.deleted"), QStringLiteral("lead.updated")}));
        qint64 maxVersion = 0;
        for (const InboundEvent &e : events) {
            const QJsonObject data = dataOf(e);
            QCOMPARE(data.value(QStringLiteral("id")).toString(), QStringLiteral("L-1"));
            QVERIFY(PlatformLead::fromJson(data).ok());
            maxVersion = qMax(maxVersion, data.value(QStringLiteral("version")).toInteger());
            if (e.type == QLatin1String("lead.assigned"))
                QCOMPARE(data.value(QStringLiteral("agent_id")).toString(), QStringLiteral("A-7"));
        }
        QCOMPARE(maxVersion, Q_INT64_C(4)); // the deletion carries the newest version
        QCOMPARE(m_sandbox->stats().webhooks.delivered, 4u);
        QCOMPARE(m_sandbox->stats().webhooks.failedAttempts, 0u);
    }

    void nonSuccessAnswersAreRetried()
    {
        startReceiver();
        m_sandbox->setWebhookTarget(QUrl(m_receiver->url()), kSecret);
        m_sandbox->faults().failNextDeliveries(3); // three attempts with a bad signature
        QVERIFY(m_sandbox->createLead(lead(QStringLiteral("L-1"))).ok());
        QVERIFY(settled());
        QCOMPARE(storedEvents().size(), 1);
        const auto webhooks = m_sandbox->stats().webhooks;
        QCOMPARE(webhooks.failedAttempts, 3u);
        QCOMPARE(webhooks.byStatus.value(401), 3u);
        QCOMPARE(webhooks.attempts, 4u);
        QCOMPARE(webhooks.delivered, 1u);
        QCOMPARE(m_receiver->stats().rejectedByCode.value(QStringLiteral("signature_mismatch")),
                 3u);
    }

    void deliveriesWaitForAReceiverThatIsDown()
    {
        // A port nobody listens on yet.
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close();
        m_sandbox->setWebhookTarget(
            QUrl(QStringLiteral("http://127.0.0.1:%1/hooks/platform").arg(port)), kSecret);
        QVERIFY(m_sandbox->createLead(lead(QStringLiteral("L-1"))).ok());
        QTRY_VERIFY(m_sandbox->stats().webhooks.failedAttempts >= 2u);
        // One snapshot: every finished attempt failed without an answer (status 0). An attempt
        // may be in flight, counted in `attempts` before its outcome.
        const auto down = m_sandbox->stats().webhooks;
        QCOMPARE(down.byStatus.value(0), down.failedAttempts);
        QCOMPARE(down.byStatus.size(), 1);
        QCOMPARE(down.delivered, 0u);
        startReceiver(port);
        QVERIFY(settled());
        QCOMPARE(storedEvents().size(), 1);
        QCOMPARE(m_sandbox->stats().webhooks.delivered, 1u);
    }

    void duplicatesAreStoredOnce()
    {
        startReceiver();
        m_sandbox->setWebhookTarget(QUrl(m_receiver->url()), kSecret);
        m_sandbox->faults().setDuplicateDeliveries(true);
        for (int i = 1; i <= 5; ++i)
            QVERIFY(m_sandbox->createLead(lead(QStringLiteral("L-%1").arg(i))).ok());
        QVERIFY(settled());
        QCOMPARE(m_sandbox->stats().webhooks.delivered, 10u);
        QCOMPARE(storedEvents().size(), 5);
        QCOMPARE(m_receiver->stats().duplicates, 5u);
    }

    void reorderedDeliveriesAreStoredOnceEach()
    {
        startReceiver();
        m_sandbox->setWebhookTarget(QUrl(m_receiver->url()), kSecret);
        m_sandbox->webhooks().setMaxInFlight(1); // arrival order = sending order
        QVERIFY(m_sandbox->createLead(lead(QStringLiteral("L-1"))).ok());
        QVERIFY(settled());
        m_sandbox->faults().reorderNext(5);
        for (int score = 1; score <= 5; ++score)
            QVERIFY(m_sandbox
                        ->editLead(QStringLiteral("L-1"),
                                   QJsonObject {{QStringLiteral("score"), score}})
                        .ok());
        QVERIFY(settled());
        const auto events = storedEvents();
        QCOMPARE(events.size(), 6);
        QList<qint64> arrival;
        for (const InboundEvent &e : events)
            arrival.append(dataOf(e).value(QStringLiteral("version")).toInteger());
        // Stored in arrival order: the five edits came newest first.
        QCOMPARE(arrival, QList<qint64>({1, 6, 5, 4, 3, 2}));
    }

    void apiWritesComeBackAsEchoes()
    {
        startReceiver();
        m_sandbox->setWebhookTarget(QUrl(m_receiver->url()), kSecret);
        QNetworkAccessManager nam;
        HttpClient http(&nam, HostAllowlist({QStringLiteral("127.0.0.1")}));
        LeadPlatformClient client(http, QUrl(m_sandbox->baseUrl()),
                                  QString::fromLatin1(PlatformSandbox::DefaultApiKey));
        PlatformLead l;
        l.id = QStringLiteral("L-1");
        l.lastName = QStringLiteral("Lovelace");
        std::optional<Result<LeadWrite>> result;
        client.putLead(l, std::nullopt, this, [&](Result<LeadWrite> r) { result.emplace(r); });
        QTRY_VERIFY(result.has_value());
        QVERIFY2(result->ok(), qPrintable(result->ok() ? QString() : result->error().toString()));
        // The same write again changes nothing and sends nothing.
        result.reset();
        client.putLead(l, std::nullopt, this, [&](Result<LeadWrite> r) { result.emplace(r); });
        QTRY_VERIFY(result.has_value());
        QVERIFY(settled());
        const auto events = storedEvents();
        QCOMPARE(events.size(), 1);
        QCOMPARE(dataOf(events.first()).value(QStringLiteral("updated_by")).toString(),
                 QStringLiteral("salesforce"));
        QCOMPARE(m_sandbox->writeLog().echoCount(), 1);
    }
};

QTEST_GUILESS_MAIN(TestWebhookEndToEnd)
#include "TestWebhookEndToEnd.moc"
