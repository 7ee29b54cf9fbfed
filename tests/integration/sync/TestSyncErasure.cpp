// Issue 19, erasure end to end against both sandboxes: a person synced both ways is forgotten by
// email (through the engine, as the console does); then no table of the store holds their
// address, name or phone; then the original webhook is replayed (same event id, and as a new
// event), the platform and Salesforce change the lead again (webhook, platform poll, Salesforce
// poll) and a reconcile runs, and the person does not come back anywhere in the store, nor is
// anything written about them to either side. The audit log holds the erasure without the data.
#include "StoreScan.h"
#include "SyncWorld.h"
#include "store/ErasureStore.h"
#include "store/PersonMatch.h"
#include "store/Store.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace lb;
using namespace lb::test;

namespace {

const QString LeadKey = QStringLiteral("Platform_Lead_Id__c");
const QString Key = QStringLiteral("L-000003");
const QString First = QStringLiteral("Zephyrine");
const QString Last = QStringLiteral("Quillfeather");
const QString Email = QStringLiteral("Zephyrine.Quill@Example.org");
const QString Phone = QStringLiteral("5550109999"); // as +15550109999, or formatted

QStringList traces()
{
    return {Email, First, Last, Phone};
}

std::unique_ptr<Store> openStore(SyncWorld &world)
{
    auto store = Store::open(StoreConfig::sqlite(world.storePath), Clock::system(),
                             QStringLiteral("erasure-test"));
    if (!store)
        qWarning("%s", qPrintable(store.error().message));
    return store ? std::move(*store) : nullptr;
}

QStringList holding(SyncWorld &world)
{
    auto store = openStore(world);
    if (!store)
        return {QStringLiteral("cannot open the store")};
    auto hits = findInEveryTable(store->database(), traces());
    return hits ? *hits : QStringList {hits.error().message};
}

qint64 scalar(SyncWorld &world, const QString &sql)
{
    auto store = openStore(world);
    if (!store)
        return -1;
    auto q = store->database().run(sql, sql);
    if (!q)
        return -1;
    const qint64 n = (*q)->next() ? (*q)->value(0).toLongLong() : -1;
    (*q)->finish();
    return n;
}

// LeadBridge's writes to the person on either side since the given log sizes.
QStringList writesAbout(SyncWorld &world, const QString &sfId, qsizetype sfFrom, qsizetype pfFrom)
{
    QStringList out;
    const auto &sf = world.salesforce.writeLog().entries();
    for (qsizetype i = sfFrom; i < sf.size(); ++i) {
        if (sf.at(i).recordId == sfId
            && sf.at(i).client == world.profile.salesforce.callOptionsClient)
            out.append(QStringLiteral("Salesforce write to ") + sfId);
    }
    const auto &pf = world.platform.writeLog().entries();
    for (qsizetype i = pfFrom; i < pf.size(); ++i) {
        // LeadBridge writes to the platform as "salesforce" (the platform's own users by name).
        if (pf.at(i).id == Key && pf.at(i).updatedBy == QLatin1String("salesforce"))
            out.append(QStringLiteral("platform %1 of %2").arg(pf.at(i).operation, Key));
    }
    return out;
}

} // namespace

