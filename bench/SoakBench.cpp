#include "SoakBench.h"

#include "BenchLoop.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QSet>

#include <algorithm>
#include <optional>

namespace lb::bench {
namespace {

constexpr int Agents = 50;
constexpr int Leads = 2'000;
constexpr int SampleEveryMs = 5'000;
constexpr int EditsPerSecond = 4; // half on each side
constexpr double AllowedGrowth = 0.10;

// The child's resident memory now (VmRSS), in MB.
double rssMb(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    return 0;
}

// The SQLite store with its write-ahead log, in MB.
double storeMb(const QString &dbPath)
{
    return (QFileInfo(dbPath).size() + QFileInfo(dbPath + QStringLiteral("-wal")).size())
        / (1024.0 * 1024.0);
}

// The child's leadbridge_queue_depth (summed over its labels) from its /metrics, -1 when it
// did not answer.
qint64 queueDepth(QNetworkAccessManager &nam, quint16 metricsPort)
{
    QNetworkRequest r(QUrl(QStringLiteral("http://127.0.0.1:%1/metrics").arg(metricsPort)));
    r.setTransferTimeout(5'000);
    QNetworkReply *reply = nam.get(r);
    pumpUntil([&] { return reply->isFinished(); }, 10'000);
    qint64 depth = -1;
    if (reply->isFinished() && reply->error() == QNetworkReply::NoError) {
        for (const QByteArray &line : reply->readAll().split('\n')) {
            if (!line.startsWith("leadbridge_queue_depth"))
                continue;
            depth = std::max<qint64>(depth, 0) + qint64(line.split(' ').last().toDouble());
        }
    }
    reply->deleteLater();
    return depth;
}

// Every fault knob of both sandboxes, at shares that leave the engine able to keep up.
void faultsOn(BenchWorld &world)
{
    sandbox::FaultConfig f;
    f.fail503 = 0.02;
    f.lockRate = 0.02;
    f.hangRate = 0.002;
    f.dropRate = 0.01;
    f.slowMs = 300;
    f.slowRate = 0.05;
    f.seed = 19;
    f.includeAuth = true;
    f.bulkFailRate = 0.2;
    f.bulkSlowMs = 1'000;
    world.salesforce.setFaults(f);
    sandbox::PlatformFaults &p = world.platform.faults();
    p.setSeed(19);
    p.setFail503Ratio(0.02);
    p.setHangRatio(0.002);
    p.setDropRatio(0.01);
    p.setSlowMs(20);
    p.setDuplicateDeliveries(true);
    // 429s: an allowance near what the engine and the edits need.
    world.platform.setRateLimit(300, 60);
}

void faultsOff(BenchWorld &world)
{
    world.salesforce.setFaults(sandbox::FaultConfig {});
    world.platform.faults().reset();
    world.platform.setRateLimit(1'000'000, 60);
}

struct Sample
{
    double atS = 0;
    double rssMb = 0;
    double storeMb = 0;
    qint64 queueDepth = -1;
};

double meanRss(const std::vector<Sample> &samples, size_t from, size_t to)
{
    double sum = 0;
    for (size_t i = from; i < to; ++i)
        sum += samples[i].rssMb;
    return to > from ? sum / double(to - from) : 0;
}

} // namespace

void runSoakBench(BenchReport &report, BenchWorld &world, double minutes)
{
    const QString section = QStringLiteral("soak");
    world.resetPlatform(Agents, Leads);
    world.resetSalesforce(Agents);
    const quint16 webhookPort = freePort();
    const quint16 metricsPort = freePort();
    world.platform.setWebhookTarget(
        QUrl(QStringLiteral("http://127.0.0.1:%1/hooks/platform").arg(webhookPort)),
        QByteArray(BenchWorld::WebhookSecret));
    // Platform poll every 10 s, Salesforce on the stream with a backstop poll every minute;
    // the first load above the Bulk threshold.
    const QString profile = world.writeProfile(QStringLiteral("bench-soak"), webhookPort,
                                               {{QStringLiteral("poll_interval_s"), 10},
                                                {QStringLiteral("backstop_poll_min"), 1},
                                                {QStringLiteral("bulk_threshold"), 500}});
    {
        QFile f(profile);
        f.open(QIODevice::ReadOnly);
        QJsonObject json = QJsonDocument::fromJson(f.readAll()).object();
        f.close();
        json.insert(QStringLiteral("metrics_listen"),
                    QStringLiteral("127.0.0.1:%1").arg(metricsPort));
        f.open(QIODevice::WriteOnly | QIODevice::Truncate);
        f.write(QJsonDocument(json).toJson());
    }
    const QString dbPath = world.workDir() + QStringLiteral("/bench-soak.db");

    ChildProcess child(world.binaries().leadbridge,
                       {QStringLiteral("--profile"), profile, QStringLiteral("sync")},
                       world.leadbridgeEnvironment());
    const qint64 pid = child.start(world.workDir());
    if (pid == 0) {
        report.failure(QStringLiteral("soak: cannot start leadbridge sync"));
        return;
    }
    const auto stop = [&] {
        child.terminate();
        return child.wait(60'000);
    };
    if (!pumpUntil([&] { return world.salesforce.recordCount(QStringLiteral("Lead")) >= Leads; },
                   300'000)) {
        report.failure(QStringLiteral("soak: the first load did not finish: ")
                       + QString::fromUtf8(stop().err.right(600)));
        return;
    }
    pumpUntil([] { return false; }, 2'000); // the load's echoes settle

    // Salesforce Id of every lead; even leads are edited on the platform, odd ones in Salesforce.
    QList<QPair<QString, QString>> all; // platform id, Salesforce Id
    QHash<QString, int> score;
    for (const sandbox::LeadRecord &lead : world.platform.leads()) {
        const auto r = world.salesforce.recordByExternalId(
            QStringLiteral("Lead"), QStringLiteral("Platform_Lead_Id__c"), lead.id);
        if (r)
            all.append({lead.id, r->value(QStringLiteral("Id")).toString()});
        score.insert(lead.id, lead.score);
    }
    QHash<QString, int> platformEdits, salesforceEdits; // per lead
    // Per lead, each edit as made ({at_s, side, score}), so a duplicated write can be read
    // against the edits around it.
    QHash<QString, QJsonArray> editsOf;
    const qint64 salesforceMark = world.salesforce.writeLog().entries().size();
    const qint64 platformMark = world.platform.writeLog().entries().size();

    faultsOn(world);
    std::vector<Sample> samples;
    QNetworkAccessManager nam;
    QElapsedTimer clock;
    clock.start();
    const qint64 soakStartMs = QDateTime::currentMSecsSinceEpoch(); // the sandboxes' clock
    const auto atS
        = [soakStartMs](qint64 epochMs) { return double(epochMs - soakStartMs) / 1000.0; };
    const qint64 soakMs = qint64(minutes * 60'000);
    qint64 edits = 0, refused = 0, nextSampleMs = 0;
    QRandomGenerator random(19);
    while (clock.elapsed() < soakMs) {
        if (clock.elapsed() >= nextSampleMs) {
            samples.push_back({clock.elapsed() / 1000.0, rssMb(pid), storeMb(dbPath),
                               queueDepth(nam, metricsPort)});
            nextSampleMs += SampleEveryMs;
            // Now and then a burst of reordered and refused webhook deliveries.
            world.platform.faults().reorderNext(10);
            world.platform.faults().failNextDeliveries(3);
        }
        const int pick = int(random.bounded(qint64(all.size())));
        const auto &[platformId, salesforceId] = all.at(pick);
        const int next = (score.value(platformId) + 1) % 101;
        const bool onPlatform = pick % 2 == 0;
        const bool ok = onPlatform
            ? world.platform.editLead(platformId, {{QStringLiteral("score"), next}}).ok()
            : world.salesforce
                  .updateRecord(QStringLiteral("Lead"), salesforceId,
                                {{QStringLiteral("Lead_Score__c"), next}},
                                QStringLiteral("SalesRep"))
                  .ok();
        if (ok) {
            score.insert(platformId, next);
            ++(onPlatform ? platformEdits : salesforceEdits)[platformId];
            editsOf[platformId].append(QJsonObject {
                {QStringLiteral("at_s"), atS(QDateTime::currentMSecsSinceEpoch())},
                {QStringLiteral("side"),
                 onPlatform ? QStringLiteral("platform") : QStringLiteral("salesforce")},
                {QStringLiteral("score"), next}});
            ++edits;
        } else {
            ++refused;
        }
        pumpUntil([] { return false; }, 1000 / EditsPerSecond);
    }
    samples.push_back(
        {clock.elapsed() / 1000.0, rssMb(pid), storeMb(dbPath), queueDepth(nam, metricsPort)});

    // Faults off: every edit must arrive on the other side.
    faultsOff(world);
    const auto lostEdits = [&] {
        qint64 lost = 0;
        for (const auto &[platformId, salesforceId] : all) {
            if (platformEdits.contains(platformId)) {
                const auto r = world.salesforce.record(QStringLiteral("Lead"), salesforceId);
                lost += r
                        && r->value(QStringLiteral("Lead_Score__c")).toInt()
                            == score.value(platformId)
                    ? 0
                    : 1;
            } else if (salesforceEdits.contains(platformId)) {
                const auto l = world.platform.lead(platformId);
                lost += l && l->score == score.value(platformId) ? 0 : 1;
            }
        }
        return lost;
    };
    QElapsedTimer converge;
    converge.start();
    pumpUntil([&] { return lostEdits() == 0; }, 300'000);
    const double convergeS = converge.elapsed() / 1000.0;
    const qint64 lost = lostEdits();
    const double finalDepth = double(queueDepth(nam, metricsPort));
    const ChildRun run = stop();

    // Changes written twice: a LeadBridge write that changed no score (an echo or a repeat),
    // or more writes changing a lead's score than there were edits of it.
    qint64 duplicated = 0, salesforceWrites = 0, platformWrites = 0;
    QHash<QString, int> written;
    QJsonArray repeatedWrites; // "<side>:<lead>" of each, so a failure names them
    // "<sf|p>:<lead>" -> LeadBridge's score writes to it on that side, and the leads with a
    // duplicated write: itemised below with the lead's edits, to tell a retried write that had
    // landed from an echo or a replay.
    QHash<QString, QJsonArray> writesOf;
    QSet<QString> duplicatedLeads;
    const auto &sfLog = world.salesforce.writeLog().entries();
    for (qsizetype i = salesforceMark; i < sfLog.size(); ++i) {
        const sandbox::WriteLogEntry &w = sfLog.at(i);
        if (w.object != QLatin1String("Lead") || w.client != QLatin1String("LeadBridge")
            || !w.fields.contains(QStringLiteral("Lead_Score__c")))
            continue;
        ++salesforceWrites;
        writesOf[QStringLiteral("sf:") + w.externalId].append(
            QJsonObject {{QStringLiteral("seq"), w.seq},
                         {QStringLiteral("at_s"), atS(w.timeMs)},
                         {QStringLiteral("operation"), w.operation},
                         {QStringLiteral("fields"), QJsonArray::fromStringList(w.fields)},
                         {QStringLiteral("changed"), w.changed}});
        if (!w.changedFields.contains(QStringLiteral("Lead_Score__c"))) {
            ++duplicated;
            repeatedWrites.append(QString(QStringLiteral("salesforce unchanged:") + w.externalId));
            duplicatedLeads.insert(QStringLiteral("sf:") + w.externalId);
        } else
            ++written[QStringLiteral("sf:") + w.externalId];
    }
    const auto &pLog = world.platform.writeLog().entries();
    for (qsizetype i = platformMark; i < pLog.size(); ++i) {
        const sandbox::PlatformWriteEntry &w = pLog.at(i);
        if (w.entity != QLatin1String("lead") || w.updatedBy != QLatin1String("salesforce")
            || !w.fields.contains(QStringLiteral("score")))
            continue;
        ++platformWrites;
        writesOf[QStringLiteral("p:") + w.id].append(
            QJsonObject {{QStringLiteral("seq"), w.seq},
                         {QStringLiteral("at_s"), atS(w.timeMs)},
                         {QStringLiteral("operation"), w.operation},
                         {QStringLiteral("fields"), QJsonArray::fromStringList(w.fields)},
                         {QStringLiteral("version"), w.version},
                         {QStringLiteral("changed"), w.changed}});
        if (!w.changedFields.contains(QStringLiteral("score"))) {
            ++duplicated;
            repeatedWrites.append(QString(QStringLiteral("platform unchanged:") + w.id));
            duplicatedLeads.insert(QStringLiteral("p:") + w.id);
        } else
            ++written[QStringLiteral("p:") + w.id];
    }
    for (auto it = written.cbegin(); it != written.cend(); ++it) {
        const QString id = it.key().section(u':', 1);
        const int made
            = it.key().startsWith(u's') ? platformEdits.value(id) : salesforceEdits.value(id);
        duplicated += std::max(0, it.value() - made);
        if (it.value() > made)
            duplicatedLeads.insert(it.key());
        if (it.value() > made)
            repeatedWrites.append(QStringLiteral("%1 written %2 times for %3 edits")
                                      .arg(it.key())
                                      .arg(it.value())
                                      .arg(made));
    }

    // Memory after the warm-up (the first fifth of the run, at least 20 s): the mean of the
    // first three samples against the mean of the last three.
    size_t warm = 0;
    while (warm < samples.size() && samples[warm].atS < std::max(20.0, minutes * 60.0 / 5.0))
        ++warm;
    const size_t n = samples.size();
    const bool enough = n >= warm + 4;
    const double rssStart = enough ? meanRss(samples, warm, warm + 3) : 0;
    const double rssEnd = enough ? meanRss(samples, n - 3, n) : 0;
    const double growth = rssStart > 0 ? (rssEnd - rssStart) / rssStart : 0;
    qint64 maxDepth = 0;
    double storeMax = 0;
    QJsonArray curve;
    for (const Sample &s : samples) {
        maxDepth = std::max(maxDepth, s.queueDepth);
        storeMax = std::max(storeMax, s.storeMb);
        curve.append(QJsonObject {{QStringLiteral("t_s"), s.atS},
                                  {QStringLiteral("rss_mb"), s.rssMb},
                                  {QStringLiteral("store_mb"), s.storeMb},
                                  {QStringLiteral("queue_depth"), s.queueDepth}});
    }
    const auto sfFaults = world.salesforce.faultCounters();
    const auto pStats = world.platform.stats();
    report.set(section, QStringLiteral("minutes"), minutes);
    report.set(section, QStringLiteral("leads"), Leads);
    report.set(section, QStringLiteral("edits"), edits);
    report.set(section, QStringLiteral("edits_refused"), refused);
    report.set(section, QStringLiteral("lost"), lost);
    report.set(section, QStringLiteral("duplicated"), duplicated);
    report.set(section, QStringLiteral("duplicated_writes"), repeatedWrites);
    QJsonArray duplicatedDetail;
    for (const QString &key : std::as_const(duplicatedLeads))
        duplicatedDetail.append(QJsonObject {
            {QStringLiteral("side"),
             key.startsWith(u's') ? QStringLiteral("salesforce") : QStringLiteral("platform")},
            {QStringLiteral("lead"), key.section(u':', 1)},
            {QStringLiteral("leadbridge_writes"), writesOf.value(key)},
            {QStringLiteral("edits"), editsOf.value(key.section(u':', 1))}});
    report.set(section, QStringLiteral("duplicated_detail"), duplicatedDetail);
    // Each lost edit: the lead, the side its edits were made on, the score expected on the
    // other side and the one there, with the edits and LeadBridge's score writes both ways.
    QJsonArray lostDetail;
    for (const auto &[platformId, salesforceId] : all) {
        const bool onPlatform = platformEdits.contains(platformId);
        if (!onPlatform && !salesforceEdits.contains(platformId))
            continue;
        int there = -1;
        if (onPlatform) {
            const auto r = world.salesforce.record(QStringLiteral("Lead"), salesforceId);
            there = r ? r->value(QStringLiteral("Lead_Score__c")).toInt() : -1;
        } else if (const auto l = world.platform.lead(platformId)) {
            there = l->score;
        }
        if (there == score.value(platformId))
            continue;
        lostDetail.append(
            QJsonObject {{QStringLiteral("lead"), platformId},
                         {QStringLiteral("edited_on"),
                          onPlatform ? QStringLiteral("platform") : QStringLiteral("salesforce")},
                         {QStringLiteral("expected"), score.value(platformId)},
                         {QStringLiteral("found"), there},
                         {QStringLiteral("edits"), editsOf.value(platformId)},
                         {QStringLiteral("salesforce_writes"),
                          writesOf.value(QStringLiteral("sf:") + platformId)},
                         {QStringLiteral("platform_writes"),
                          writesOf.value(QStringLiteral("p:") + platformId)}});
    }
    report.set(section, QStringLiteral("lost_detail"), lostDetail);
    report.set(section, QStringLiteral("leadbridge_score_writes_salesforce"), salesforceWrites);
    report.set(section, QStringLiteral("leadbridge_score_writes_platform"), platformWrites);
    report.set(section, QStringLiteral("converged_after_faults_off_s"), convergeS);
    report.set(section, QStringLiteral("samples"), curve);
    report.set(section, QStringLiteral("warmup_samples"), qint64(warm));
    report.set(section, QStringLiteral("rss_start_mb"), rssStart);
    report.set(section, QStringLiteral("rss_end_mb"), rssEnd);
    report.set(section, QStringLiteral("rss_growth_pct"), growth * 100.0);
    report.set(section, QStringLiteral("rss_flat"), enough && growth <= AllowedGrowth);
    report.set(section, QStringLiteral("max_queue_depth"), maxDepth);
    report.set(section, QStringLiteral("final_queue_depth"), finalDepth);
    report.set(section, QStringLiteral("store_mb_start"), samples.front().storeMb);
    report.set(section, QStringLiteral("store_mb_end"), samples.back().storeMb);
    report.set(section, QStringLiteral("store_mb_max"), storeMax);
    report.set(section, QStringLiteral("child_peak_rss_mb"), run.peakRssMb);
    report.set(section, QStringLiteral("child_exit_code"), run.exitCode);
    report.set(
        section, QStringLiteral("faults"),
        QJsonObject {
            {QStringLiteral("salesforce_503"), sfFaults.fail503},
            {QStringLiteral("salesforce_hang"), sfFaults.hang},
            {QStringLiteral("salesforce_drop"), sfFaults.drop},
            {QStringLiteral("salesforce_slow"), sfFaults.slow},
            {QStringLiteral("salesforce_lock"), sfFaults.lock},
            {QStringLiteral("salesforce_bulk_fail"), sfFaults.bulkFail},
            {QStringLiteral("platform_503"), qint64(pStats.http.injected503)},
            {QStringLiteral("platform_hang"), qint64(pStats.http.hung)},
            {QStringLiteral("platform_drop"), qint64(pStats.http.dropped)},
            {QStringLiteral("platform_429"), qint64(pStats.http.rateLimited)},
            {QStringLiteral("webhook_attempts_failed"), qint64(pStats.webhooks.failedAttempts)},
            {QStringLiteral("webhook_deliveries"), qint64(pStats.webhooks.deliveries)},
            {QStringLiteral("webhook_events"), qint64(pStats.webhooks.events)}});

    if (lost != 0)
        report.failure(QStringLiteral("soak: %1 edits did not reach the other side").arg(lost));
    if (duplicated != 0)
        report.failure(QStringLiteral("soak: %1 changes written twice").arg(duplicated));
    if (!enough)
        report.failure(QStringLiteral("soak: too few memory samples after the warm-up"));
    else if (growth > AllowedGrowth)
        report.failure(QStringLiteral("soak: RSS grew %1% after the warm-up (%2 -> %3 MB)")
                           .arg(growth * 100.0, 0, 'f', 1)
                           .arg(rssStart, 0, 'f', 1)
                           .arg(rssEnd, 0, 'f', 1));
    if (run.exitCode != 0)
        report.failure(QStringLiteral("soak: leadbridge sync exited with %1: %2")
                           .arg(run.exitCode)
                           .arg(QString::fromUtf8(run.err.right(600))));
}

} // namespace lb::bench
