#include "ThroughputBench.h"

#include "mapping/FieldMapping.h"
#include "mapping/RecordMapper.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace lb::bench {
namespace {

constexpr int Agents = 200;
constexpr int ChildTimeoutMs = 60 * 60 * 1000;
const QString LeadKey = QStringLiteral("Platform_Lead_Id__c");

struct Measured
{
    ChildRun run;
    QHash<QString, qint64> sfCalls;
    qint64 platformRequests = 0;
    qint64 platformWrites = 0;
    int recordsDone = 0;
};

void recordFigures(BenchReport &report, const QString &section, const QString &who, int records,
                   const Measured &m)
{
    const QString p = who + QLatin1Char('_');
    const double seconds = m.run.wallMs / 1000.0;
    report.set(section, p + QStringLiteral("records_per_s"), seconds > 0 ? records / seconds : 0);
    report.set(section, p + QStringLiteral("seconds"), seconds);
    report.set(section, p + QStringLiteral("records_done"), m.recordsDone);
    report.set(section, p + QStringLiteral("salesforce_calls"), BenchWorld::total(m.sfCalls));
    report.set(section, p + QStringLiteral("salesforce_write_calls"),
               BenchWorld::writes(m.sfCalls));
    report.set(section, p + QStringLiteral("salesforce_calls_per_1000"),
               BenchWorld::total(m.sfCalls) * 1000.0 / records);
    report.set(section, p + QStringLiteral("salesforce_write_calls_per_1000"),
               BenchWorld::writes(m.sfCalls) * 1000.0 / records);
    report.set(section, p + QStringLiteral("peak_rss_mb"), m.run.peakRssMb);
    report.set(section, p + QStringLiteral("cpu_seconds"), m.run.cpuSeconds);
    if (m.platformRequests > 0) {
        report.set(section, p + QStringLiteral("platform_requests"), m.platformRequests);
        report.set(section, p + QStringLiteral("platform_write_requests_per_1000"),
                   m.platformWrites * 1000.0 / records);
    }
    if (!m.run.ok())
        report.failure(
            QStringLiteral("%1 %2 failed (exit %3%4): %5")
                .arg(section, who)
                .arg(m.run.exitCode)
                .arg(m.run.error.isEmpty() ? QString() : QStringLiteral(", ") + m.run.error,
                     QString::fromUtf8(m.run.err.right(600))));
    else if (m.recordsDone != records)
        report.failure(QStringLiteral("%1 %2: only %3 of %4 records arrived")
                           .arg(section, who)
                           .arg(m.recordsDone)
                           .arg(records));
}

Measured runChild(BenchWorld &world, const QString &program, const QStringList &args,
                  const QProcessEnvironment &env)
{
    world.markApiCalls();
    ChildProcess child(program, args, env);
    Measured m;
    m.run = child.run(world.workDir(), ChildTimeoutMs);
    m.sfCalls = world.apiCallsSinceMark();
    m.platformRequests = world.platformRequestsSinceMark();
    m.platformWrites = world.platformWritesSinceMark();
    return m;
}

// The records LeadBridge writes, mapped by LeadBridge's own mapper, so every client sends
// Salesforce the same fields.
QString writePeerRecords(BenchWorld &world)
{
    const auto mapping = FieldMapping::defaultMapping();
    const RecordMapper mapper(mapping->lead);
    QJsonArray records;
    for (const auto &lead : world.platform.leads()) {
        auto mapped = mapper.toSalesforce(lead.toJson(), false);
        if (!mapped)
            continue;
        QJsonObject r = *mapped;
        r.insert(LeadKey, lead.id);
        r.insert(QStringLiteral("Last_Updated_By_System__c"), QStringLiteral("LeadPlatform"));
        records.append(r);
    }
    const QString path = world.workDir() + QStringLiteral("/peer-records.json");
    QFile f(path);
    if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        f.write(QJsonDocument(records).toJson(QJsonDocument::Compact));
    return path;
}

QString writePeerLogin(BenchWorld &world)
{
    const QString path = world.workDir() + QStringLiteral("/peer-login.json");
    QFile f(path);
    if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        f.write(QJsonDocument(world.peerLogin()).toJson());
    return path;
}

// Salesforce's own changes: an admin rescores every lead and flips its eligibility.
int changeEveryLeadInSalesforce(BenchWorld &world)
{
    int changed = 0;
    for (const auto &lead : world.platform.leads()) {
        const auto sf
            = world.salesforce.recordByExternalId(QStringLiteral("Lead"), LeadKey, lead.id);
        if (!sf)
            continue;
        const QJsonObject fields {
            {QStringLiteral("Lead_Score__c"), (lead.score + 7) % 101},
            {QStringLiteral("Eligible_For_Distribution__c"),
             !sf->value(QStringLiteral("Eligible_For_Distribution__c")).toBool()}};
        if (world.salesforce
                .updateRecord(QStringLiteral("Lead"), sf->value(QStringLiteral("Id")).toString(),
                              fields, QStringLiteral("Admin"))
                .ok())
            ++changed;
    }
    return changed;
}

int platformLeadsWithScore(BenchWorld &world, const QHash<QString, int> &expected)
{
    int n = 0;
    for (const auto &lead : world.platform.leads())
        n += expected.value(lead.id, -1) == lead.score ? 1 : 0;
    return n;
}

// What sync_bulk_read plants at its CI size, at the bench's: 25 leads only on the platform, 25
// only in Salesforce, 25 deleted (13 in Salesforce, 12 on the platform) and 25 changed (13 in
// Salesforce, 12 on the platform), each side changed without LeadBridge.
int plantDifferences(BenchWorld &world, int records)
{
    int planted = 0;
    const auto key = [](int n) { return QStringLiteral("L-%1").arg(n, 6, 10, QLatin1Char('0')); };
    const auto sfId = [&world](const QString &k) {
        const auto r = world.salesforce.recordByExternalId(QStringLiteral("Lead"), LeadKey, k);
        return r ? r->value(QStringLiteral("Id")).toString() : QString();
    };
    for (int i = 1; i <= 25; ++i) {
        sandbox::LeadRecord lead;
        lead.id = QStringLiteral("L-P%1").arg(i, 4, 10, QLatin1Char('0'));
        lead.lastName = QStringLiteral("Only on the platform %1").arg(i);
        lead.company = QStringLiteral("Platform Co");
        planted += world.platform.createLead(lead).ok() ? 1 : 0;
        planted += world.salesforce
                       .createRecord(
                           QStringLiteral("Lead"),
                           {{QStringLiteral("LastName"), QStringLiteral("Only in SF")},
                            {QStringLiteral("Company"), QStringLiteral("Salesforce Co")},
                            {LeadKey, QStringLiteral("L-S%1").arg(i, 4, 10, QLatin1Char('0'))}},
                           QStringLiteral("Admin"))
                       .ok()
            ? 1
            : 0;
    }
    const int step = records / 60;
    for (int i = 0; i < 13; ++i) {
        planted += world.salesforce
                       .deleteRecord(QStringLiteral("Lead"), sfId(key(1 + i * step)),
                                     QStringLiteral("Admin"))
                       .ok()
            ? 1
            : 0;
        planted += world.salesforce
                       .updateRecord(QStringLiteral("Lead"), sfId(key(2 + i * step)),
                                     {{QStringLiteral("Company"), QStringLiteral("Changed in SF")}},
                                     QStringLiteral("Admin"))
                       .ok()
            ? 1
            : 0;
    }
    for (int i = 0; i < 12; ++i) {
        planted += world.platform.deleteLead(key(3 + i * step)).ok() ? 1 : 0;
        planted
            += world.platform
                   .editLead(key(4 + i * step),
                             {{QStringLiteral("company"), QStringLiteral("Changed on platform")}})
                   .ok()
            ? 1
            : 0;
    }
    return planted;
}

} // namespace

