// The fault matrix at the store (docs/RELIABILITY.md, "Fault matrix", row 8): the disk fills
// up while a webhook is being stored. The write fails with store_full in words, the unit
// rolls back with nothing half-written, the webhook is answered 503 with Retry-After so the
// sender delivers it again, and once there is space again the same delivery is stored.
//
// Row 8a is a real full disk: a small tmpfs mounted for the test (needs root or
// CAP_SYS_ADMIN; skipped without). Row 8b hits the same SQLITE_FULL through SQLite's own size
// limit (PRAGMA max_page_count on the receiver's connection), so the path is tested
// everywhere.
#include "../platform/RawHttp.h"
#include "LogCapture.h"
#include "platform/WebhookReceiver.h"
#include "platform/WebhookSignature.h"
#include "store/Store.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <sys/mount.h>

using namespace lb;
using namespace lb::platform;
using lb::test::LogCapture;
using lb::test::RawHttp;
using lb::test::RawResponse;

namespace {

const QByteArray kSecret = "whsec_full_disk";

// A valid event, padded with JSON whitespace so storing it needs fresh pages.
QByteArray eventJson(const QByteArray &eventId, int padding)
{
    return "{\"event_id\":\"" + eventId
        + "\",\"type\":\"lead.updated\",\"occurred_at\":\"2026-12-01T00:00:01.000Z\",\"data\":"
          "{\"id\":\"L-1\",\"first_name\":\"Ada\",\"last_name\":\"Lovelace\","
          "\"updated_at\":\"2026-12-01T00:00:00.000Z\",\"updated_by\":\"platform\","
          "\"version\":2}"
        + QByteArray(padding, ' ') + "}";
}

QByteArray signedPost(const QByteArray &body)
{
    const qint64 t = QDateTime::currentSecsSinceEpoch();
    return RawHttp::request(
        "POST", "/hooks/platform",
        {{"Content-Type", "application/json"},
         {QByteArray(WebhookSignature::HeaderName), WebhookSignature::header(kSecret, t, body)}},
        body);
}

enum class Full { Tmpfs, PageLimit };

} // namespace

Q_DECLARE_METATYPE(Full)

class TestStoreFaults : public QObject
{
    Q_OBJECT

private slots:
    void fullDiskRefusesTheWebhookAndRecovers_data()
    {
        QTest::addColumn<Full>("how");
        QTest::newRow("8a tmpfs full") << Full::Tmpfs;
        QTest::newRow("8b SQLite size limit") << Full::PageLimit;
    }