class TestSyncErasure : public QObject
{
    Q_OBJECT

private slots:
    void forgottenPersonStaysForgotten()
    {
        SyncWorld world;
        world.platform.generateLeads(6, 19);
        world.enableWebhooks();
        QVERIFY(world.start().ok());
        auto initial = world.runOnce();
        QVERIFY(initial && initial->ok);
        world.controller().start();

        // The person, by a platform user's edit: arrives by webhook, reaches Salesforce.
        quint64 delivered = world.platform.stats().webhooks.delivered;
        QVERIFY(world.platform
                    .editLead(Key,
                              {{QStringLiteral("first_name"), First},
                               {QStringLiteral("last_name"), Last},
                               {QStringLiteral("email"), Email},
                               {QStringLiteral("phone"), QString(QStringLiteral("+1") + Phone)}})
                    .ok());
        QVERIFY(QTest::qWaitFor(
            [&] {
                const auto sf
                    = world.salesforce.recordByExternalId(QStringLiteral("Lead"), LeadKey, Key);
                return world.platform.stats().webhooks.delivered > delivered && sf
                    && sf->value(QStringLiteral("LastName")).toString() == Last;
            },
            60'000));
        const QString sfId
            = world.salesforce.recordByExternalId(QStringLiteral("Lead"), LeadKey, Key)
                  ->value(QStringLiteral("Id"))
                  .toString();
        // The webhook as the engine stored it, to replay later.
        QString eventId;
        QByteArray body;
        {
            auto store = openStore(world);
            QVERIFY(store);
            const QString sql = QStringLiteral("SELECT event_id, payload FROM inbound_events "
                                               "WHERE source = 'webhook' ORDER BY id DESC");
            auto q = store->database().run(sql, sql);
            QVERIFY(q.ok());
            while ((*q)->next() && eventId.isEmpty()) {
                if ((*q)->value(1).toString().contains(Last)) {
                    eventId = (*q)->value(0).toString();
                    body = (*q)->value(1).toString().toUtf8();
                }
            }
            (*q)->finish();
        }
        QVERIFY(!eventId.isEmpty());
        const QStringList before = holding(world);
        QVERIFY2(before.size() >= 6, qPrintable(before.join(u'\n'))); // the scan sees them
        const qint64 leadsBefore = scalar(world, QStringLiteral("SELECT COUNT(*) FROM leads"));

        // Forgotten, through the engine as the console asks for it; the address in another case.
        QSignalSpy forgotten(&world.controller(), &SyncController::forgotten);
        world.controller().forgetPerson(QStringLiteral(" zephyrine.quill@EXAMPLE.ORG"));
        QVERIFY(QTest::qWaitFor([&] { return forgotten.count() > 0; }, 30'000));
        QVERIFY2(forgotten.first().at(0).toBool(), qPrintable(forgotten.first().at(1).toString()));
        const QString summary = forgotten.first().at(1).toString();
        QVERIFY2(summary.startsWith(QStringLiteral("erasure of 1 person: 1 leads")),
                 qPrintable(summary));
        QVERIFY(!summary.contains(QStringLiteral("quill"), Qt::CaseInsensitive));
        QStringList left = holding(world);
        QVERIFY2(left.isEmpty(), qPrintable(left.join(u'\n')));
        QCOMPARE(scalar(world, QStringLiteral("SELECT COUNT(*) FROM leads")), leadsBefore - 1);

        const qsizetype sfBase = world.salesforce.writeLog().entries().size();
        const qsizetype pfBase = world.platform.writeLog().entries().size();

        // Replays: the original webhook (same event id), the same body as a new event, and a
        // new edit on the platform (a webhook now, a poll page below).
        delivered = world.platform.stats().webhooks.delivered;
        world.platform.webhooks().enqueue(eventId, body);
        QJsonObject fresh = QJsonDocument::fromJson(body).object();
        fresh.insert(QStringLiteral("event_id"), QStringLiteral("evt_replayed_19"));
        world.platform.webhooks().enqueue(QStringLiteral("evt_replayed_19"),
                                          QJsonDocument(fresh).toJson(QJsonDocument::Compact));
        QVERIFY(world.platform.editLead(Key, {{QStringLiteral("score"), 77}}).ok());
        QVERIFY(QTest::qWaitFor(
            [&] {
                return world.platform.stats().webhooks.delivered >= delivered + 3
                    && scalar(world,
                              QStringLiteral("SELECT COUNT(*) FROM inbound_events "
                                             "WHERE state = 'new'"))
                    == 0;
            },
            60'000));
        left = holding(world);
        QVERIFY2(left.isEmpty(), qPrintable(left.join(u'\n')));

        // A Salesforce user edits the lead; then a full pass polls both sides, and a reconcile
        // compares them.
        QVERIFY(world.salesforce
                    .updateRecord(QStringLiteral("Lead"), sfId,
                                  {{QStringLiteral("Lead_Score__c"), 55}}, QStringLiteral("UI"))
                    .ok());
        QVERIFY(world.restartEngine().ok());
        auto pass = world.runOnce();
        QVERIFY(pass && pass->ok);
        QSignalSpy reconciled(&world.controller(), &ThreadedSyncController::reconciled);
        world.controller().reconcileNow();
        QVERIFY(QTest::qWaitFor([&] { return reconciled.count() > 0; }, 60'000));
        QVERIFY2(reconciled.first().at(1).toString().isEmpty(),
                 qPrintable(reconciled.first().at(1).toString()));
        auto second = world.runOnce();
        QVERIFY(second && second->ok);

        left = holding(world);
        QVERIFY2(left.isEmpty(), qPrintable(left.join(u'\n')));
        {
            auto store = openStore(world);
            QVERIFY(store);
            auto back = store->leads().byPlatformId(Key);
            QVERIFY(back.ok());
            QVERIFY(!back->has_value());
        }
        // Nothing written about them to either side after the erasure: both keep their own.
        const QStringList writes = writesAbout(world, sfId, sfBase, pfBase);
        QVERIFY2(writes.isEmpty(), qPrintable(writes.join(u'\n')));
        QVERIFY(world.platform.lead(Key).has_value());
        QVERIFY(world.salesforce.record(QStringLiteral("Lead"), sfId).has_value());

        // The erasure in the audit log: counts and the address's hash, not the data.
        auto store = openStore(world);
        QVERIFY(store);
        auto entries = store->audit().between(0, std::numeric_limits<qint64>::max());
        QVERIFY(entries.ok());
        int erasures = 0;
        for (const AuditEntry &e : *entries) {
            if (e.entity != QLatin1String("erasure"))
                continue;
            ++erasures;
            QCOMPARE(e.action, QStringLiteral("erased"));
            const QJsonObject d = QJsonDocument::fromJson(e.detail.toUtf8()).object();
            QCOMPARE(d.value(QStringLiteral("email_sha256")).toString(),
                     PersonMatch::hashOf(Email));
            QCOMPARE(d.value(QStringLiteral("leads")).toInt(), 1);
            QVERIFY(d.value(QStringLiteral("events")).toInt() >= 1);
        }
        QCOMPARE(erasures, 1);
        QCOMPARE(*ErasureStore(store->database()).count(), qint64(1));
    }
};

QTEST_MAIN(TestSyncErasure)
#include "TestSyncErasure.moc"
