// Issue 20: delivery rounds in flight side by side (sync.max_in_flight) keep each record's
// writes in order. Salesforce commits concurrent requests in any order here (commitJitterMs),
// so two writes of one record in flight together could land the older one last.
#include "SyncWorld.h"

#include <QRegularExpression>
#include <QTest>

using namespace lb;
using namespace lb::test;

namespace {

const QString LeadKey = QStringLiteral("Platform_Lead_Id__c");
constexpr int Edits = 50;

} // namespace

class TestSyncPipelining : public QObject
{
    Q_OBJECT

private slots:
    void aRecordEditedWhileItsWritesAreInFlightEndsWithItsLastValueInOrder()
    {
        SyncWorld world;
        world.enableWebhooks();
        world.profile.sync.maxInFlight = 4;
        world.platform.generateLeads(200, 5);
        QVERIFY(world.start().ok());
        world.controller().start(); // one initial poll; then the webhooks carry the edits
        QVERIFY(QTest::qWaitFor(
            [&] { return world.salesforce.recordCount(QStringLiteral("Lead")) == 200; }, 60'000));
        const QString watched = QStringLiteral("L-000003");
        const auto before
            = world.salesforce.recordByExternalId(QStringLiteral("Lead"), LeadKey, watched);
        QVERIFY(before.has_value());
        const QString sfId = before->value(QStringLiteral("Id")).toString();

        // A distant, busy org: every answer 20 ms late, every request carried out 0..150 ms
        // after it arrived.
        sandbox::FaultConfig faults;
        faults.slowMs = 20;
        faults.commitJitterMs = 150;
        faults.seed = 20;
        world.salesforce.setFaults(faults);

        // The watched lead edited 50 times, 40 ms apart, while other leads change too (so
        // several rounds are in flight).
        for (int i = 1; i <= Edits; ++i) {
            QVERIFY(world.platform
                        .editLead(watched,
                                  {{QStringLiteral("first_name"),
                                    QStringLiteral("Edit-%1").arg(i, 2, 10, QLatin1Char('0'))}},
                                  QStringLiteral("agent-ui"))
                        .ok());
            for (int j = 0; j < 3; ++j)
                QVERIFY(world.platform
                            .editLead(QStringLiteral("L-%1").arg(10 + (i * 3 + j) % 150, 6, 10,
                                                                 QLatin1Char('0')),
                                      {{QStringLiteral("company"),
                                        QStringLiteral("Busy %1-%2").arg(i).arg(j)}},
                                      QStringLiteral("agent-ui"))
                            .ok());
            QTest::qWait(40);
        }
        const QString last = QStringLiteral("Edit-%1").arg(Edits);
        const auto firstName = [&] {
            const auto r
                = world.salesforce.recordByExternalId(QStringLiteral("Lead"), LeadKey, watched);
            return r ? r->value(QStringLiteral("FirstName")).toString() : QString();
        };
        QVERIFY(QTest::qWaitFor([&] { return firstName() == last; }, 60'000));
        // Everything in flight lands (the engine finishes its rounds; the org its held
        // requests): the last value stays.
        world.stopEngine();
        QTest::qWait(faults.commitJitterMs + faults.slowMs + 200);
        QCOMPARE(firstName(), last);

        // The writes of the watched lead, in the order Salesforce committed them.
        QList<int> landed;
        static const QRegularExpression edit(QStringLiteral("^Edit-(\\d+)$"));
        for (const auto &event : world.salesforce.changeEvents()) {
            if (event.entityName != QLatin1String("Lead")
                || event.changeType != QLatin1String("UPDATE") || !event.recordIds.contains(sfId))
                continue;
            const auto m = edit.match(event.fields.value(QStringLiteral("FirstName")).toString());
            if (m.hasMatch())
                landed.append(m.captured(1).toInt());
        }
        qInfo("%d edits -> %d writes of the lead landed; at most %d requests in flight at once",
              Edits, int(landed.size()), world.salesforce.peakHeldRequests());
        QVERIFY2(landed.size() >= 2, "the edits were not written separately");
        QCOMPARE(landed.last(), Edits);
        for (int i = 1; i < landed.size(); ++i)
            QVERIFY2(landed.at(i) > landed.at(i - 1),
                     qPrintable(QStringLiteral("write %1 landed after write %2")
                                    .arg(landed.at(i))
                                    .arg(landed.at(i - 1))));
        // The deliveries really overlapped (more than one request at the org at once).
        QVERIFY(world.salesforce.peakHeldRequests() >= 2);
    }
};

QTEST_GUILESS_MAIN(TestSyncPipelining)
#include "TestSyncPipelining.moc"
