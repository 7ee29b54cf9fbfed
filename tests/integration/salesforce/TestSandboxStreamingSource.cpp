#include "AsyncResult.h"
#include "SandboxHarness.h"
#include "salesforce/SandboxOrg.h"
#include "salesforce/streaming/CometdChangeEventSource.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace lb;
using namespace lb::salesforce;
using namespace lb::salesforce::streaming;
using namespace lb::test;

namespace {

const QString kLeads = u"/data/LeadChangeEvent"_s;

QJsonObject lead(const QString &key, const QString &company = u"Acme"_s)
{
    return {{u"Platform_Lead_Id__c"_s, key}, {u"LastName"_s, u"Nguyen"_s}, {u"Company"_s, company}};
}

} // namespace

// CometdChangeEventSource against the sandbox org over loopback HTTP: events in order, resume
// from a stored replayId with exactly the missed events, re-handshake after the server forgets
// the client, re-authentication after the session expires, and a refused replayId as a typed
// error.
class TestSandboxStreamingSource : public QObject
{
    Q_OBJECT

    SandboxHarness m_h;
    std::unique_ptr<CometdChangeEventSource> m_source;
    QList<ChangeEvent> m_events;
    QList<StreamError> m_errors;

    sandbox::SalesforceSandbox &org() { return m_h.sandbox(); }

