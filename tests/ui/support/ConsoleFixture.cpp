#include "ConsoleFixture.h"

#include "demo/SampleData.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QStandardPaths>

namespace lb::test {

using sandbox::SampleData;

QString ConsoleFixture::setUp(int leads, bool seed)
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear(); // each test starts from a console that never ran
    if (!dir.isValid())
        return QStringLiteral("no temporary folder");
    clock.setNowMs(QDateTime(QDate(2026, 3, 2), QTime(14, 30), Qt::UTC).toMSecsSinceEpoch());
    const QString db = dir.filePath(QStringLiteral("console.db"));
    profilePath = dir.filePath(QStringLiteral("profile.json"));
    QFile file(profilePath);
    if (!file.open(QIODevice::WriteOnly))
        return file.errorString();
    const QJsonObject profile {
        {QStringLiteral("name"), QStringLiteral("ui-test")},
        {QStringLiteral("store"), QString(QStringLiteral("sqlite://") + db)},
        {QStringLiteral("salesforce"),
         QJsonObject {{QStringLiteral("login_url"), QStringLiteral("https://login.salesforce.com")},
                      {QStringLiteral("auth_flow"), QStringLiteral("jwt_bearer")},
                      {QStringLiteral("client_id"), QStringLiteral("3MVG9-example")},
                      {QStringLiteral("username"), QStringLiteral("integration@example.com")}}},
        {QStringLiteral("platform"),
         QJsonObject {
             {QStringLiteral("base_url"), QStringLiteral("https://api.leadplatform.example")}}}};
    file.write(QJsonDocument(profile).toJson());
    file.close();
    auto loaded = Profile::load(profilePath);
    if (!loaded)
        return loaded.error().message;
    auto opened = Store::open(StoreConfig::sqlite(db), clock, QStringLiteral("gui"));
    if (!opened)
        return opened.error().message;
    store = std::move(*opened);
    if (seed) {
        if (auto r = SampleData::seedConsole(*store, clock, leads); !r)
            return r.error().message;
    }
    auto mapping = FieldMapping::defaultMapping();
    if (!mapping)
        return mapping.error().message;
    controller = std::make_unique<FakeSyncController>(store.get());
    credentials = std::make_unique<MemoryCredentialStore>();
    context.controller = controller.get();
    context.store = store.get();
    context.storeConfig = StoreConfig::sqlite(db);
    context.credentials = credentials.get();
    context.profile = *loaded;
    context.profilePath = profilePath;
    context.mapping = *mapping;
    context.clock = &clock;
    return {};
}

SyncStatus ConsoleFixture::sampleStatus() const
{
    const qint64 now = clock.nowMs();
    SyncStatus s;
    s.state = SyncStatus::State::Running;
    s.lastPlatformToSalesforce = now - 42'000;
    s.lastSalesforceToPlatform = now - 3 * 60'000;
    s.lastPollPlatform = now - 12'000;
    s.lastPollSalesforce = now - 20'000;
    s.recordsPerSecond = 37.5;
    s.lagMs = 95'000;
    s.queue.pending = 40;
    s.queue.due = 12;
    s.queue.inFlight = 4;
    s.queue.inbox = 5;
    s.queue.oldestPendingAt = now - 95'000;
    s.salesforceLimits.system = QStringLiteral("salesforce");
    s.salesforceLimits.used = 13'150;
    s.salesforceLimits.max = 15'000;
    s.salesforceLimits.observedAt = now - 30'000;
    s.salesforceLimits.counters.insert(QStringLiteral("DailyBulkApiBatches"), {940, 15'000});
    s.platformLimits.system = QStringLiteral("platform");
    s.platformLimits.used = 410;
    s.platformLimits.max = 600;
    s.platformLimits.resetAt = now / 1000 + 40;
    s.breakers = {{QStringLiteral("salesforce.composite"), QStringLiteral("closed"), 0.02, 0},
                  {QStringLiteral("platform.leads"), QStringLiteral("open"), 0.64, now + 25'000}};
    // One healthy destination and one failing (as `--demo` shows them).
    SyncStatus::Destination analytics;
    analytics.name = QStringLiteral("analytics");
    analytics.url = QStringLiteral("https://hooks.analytics.example/leads");
    analytics.events = {QStringLiteral("lead.created"), QStringLiteral("lead.status_changed")};
    analytics.rule = QStringLiteral("status in [won, working] and score >= 80");
    analytics.delivered = 18'204;
    analytics.pending = 3;
    analytics.lastDeliveredAt = now - 2'000;
    SyncStatus::Destination warehouse;
    warehouse.name = QStringLiteral("warehouse");
    warehouse.url = QStringLiteral("https://ingest.warehouse.example/v1/events");
    warehouse.events = {QStringLiteral("lead.created"), QStringLiteral("lead.updated"),
                        QStringLiteral("lead.deleted")};
    warehouse.breaker = QStringLiteral("open");
    warehouse.delivered = 9'870;
    warehouse.pending = 412;
    warehouse.failed = 2;
    s.destinations = {analytics, warehouse};
    s.nextReconcileAt = now + 18 * 60'000;
    s.delivered = 128'440;
    s.updatedAt = now;
    return s;
}

} // namespace lb::test