void runThroughputBench(BenchReport &report, BenchWorld &world, int records)
{
    const QStringList once {QStringLiteral("sync"), QStringLiteral("--once")};

    // LeadBridge inbound.
    world.resetPlatform(Agents, records);
    world.resetSalesforce(Agents);
    const QString profile = world.writeProfile(QStringLiteral("bench-inbound"));
    Measured inbound = runChild(world, world.binaries().leadbridge,
                                QStringList {QStringLiteral("--profile"), profile} + once,
                                world.leadbridgeEnvironment());
    inbound.recordsDone = world.salesforce.recordCount(QStringLiteral("Lead"));
    recordFigures(report, QStringLiteral("inbound"), QStringLiteral("leadbridge"), records,
                  inbound);
    const double lbRate = inbound.run.wallMs > 0 ? records / (inbound.run.wallMs / 1000.0) : 0;
    report.goal(QStringLiteral("Salesforce API calls per 1,000 records, bulk inbound"),
                BenchWorld::total(inbound.sfCalls) * 1000.0 / records, QStringLiteral("<="), 1.2,
                QStringLiteral("calls"));

    // LeadBridge outbound: the same store, Salesforce changes every lead.
    QHash<QString, int> expectedScores;
    for (const auto &lead : world.platform.leads())
        expectedScores.insert(lead.id, (lead.score + 7) % 101);
    const int changed = changeEveryLeadInSalesforce(world);
    Measured outbound = runChild(world, world.binaries().leadbridge,
                                 QStringList {QStringLiteral("--profile"), profile} + once,
                                 world.leadbridgeEnvironment());
    outbound.recordsDone = platformLeadsWithScore(world, expectedScores);
    recordFigures(report, QStringLiteral("outbound"), QStringLiteral("leadbridge"), changed,
                  outbound);

    // Peers, on an empty org each, with the records LeadBridge's mapper produced.
    if (world.binaries().node.isEmpty()) {
        report.note(QStringLiteral("peers skipped: node or bench/peers/node_modules is missing "
                                   "(run npm ci in bench/peers)"));
        return;
    }
    const QString recordsFile = writePeerRecords(world);
    const QString login = writePeerLogin(world);
    struct Peer
    {
        QString name;
        QString script;
        QString goal;
    };
    const QList<Peer> peers {{QStringLiteral("jsforce"), QStringLiteral("jsforce-upsert.cjs"),
                              QStringLiteral("Inbound records/s vs jsforce Collections upsert")},
                             {QStringLiteral("naive"), QStringLiteral("naive-upsert.cjs"),
                              QStringLiteral("Inbound records/s vs one call per record")}};
    for (const Peer &peer : peers) {
        world.resetSalesforce(Agents);
        Measured m = runChild(
            world, world.binaries().node,
            {world.binaries().peersDir + QLatin1Char('/') + peer.script, login, recordsFile},
            QProcessEnvironment::systemEnvironment());
        m.recordsDone = world.salesforce.recordCount(QStringLiteral("Lead"));
        recordFigures(report, QStringLiteral("inbound"), peer.name, records, m);
        const double peerRate = m.run.wallMs > 0 ? records / (m.run.wallMs / 1000.0) : 0;
        const double ratio = peerRate > 0 ? lbRate / peerRate : 0;
        report.set(QStringLiteral("inbound"),
                   QStringLiteral("leadbridge_vs_%1_ratio").arg(peer.name), ratio);
        if (peer.name == QLatin1String("jsforce"))
            report.goal(peer.goal, ratio, QStringLiteral(">="), 1.0, QStringLiteral("x"));
    }
}

