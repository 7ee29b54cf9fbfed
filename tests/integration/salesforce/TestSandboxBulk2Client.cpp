#include "AsyncResult.h"
#include "SandboxHarness.h"
#include "salesforce/SandboxOrg.h"
#include "salesforce/bulk/Bulk2Client.h"
#include "salesforce/bulk/BulkCsvWriter.h"

#include <QSet>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace lb;
using namespace lb::salesforce;
using namespace lb::test;

namespace {

const QString kKey = u"Platform_Lead_Id__c"_s;

QList<QJsonObject> leads(int n, const QString &prefix, int invalidEvery = 0)
{
    QList<QJsonObject> out;
    for (int i = 0; i < n; ++i) {
        QJsonObject lead {
            {kKey, u"%1-%2"_s.arg(prefix).arg(i)},
            {u"LastName"_s, u"Lead, \"%1\""_s.arg(i)},
            {u"Company"_s, u"Acme"_s},
            {u"Email"_s, i % 2 ? QJsonValue() : QJsonValue(u"l%1@example.com"_s.arg(i))}};
        if (invalidEvery > 0 && i % invalidEvery == 0)
            lead.remove(u"Company"_s);
        out.append(lead);
    }
    return out;
}

} // namespace

// Bulk2Client against the sandbox org over HTTP, on the REST client's session: a 5,000-row
// ingest with per-row failures, query paging, a job that fails as a whole, collecting a job
// sent earlier, errors, and the API call count of a large load.
class TestSandboxBulk2Client : public QObject
{
    Q_OBJECT

    SandboxHarness m_h;
    std::unique_ptr<Bulk2Client> m_bulk;

    sandbox::SalesforceSandbox &org() { return m_h.sandbox(); }

    template<typename T, typename Start> Result<T> call(Start start)
    {
        AsyncResult<T> r;
        start(r.callback());
        if (!r.wait(60'000))
            return makeError(u"test"_s, u"no answer"_s);
        return r.get();
    }
    Result<Bulk2IngestOutcome> ingest(const Bulk2JobSpec &spec, const QList<QJsonObject> &rows,
                                      QString *jobId = nullptr)
    {
        return call<Bulk2IngestOutcome>([&](auto cb) {
            m_bulk->ingest(
                spec, BulkCsvWriter::write(rows), this,
                [jobId](const Bulk2Job &job) -> Result<void> {
                    if (jobId)
                        *jobId = job.id;
                    return {};
                },
                cb);
        });
    }
    static Bulk2JobSpec upsertSpec() { return {u"Lead"_s, u"upsert"_s, kKey}; }

private slots:
    void init()
    {
        const Result<void> started = m_h.start();
        QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error().message));
        m_h.connect(AuthFlow::JwtBearer);
        m_bulk = std::make_unique<Bulk2Client>(m_h.client());
        Bulk2JobPoller::Backoff fast;
        fast.initialMs = 5;
        fast.maxMs = 50;
        m_bulk->poller().setBackoff(fast);
    }
    void cleanup() { m_bulk.reset(); }

    void largeIngestAndQueryPaging()
    {
        constexpr int kRows = 5000;
        constexpr int kInvalidEvery = 100; // 50 rows without Company
        const qint64 callsBefore = m_h.restCalls();
        const qint64 sandboxBefore = org().apiUsed();
        QString createdId;
        const auto outcome = ingest(upsertSpec(), leads(kRows, u"B"_s, kInvalidEvery), &createdId);
        QVERIFY2(outcome.ok(), qPrintable(outcome.ok() ? QString() : outcome.error().toString()));
        const qint64 calls = m_h.restCalls() - callsBefore;
        // Every Bulk request answered is one call in the org's allowance.
        QCOMPARE(calls, org().apiUsed() - sandboxBefore);
        // create + upload + close, the polls, three result sets.
        const qint64 polls = calls - 6;
        qInfo("Bulk ingest of %d rows: %lld API calls (%lld polls), 3 on the upload path", kRows,
              calls, polls);
        QVERIFY(polls >= 1);

        QCOMPARE(createdId, outcome->job.id);
        QCOMPARE(outcome->job.state, Bulk2Job::State::JobComplete);
        QCOMPARE(outcome->job.numberRecordsProcessed, kRows);
        QCOMPARE(outcome->successful.size(), kRows - kRows / kInvalidEvery);
        QCOMPARE(outcome->failed.size(), kRows / kInvalidEvery);
        QVERIFY(outcome->unprocessed.isEmpty());
        for (const Bulk2RowResult &row : outcome->successful)
            QVERIFY(row.result.success && row.result.created && row.result.id.startsWith(u"00Q"));
        const Bulk2RowResult &bad = outcome->failed.first();
        QVERIFY(!bad.result.success);
        QCOMPARE(bad.result.errors.first().code, u"REQUIRED_FIELD_MISSING"_s);
        QCOMPARE(bad.result.errors.first().fields, QStringList {u"Company"_s});
        QVERIFY(bad.fields.value(kKey).startsWith(u"B-"));
        QCOMPARE(org().recordCount(u"Lead"_s), kRows - kRows / kInvalidEvery);
        const auto lead = org().recordByExternalId(u"Lead"_s, kKey, u"B-1"_s);
        QVERIFY(lead && lead->value(u"Email").isNull());
        QCOMPARE(lead->value(u"LastName").toString(), u"Lead, \"1\""_s);

        // Paging: 1,000 rows a page, one page in memory at a time.
        QSet<QString> ids;
        int pages = 0;
        QStringList columns;
        const qint64 queryBefore = m_h.restCalls();
        const auto rows = call<qint64>([&](auto cb) {
            m_bulk->queryEach(
                u"SELECT Id, Platform_Lead_Id__c FROM Lead"_s, false, 1000, this,
                [&](const Bulk2QueryPage &page) {
                    ++pages;
                    columns = page.table.columns;
                    for (const QStringList &row : page.table.rows)
                        ids.insert(row.value(0));
                    return true;
                },
                cb);
        });
        QVERIFY2(rows.ok(), qPrintable(rows.ok() ? QString() : rows.error().toString()));
        QCOMPARE(*rows, kRows - kRows / kInvalidEvery);
        QCOMPARE(pages, 5);
        QCOMPARE(ids.size(), kRows - kRows / kInvalidEvery);
        QCOMPARE(columns, (QStringList {u"Id"_s, kKey}));
        qInfo("Bulk query of %lld rows in %d pages: %lld API calls", *rows, pages,
              m_h.restCalls() - queryBefore);

        // Stopping early asks for no further page.
        int seen = 0;
        const auto stopped = call<qint64>([&](auto cb) {
            m_bulk->queryEach(
                u"SELECT Id FROM Lead"_s, false, 1000, this,
                [&](const Bulk2QueryPage &) { return ++seen < 2; }, cb);
        });
        QCOMPARE(*stopped, 2000);
        QCOMPARE(seen, 2);
    }

