#include "BulkJobStore.h"

#include "BulkCsv.h"
#include "BulkRowWriter.h"
#include "SandboxOrg.h"
#include "SoqlEvaluator.h"

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

BulkJobStore::BulkJobStore(SandboxOrg &org)
    : m_org(org)
{
    m_timer.setInterval(kTickMs);
    QObject::connect(&m_timer, &QTimer::timeout, &m_timer, [this] { tick(); });
    m_monotonic.start();
}

BulkJob &BulkJobStore::add(BulkJob job)
{
    job.id = m_org.data().ids(u"750"_s).next();
    job.createdMs = m_org.nowMs();
    job.modstampMs = job.createdMs;
    const QString id = job.id;
    return m_jobs.insert_or_assign(id, std::move(job)).first->second;
}

BulkJob *BulkJobStore::find(const QString &id, bool isQuery)
{
    // 15- and 18-character ids name the same job.
    for (auto &[key, job] : m_jobs) {
        if (job.isQuery == isQuery && (key == id || (id.size() == 15 && key.startsWith(id))))
            return &job;
    }
    return nullptr;
}

QList<const BulkJob *> BulkJobStore::list(bool isQuery) const
{
    QList<const BulkJob *> out;
    for (const auto &[key, job] : m_jobs) {
        if (job.isQuery == isQuery)
            out.append(&job);
    }
    return out;
}

void BulkJobStore::remove(const QString &id)
{
    m_jobs.erase(id);
    m_readyAt.erase(id);
}

void BulkJobStore::clear()
{
    m_jobs.clear();
    m_readyAt.clear();
    m_timer.stop();
}

void BulkJobStore::schedule(BulkJob &job)
{
    const int slowMs = m_org.faults().config().bulkSlowMs;
    if (slowMs > 0)
        m_readyAt[job.id] = monotonicMs() + slowMs;
    if (!m_timer.isActive())
        m_timer.start();
}

void BulkJobStore::abort(BulkJob &job)
{
    job.state = BulkState::Aborted;
    job.modstampMs = m_org.nowMs();
    m_readyAt.erase(job.id);
}

void BulkJobStore::tick()
{
    // One step of the oldest job with work; Salesforce runs jobs in parallel, but one at a time
    // keeps the sandbox's writes in a predictable order.
    const qint64 now = monotonicMs();
    bool pending = false;
    for (auto &[id, job] : m_jobs) {
        if (job.state != BulkState::UploadComplete && job.state != BulkState::InProgress)
            continue;
        pending = true;
        if (job.state == BulkState::UploadComplete) {
            const auto held = m_readyAt.find(id);
            if (held != m_readyAt.end() && held->second > now)
                continue;
            m_readyAt.erase(id);
            start(job);
        } else if (job.isQuery) {
            runQuery(job);
        } else {
            processIngestChunk(job);
        }
        return;
    }
    if (!pending)
        m_timer.stop();
}

void BulkJobStore::start(BulkJob &job)
{
    job.state = BulkState::InProgress;
    job.modstampMs = m_org.nowMs();
    job.failWhole = m_org.faults().drawBulkFailure();
    if (job.isQuery)
        return;
    if (!job.uploaded) {
        finish(job, BulkState::Failed, u"InvalidBatch : No data was uploaded for this job"_s);
        return;
    }
    if (auto parsed = BulkRowWriter::parseUpload(m_org, job); !parsed) {
        finish(job, BulkState::Failed, parsed.error().message);
        return;
    }
    job.upload.clear(); // the parsed rows hold it now
    m_org.usage().countBulkBatches(
        qMax<qint64>(1, (job.rows.size() + kRecordsPerBatch - 1) / kRecordsPerBatch));
}

void BulkJobStore::processIngestChunk(BulkJob &job)
{
    // The whole-job fault strikes after the first chunk, so a failed job can hold results of
    // all three kinds.
    if (job.failWhole && (job.next > 0 || job.rows.size() <= kChunkRows)) {
        finish(job, BulkState::Failed,
               u"InternalServerError : the job failed (sandbox fault bulkFailRate)"_s);
        return;
    }
    QElapsedTimer spent;
    spent.start();
    BulkRowWriter writer(m_org, job);
    const qsizetype end = qMin<qsizetype>(job.next + kChunkRows, job.rows.size());
    for (; job.next < end; ++job.next)
        writer.write(job.rows[job.next]);
    m_org.data().clearJournal();
    job.processingMs += spent.elapsed();
    job.modstampMs = m_org.nowMs();
    if (job.next >= job.rows.size())
        finish(job, BulkState::JobComplete);
}

void BulkJobStore::runQuery(BulkJob &job)
{
    if (job.failWhole) {
        finish(job, BulkState::Failed);
        return;
    }
    QElapsedTimer spent;
    spent.start();
    const BoundQuery &query = *job.query;
    const SoqlEvaluator evaluator(m_org.data());
    QStringList names;
    for (const BoundField &f : query.select)
        names.append(f.isRelationship() ? f.relationshipName + u'.' + f.def().name : f.def().name);
    job.resultHeader = BulkCsv::quotedRow(names, job.dialect);
    const RecordTable *table = m_org.data().table(query.object->name());
    const QStringList ids = evaluator.run(query, job.operation == "queryAll"_L1);
    job.resultRows.reserve(ids.size());
    qint64 bytes = 0;
    QStringList values;
    for (const QString &id : ids) {
        const int row = table->rowOf(id);
        if (row < 0)
            continue;
        values.clear();
        for (const BoundField &f : query.select)
            values.append(BulkCsv::valueText(evaluator.valueOf(f, table->at(row))));
        job.resultRows.append(BulkCsv::quotedRow(values, job.dialect));
        bytes += job.resultRows.constLast().size();
    }
    job.processed = job.resultRows.size();
    job.processingMs += spent.elapsed();
    m_org.usage().countBulkQueryBytes(bytes);
    finish(job, BulkState::JobComplete);
}

void BulkJobStore::finish(BulkJob &job, BulkState state, const QString &error)
{
    job.state = state;
    job.errorMessage = error;
    job.modstampMs = m_org.nowMs();
}

} // namespace lb::sandbox