void runBulkLoadBench(BenchReport &report, BenchWorld &world, int records)
{
    const QString section = QStringLiteral("bulk");
    world.resetPlatform(Agents, records);
    world.resetSalesforce(Agents);
    const QString profile = world.writeProfile(QStringLiteral("bench-bulk"));
    Measured lb = runChild(
        world, world.binaries().leadbridge,
        {QStringLiteral("--profile"), profile, QStringLiteral("sync"), QStringLiteral("--once")},
        world.leadbridgeEnvironment());
    lb.recordsDone = world.salesforce.recordCount(QStringLiteral("Lead"));
    recordFigures(report, section, QStringLiteral("leadbridge"), records, lb);
    report.set(section, QStringLiteral("leadbridge_bulk_calls"),
               lb.sfCalls.value(QStringLiteral("bulk")));

    // The peer loads the records LeadBridge loaded, before the differences below are planted.
    const QString recordsFile = writePeerRecords(world);

    // The reconcile of what the load left, through one query job, with 100 differences planted.
    const int planted = plantDifferences(world, records);
    Measured rec = runChild(world, world.binaries().leadbridge,
                            {QStringLiteral("--profile"), profile, QStringLiteral("reconcile"),
                             QStringLiteral("--json")},
                            world.leadbridgeEnvironment());
    const QJsonObject found = QJsonDocument::fromJson(rec.run.out).object();
    int differences = 0;
    for (const char *kind :
         {"missing_in_salesforce", "missing_on_platform", "deleted", "differing", "extra"})
        differences += found.value(QLatin1String(kind)).toInt();
    report.set(section, QStringLiteral("reconcile_seconds"), rec.run.wallMs / 1000.0);
    report.set(section, QStringLiteral("reconcile_salesforce_calls"),
               BenchWorld::total(rec.sfCalls));
    report.set(section, QStringLiteral("reconcile_differences_found"), differences);
    report.set(section, QStringLiteral("reconcile_peak_rss_mb"), rec.run.peakRssMb);
    report.goal(QStringLiteral("Salesforce API calls for a reconcile"),
                double(BenchWorld::total(rec.sfCalls)), QStringLiteral("<="), 10,
                QStringLiteral("calls"));
    if (!rec.run.ok() || differences != planted)
        report.failure(QStringLiteral("bulk reconcile: found %1 of %2 differences (exit %3): %4")
                           .arg(differences)
                           .arg(planted)
                           .arg(rec.run.exitCode)
                           .arg(QString::fromUtf8(rec.run.err.right(600))));
    if (world.binaries().node.isEmpty()) {
        report.note(QStringLiteral("bulk peer skipped: node or bench/peers/node_modules is "
                                   "missing (run npm ci in bench/peers)"));
        return;
    }
    const QString login = writePeerLogin(world);
    world.resetSalesforce(Agents);
    Measured peer = runChild(
        world, world.binaries().node,
        {world.binaries().peersDir + QStringLiteral("/jsforce-bulk2.cjs"), login, recordsFile},
        QProcessEnvironment::systemEnvironment());
    peer.recordsDone = world.salesforce.recordCount(QStringLiteral("Lead"));
    recordFigures(report, section, QStringLiteral("jsforce_bulk2"), records, peer);
    report.set(section, QStringLiteral("jsforce_bulk2_bulk_calls"),
               peer.sfCalls.value(QStringLiteral("bulk")));
    const double lbRate = lb.run.wallMs > 0 ? records / (lb.run.wallMs / 1000.0) : 0;
    const double peerRate = peer.run.wallMs > 0 ? records / (peer.run.wallMs / 1000.0) : 0;
    report.set(section, QStringLiteral("leadbridge_vs_jsforce_bulk2_ratio"),
               peerRate > 0 ? lbRate / peerRate : 0);
}

} // namespace lb::bench