    void makeSource()
    {
        CometdChangeEventSource::Options options;
        options.backoff = RetryPolicy {20, 200, 0};
        m_source = std::make_unique<CometdChangeEventSource>(m_h.http(), m_h.session(), options);
        connect(m_source.get(), &ChangeEventSource::eventReceived, this,
                [this](const ChangeEvent &e) { m_events.append(e); });
        connect(m_source.get(), &ChangeEventSource::streamError, this,
                [this](const StreamError &e) { m_errors.append(e); });
    }
    bool startAndWait(qint64 from = ChannelStart::kNewOnly)
    {
        m_source->start({{kLeads, from}});
        return QTest::qWaitFor(
            [&] {
                return m_source->state() == ChangeEventSource::State::Connected
                    && m_source->subscribedChannels().contains(kLeads);
            },
            10'000);
    }
    bool waitForEvents(qsizetype n)
    {
        return QTest::qWaitFor([&] { return m_events.size() >= n; }, 10'000);
    }

private slots:
    void init()
    {
        sandbox::SandboxConfig config;
        config.streamingTimeoutMs = 300;
        const Result<void> started = m_h.start(config);
        QVERIFY(started.ok());
        m_h.connect(AuthFlow::JwtBearer);
        m_events.clear();
        m_errors.clear();
        makeSource();
    }
    void cleanup()
    {
        if (m_source)
            m_source->stop();
        m_source.reset();
    }

    void eventsArriveInOrderWithOrigin()
    {
        QVERIFY(startAndWait());
        for (int i = 0; i < 5; ++i) {
            AsyncResult<QList<RecordResult>> created;
            m_h.client().createCollection(u"Lead"_s, {lead(u"P-%1"_s.arg(i))}, false, this,
                                          created.callback());
            QVERIFY(created.wait());
            QVERIFY(created.get().ok());
            QVERIFY(created->value().constFirst().success);
        }
        QVERIFY(org()
                    .updateRecord(u"Lead"_s, org().changeEvents().first().recordIds.first(),
                                  {{u"Company"_s, u"Changed in the UI"_s}})
                    .ok());
        QVERIFY(waitForEvents(6));
        QCOMPARE(m_events.size(), 6);
        for (int i = 0; i < 5; ++i) {
            QCOMPARE(m_events[i].changeType, ChangeType::Create);
            QCOMPARE(m_events[i].originClient, u"LeadBridge"_s);
            QCOMPARE(m_events[i].entityName, u"Lead"_s);
            QCOMPARE(m_events[i].fields.value(u"Platform_Lead_Id__c").toString(), u"P-%1"_s.arg(i));
            if (i > 0)
                QVERIFY(m_events[i].replayId > m_events[i - 1].replayId);
        }
        QCOMPARE(m_events[5].changeType, ChangeType::Update);
        QCOMPARE(m_events[5].originClient, QString());
        QCOMPARE(m_events[5].changedFields, (QStringList {u"Company"_s, u"LastModifiedDate"_s}));
        QCOMPARE(m_source->replayPosition(kLeads), m_events[5].replayId);
        QVERIFY(m_errors.isEmpty());
    }

    void resumesFromStoredReplayIdWithExactlyTheMissedEvents()
    {
        QVERIFY(startAndWait());
        QVERIFY(org().createRecord(u"Lead"_s, lead(u"P-1"_s)).ok());
        QVERIFY(org().createRecord(u"Lead"_s, lead(u"P-2"_s)).ok());
        QVERIFY(waitForEvents(2));
        const qint64 stored = m_source->replayPosition(kLeads);
        m_source->stop();
        QCOMPARE(m_source->state(), ChangeEventSource::State::Stopped);

        // Written while stopped.
        QStringList missed;
        for (int i = 3; i <= 5; ++i)
            missed.append(*org().createRecord(u"Lead"_s, lead(u"P-%1"_s.arg(i))));
        m_events.clear();
        makeSource();
        QVERIFY(startAndWait(stored));
        QVERIFY(waitForEvents(3));
        QVERIFY(org().createRecord(u"Lead"_s, lead(u"P-6"_s)).ok()); // and a live one
        QVERIFY(waitForEvents(4));
        QCOMPARE(m_events.size(), 4);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(m_events[i].recordIds, QStringList {missed[i]});
        QVERIFY(m_events[0].replayId > stored);
        QCOMPARE(m_events[3].fields.value(u"Platform_Lead_Id__c").toString(), u"P-6"_s);
    }

    void rehandshakesAfterUnknownClient()
    {
        QVERIFY(startAndWait());
        QVERIFY(org().createRecord(u"Lead"_s, lead(u"P-1"_s)).ok());
        QVERIFY(waitForEvents(1));
        const QString firstClient = m_source->clientId();
        org().dropStreamingClients();
        // Written before the source has noticed: re-subscribing from its position replays it.
        QVERIFY(org().createRecord(u"Lead"_s, lead(u"P-2"_s)).ok());
        QVERIFY(waitForEvents(2));
        QVERIFY(QTest::qWaitFor([&] { return m_source->handshakes() == 2; }, 5000));
        QVERIFY(m_source->clientId() != firstClient);
        QVERIFY(org().createRecord(u"Lead"_s, lead(u"P-3"_s)).ok());
        QVERIFY(waitForEvents(3));
        QCOMPARE(m_events.size(), 3);
        QCOMPARE(m_events[1].fields.value(u"Platform_Lead_Id__c").toString(), u"P-2"_s);
        QCOMPARE(m_events[2].fields.value(u"Platform_Lead_Id__c").toString(), u"P-3"_s);
    }

    // Subscribed for new events only and dropped by the server before any event came: the
    // re-subscribe asks for what the server retained, not again for new events only, which
    // would miss what changed while the client was gone (the fault matrix's row 7).
    void rehandshakeBeforeAnyEventMissesNothing()
    {
        QVERIFY(startAndWait(ChannelStart::kNewOnly));
        org().dropStreamingClients();
        // Written before the source has noticed it was dropped.
        QVERIFY(org().createRecord(u"Lead"_s, lead(u"P-GAP"_s)).ok());
        QVERIFY(QTest::qWaitFor([&] { return m_source->handshakes() == 2; }, 5000));
        QVERIFY(waitForEvents(1));
        QCOMPARE(m_events.constLast().fields.value(u"Platform_Lead_Id__c").toString(), u"P-GAP"_s);
        QCOMPARE(m_source->replayPosition(kLeads), m_events.constLast().replayId);
    }

    void reauthenticatesWhenTheSessionExpires()
    {
        QVERIFY(startAndWait());
        const int grants = m_h.session().grantsRequested();
        org().expireAllSessions();
        // The next connect (after the short hold) is refused with 401: a new token, a new
        // handshake, and the stream goes on.
        QVERIFY(QTest::qWaitFor([&] { return m_h.session().grantsRequested() > grants; }, 5000));
        QVERIFY(QTest::qWaitFor([&] { return m_source->handshakes() >= 2; }, 5000));
        QVERIFY(QTest::qWaitFor(
            [&] { return m_source->state() == ChangeEventSource::State::Connected; }, 5000));
        QVERIFY(org().createRecord(u"Lead"_s, lead(u"P-1"_s)).ok());
        QVERIFY(waitForEvents(1));
        for (const StreamError &e : std::as_const(m_errors))
            QVERIFY(e.kind != StreamError::Kind::AuthFailed);
    }

    void invalidReplayIdIsATypedError_data()
    {
        QTest::addColumn<bool>("expired");
        QTest::newRow("never issued") << false;
        QTest::newRow("expired") << true;
    }
    void invalidReplayIdIsATypedError()
    {
        QFETCH(bool, expired);
        QVERIFY(org().createRecord(u"Lead"_s, lead(u"P-1"_s)).ok());
        QVERIFY(org().createRecord(u"Lead"_s, lead(u"P-2"_s)).ok());
        qint64 from = 424242;
        if (expired) {
            from = org().changeEvents().first().replayId;
            org().expireChangeEvents();
        }
        m_source->start({{kLeads, from}});
        QVERIFY(QTest::qWaitFor([&] { return !m_errors.isEmpty(); }, 5000));
        QCOMPARE(m_errors.first().kind, StreamError::Kind::InvalidReplayId);
        QCOMPARE(m_errors.first().channel, kLeads);
        QCOMPARE(m_errors.first().replayId, from);
        QVERIFY(m_errors.first().error.message.contains(u"you provided was invalid"_s));
        QVERIFY(m_source->subscribedChannels().isEmpty());
        QVERIFY(m_events.isEmpty());
    }

    void unknownChannelIsATypedError()
    {
        m_source->start({{u"/data/AccountChangeEvent"_s, -1}, {kLeads, -1}});
        QVERIFY(
            QTest::qWaitFor([&] { return m_source->subscribedChannels().contains(kLeads); }, 5000));
        QCOMPARE(m_errors.size(), 1);
        QCOMPARE(m_errors.first().kind, StreamError::Kind::UnknownChannel);
        QCOMPARE(m_errors.first().channel, u"/data/AccountChangeEvent"_s);
        QVERIFY(org().createRecord(u"Lead"_s, lead(u"P-1"_s)).ok());
        QVERIFY(waitForEvents(1));
    }

    void networkErrorsBackOffAndRecover()
    {
        QVERIFY(startAndWait());
        const quint16 port = QUrl(org().instanceUrl()).port();
        org().stop(); // the server goes away: connects fail with network errors
        QVERIFY(QTest::qWaitFor(
            [&] {
                return std::any_of(m_errors.cbegin(), m_errors.cend(), [](const StreamError &e) {
                    return e.kind == StreamError::Kind::Network;
                });
            },
            5000));
        QVERIFY(m_source->state() == ChangeEventSource::State::Backoff
                || m_source->state() == ChangeEventSource::State::Connecting);
        // Back on the same port: the stream resumes by itself and nothing is missed.
        QVERIFY(org().createRecord(u"Lead"_s, lead(u"P-while-down"_s)).ok());
        org().org().config().instancePort = port;
        QVERIFY(org().start().ok());
        QVERIFY(waitForEvents(1));
        QCOMPARE(m_events.first().fields.value(u"Platform_Lead_Id__c").toString(),
                 u"P-while-down"_s);
        QVERIFY(org().createRecord(u"Lead"_s, lead(u"P-after"_s)).ok());
        QVERIFY(waitForEvents(2));
        QCOMPARE(m_events.size(), 2);
    }
};

QTEST_GUILESS_MAIN(TestSandboxStreamingSource)
#include "TestSandboxStreamingSource.moc"