    void failedJobKeepsItsResults()
    {
        sandbox::FaultConfig fault;
        fault.bulkFailRate = 1.0;
        org().setFaults(fault);
        const int rows = sandbox::BulkJobStore::kChunkRows + 300;
        const auto outcome = ingest(upsertSpec(), leads(rows, u"F"_s));
        QVERIFY(outcome.ok());
        QCOMPARE(outcome->job.state, Bulk2Job::State::Failed);
        QVERIFY(outcome->job.errorMessage.startsWith(u"InternalServerError"));
        QCOMPARE(outcome->successful.size(), sandbox::BulkJobStore::kChunkRows);
        QCOMPARE(outcome->unprocessed.size(), 300);
        QVERIFY(outcome->unprocessed.first().fields.value(kKey).startsWith(u"F-"));

        // A query job that fails is an error for queryEach.
        const auto query = call<qint64>([&](auto cb) {
            m_bulk->queryEach(
                u"SELECT Id FROM Lead"_s, false, 0, this,
                [](const Bulk2QueryPage &) { return true; }, cb);
        });
        QVERIFY(!query.ok());
        QCOMPARE(query.error().code, u"bulk_job_failed"_s);
        org().setFaults({});
    }

    void collectAJobSentEarlier()
    {
        // The upload and close happened (e.g. before a restart); only polling and results
        // remain, on a new client: nothing is sent twice.
        const auto job
            = call<Bulk2Job>([&](auto cb) { m_bulk->createIngestJob(upsertSpec(), this, cb); });
        QVERIFY(job.ok());
        QCOMPARE(job->state, Bulk2Job::State::Open);
        const auto up = call<void>([&](auto cb) {
            m_bulk->upload(job->id, BulkCsvWriter::write(leads(10, u"R"_s)), this, cb);
        });
        QVERIFY(up.ok());
        QVERIFY(call<Bulk2Job>([&](auto cb) { m_bulk->closeJob(job->id, this, cb); }).ok());
        Bulk2Client restarted(m_h.client());
        const auto outcome
            = call<Bulk2IngestOutcome>([&](auto cb) { restarted.collect(job->id, this, cb); });
        QVERIFY(outcome.ok());
        QCOMPARE(outcome->successful.size(), 10);
        for (int i = 0; i < 10; ++i)
            QCOMPARE(org().writeCountFor(u"Lead"_s, u"R-%1"_s.arg(i)), 1);
    }

    void errors()
    {
        auto job = call<Bulk2Job>([&](auto cb) {
            m_bulk->createIngestJob({u"Nope__c"_s, u"insert"_s, {}}, this, cb);
        });
        QVERIFY(!job.ok());
        QCOMPARE(job.error().code, u"INVALIDJOB"_s);
        QCOMPARE(job.error().httpStatus, 400);
        QVERIFY(!job.error().retryable);

        job = call<Bulk2Job>([&](auto cb) {
            m_bulk->createQueryJob(u"SELECT Nope__c FROM Lead"_s, false, this, cb);
        });
        QVERIFY(!job.ok());
        QCOMPARE(job.error().code, u"INVALID_FIELD"_s);

        job = call<Bulk2Job>(
            [&](auto cb) { m_bulk->jobInfo(u"7508c000000000AAAA"_s, false, this, cb); });
        QCOMPARE(job.error().code, u"NOT_FOUND"_s);

        // A bad upload fails the job; the client reports the job, not a transport error.
        const auto bad = call<Bulk2IngestOutcome>([&](auto cb) {
            m_bulk->ingest({u"Lead"_s, u"insert"_s, {}}, "LastName,Foo__c\nA,B\n", this, {}, cb);
        });
        QVERIFY(bad.ok());
        QCOMPARE(bad->job.state, Bulk2Job::State::Failed);
        QCOMPARE(bad->job.errorMessage, u"InvalidBatch : Field name not found : Foo__c"_s);
        QCOMPARE(bad->unprocessed.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestSandboxBulk2Client)
#include "TestSandboxBulk2Client.moc"