    void fullDiskRefusesTheWebhookAndRecovers()
    {
        QFETCH(Full, how);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QString folder = dir.path();
        const QByteArray mountPoint = dir.filePath(QStringLiteral("small")).toLocal8Bit();
        bool mounted = false;
        auto unmount = qScopeGuard([&] {
            if (mounted)
                ::umount2(mountPoint.constData(), MNT_DETACH);
        });
        if (how == Full::Tmpfs) {
            QVERIFY(QDir().mkpath(QString::fromLocal8Bit(mountPoint)));
            if (::mount("tmpfs", mountPoint.constData(), "tmpfs", MS_NOSUID | MS_NODEV,
                        "size=8m,mode=0700")
                != 0)
                QSKIP("mounting a tmpfs needs root or CAP_SYS_ADMIN; row 8b covers the same "
                      "SQLITE_FULL without it");
            mounted = true;
            folder = QString::fromLocal8Bit(mountPoint);
        }

        LogCapture log;
        auto opened = Store::open(StoreConfig::sqlite(folder + QStringLiteral("/store.db")),
                                  Clock::system(), QStringLiteral("full-disk"));
        QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
        std::unique_ptr<Store> store = std::move(opened).value();
        Database &db = store->database();
        WebhookReceiver::Settings settings;
        settings.listen.port = 0;
        settings.secret = kSecret;
        WebhookReceiver receiver(*store, Clock::system(), settings);
        QVERIFY(receiver.start().ok());
        QVERIFY(store->events()
                    .insert({0,
                             QStringLiteral("evt_before"),
                             QStringLiteral("webhook"),
                             QStringLiteral("lead.updated"),
                             1,
                             1,
                             "{}",
                             {}})
                    .ok());
        // An empty write-ahead log, so the next write has to find room on the disk.
        QVERIFY(db.execute(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")).ok());

        // The disk fills up.
        QFile filler(folder + QStringLiteral("/filler"));
        if (how == Full::Tmpfs) {
            QVERIFY(filler.open(QIODevice::WriteOnly));
            const QByteArray block(64 * 1024, 'f');
            while (filler.write(block) == block.size() && filler.flush()) { }
            filler.close();
        } else {
            auto pages
                = db.run(QStringLiteral("faults.pages"), QStringLiteral("PRAGMA page_count"));
            QVERIFY(pages.ok() && (*pages)->next());
            const int count = (*pages)->value(0).toInt();
            (*pages)->finish();
            QVERIFY(db.execute(QStringLiteral("PRAGMA max_page_count = %1").arg(count)).ok());
        }

        // A unit of two writes fails as a whole (at the write or at the commit, wherever
        // SQLite first needs the room): nothing half-written remains.
        const Result<void> unit = [&]() -> Result<void> {
            Transaction t(db);
            if (!t.started())
                return t.started();
            if (auto a = store->events().insert({0,
                                                 QStringLiteral("evt_unit_a"),
                                                 QStringLiteral("webhook"),
                                                 QStringLiteral("lead.updated"),
                                                 1,
                                                 1,
                                                 "{}",
                                                 {}});
                !a)
                return a.error();
            if (auto b = store->events().insert({0,
                                                 QStringLiteral("evt_unit_b"),
                                                 QStringLiteral("webhook"),
                                                 QStringLiteral("lead.updated"),
                                                 1,
                                                 1,
                                                 QByteArray(300 * 1024, 'x'),
                                                 {}});
                !b)
                return b.error();
            return t.commit();
        }();
        QVERIFY2(!unit.ok(), "the store wrote 300 kB onto a full disk");
        QCOMPARE(unit.error().code, QStringLiteral("store_full"));
        QVERIFY2(unit.error().message.contains(QLatin1String("disk holding the store is full")),
                 qPrintable(unit.error().message));
        QCOMPARE(*store->events().count(), Q_INT64_C(1));

        // The webhook: refused so that the sender retries, and the log says why.
        const QByteArray body = eventJson("evt_full_disk", 300 * 1024);
        const QByteArray post = signedPost(body);
        const RawResponse refused = RawHttp::exchange(receiver.port(), post);
        QCOMPARE(refused.status, 503);
        QCOMPARE(refused.header("Retry-After"), QByteArray("5"));
        QCOMPARE(refused.json().value(QStringLiteral("error")).toString(),
                 QStringLiteral("store_unavailable"));
        const QString line
            = log.find({QStringLiteral("could not be stored"), QStringLiteral("store_full")});
        QVERIFY2(!line.isEmpty(), "the log does not say the disk is full");
        qInfo("the log said: %s", qPrintable(line));
        QCOMPARE(*store->events().count(), Q_INT64_C(1));
        auto check
            = db.run(QStringLiteral("faults.integrity"), QStringLiteral("PRAGMA integrity_check"));
        QVERIFY(check.ok() && (*check)->next());
        QCOMPARE((*check)->value(0).toString(), QStringLiteral("ok"));
        (*check)->finish();

        // Space returns; the sender's next attempt is stored, byte for byte.
        if (how == Full::Tmpfs)
            QVERIFY(filler.remove());
        else
            QVERIFY(db.execute(QStringLiteral("PRAGMA max_page_count = 1073741823")).ok());
        const RawResponse stored = RawHttp::exchange(receiver.port(), signedPost(body));
        QCOMPARE(stored.status, 200);
        QCOMPARE(stored.json().value(QStringLiteral("status")).toString(),
                 QStringLiteral("stored"));
        QCOMPARE(*store->events().count(), Q_INT64_C(2));
        auto pending = store->events().pending(10);
        QVERIFY(pending.ok());
        bool found = false;
        for (const InboundEvent &e : *pending)
            found = found || (e.eventId == QLatin1String("evt_full_disk") && e.payload == body);
        QVERIFY(found);
        QVERIFY(store->events()
                    .insert({0,
                             QStringLiteral("evt_after"),
                             QStringLiteral("webhook"),
                             QStringLiteral("lead.updated"),
                             1,
                             1,
                             "{}",
                             {}})
                    .ok());
    }
};

QTEST_GUILESS_MAIN(TestStoreFaults)
#include "TestStoreFaults.moc"
