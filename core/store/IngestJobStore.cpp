#include "IngestJobStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace lb {
namespace {

QByteArray itemsJson(const QList<IngestJobItem> &items)
{
    QJsonArray out;
    for (const IngestJobItem &i : items)
        out.append(QJsonArray {i.outboxId, i.key, QString::fromLatin1(i.plannedHash)});
    return QJsonDocument(out).toJson(QJsonDocument::Compact);
}

Result<QList<IngestJobItem>> itemsFrom(const QString &jobId, const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (!doc.isArray())
        return makeError(QStringLiteral("store_corrupt"),
                         QStringLiteral("bulk job %1: its items are not a JSON array (%2)")
                             .arg(jobId, error.errorString()));
    QList<IngestJobItem> items;
    for (const QJsonValue &v : doc.array()) {
        const QJsonArray a = v.toArray();
        items.append({a.at(0).toInteger(), a.at(1).toString(), a.at(2).toString().toLatin1()});
    }
    return items;
}

} // namespace

IngestJobStore::IngestJobStore(Database &db, const Clock &clock)
    : m_db(db)
    , m_clock(clock)
{ }

Result<void> IngestJobStore::add(const IngestJob &job)
{
    const qint64 now = m_clock.nowMs();
    auto q = m_db.run(QStringLiteral("bulk_jobs.add"),
                      QStringLiteral("INSERT INTO bulk_jobs (job_id, kind, state, items, total, "
                                     "sf_state, created_at, updated_at) "
                                     "VALUES (?, ?, 'sent', ?, ?, 'Open', ?, ?)"),
                      {job.jobId, job.kind, QString::fromUtf8(itemsJson(job.items)),
                       qint64(job.items.size()), now, now});
    if (!q)
        return q.error();
    return {};
}

Result<QList<IngestJob>> IngestJobStore::open(const QString &kind)
{
    auto q = m_db.run(QStringLiteral("bulk_jobs.open"),
                      QStringLiteral("SELECT job_id, kind, state, items, created_at FROM bulk_jobs "
                                     "WHERE state = 'sent' AND kind = ? ORDER BY created_at"),
                      {kind});
    if (!q)
        return q.error();
    QList<std::pair<IngestJob, QByteArray>> rows;
    while ((*q)->next()) {
        IngestJob job;
        job.jobId = (*q)->value(0).toString();
        job.kind = (*q)->value(1).toString();
        job.state = (*q)->value(2).toString();
        job.createdAt = (*q)->value(4).toLongLong();
        rows.append({job, (*q)->value(3).toString().toUtf8()});
    }
    (*q)->finish();
    QList<IngestJob> jobs;
    for (auto &[job, json] : rows) {
        auto items = itemsFrom(job.jobId, json);
        if (!items)
            return items.error();
        job.items = std::move(*items);
        jobs.append(std::move(job));
    }
    return jobs;
}

Result<void> IngestJobStore::finish(const QString &jobId)
{
    auto q = m_db.run(QStringLiteral("bulk_jobs.finish"),
                      QStringLiteral("UPDATE bulk_jobs SET state = 'done', updated_at = ? "
                                     "WHERE job_id = ?"),
                      {m_clock.nowMs(), jobId});
    if (!q)
        return q.error();
    return {};
}

Result<bool> IngestJobStore::recordProgress(const QString &jobId, const QString &salesforceState,
                                            qint64 processed, qint64 failed)
{
    auto q
        = m_db.run(QStringLiteral("bulk_jobs.progress"),
                   QStringLiteral("UPDATE bulk_jobs SET sf_state = ?, processed = ?, failed = ?, "
                                  "updated_at = ? WHERE job_id = ?"),
                   {salesforceState, processed, failed, m_clock.nowMs(), jobId});
    if (!q)
        return q.error();
    (*q)->finish();
    return abortRequested(jobId);
}

Result<bool> IngestJobStore::abortRequested(const QString &jobId)
{
    auto q = m_db.run(QStringLiteral("bulk_jobs.abort_requested"),
                      QStringLiteral("SELECT abort_requested FROM bulk_jobs WHERE job_id = ?"),
                      {jobId});
    if (!q)
        return q.error();
    const bool requested = (*q)->next() && (*q)->value(0).toInt() != 0;
    (*q)->finish();
    return requested;
}

Result<QList<IngestJobProgress>> IngestJobStore::progressSince(const QString &kind, qint64 sinceMs)
{
    auto q = m_db.run(QStringLiteral("bulk_jobs.since"),
                      QStringLiteral("SELECT job_id, state, sf_state, total, processed, failed, "
                                     "abort_requested, created_at FROM bulk_jobs "
                                     "WHERE kind = ? AND (created_at >= ? OR state = 'sent') "
                                     "ORDER BY created_at"),
                      {kind, sinceMs});
    if (!q)
        return q.error();
    QList<IngestJobProgress> jobs;
    while ((*q)->next()) {
        IngestJobProgress p;
        p.jobId = (*q)->value(0).toString();
        p.state = (*q)->value(1).toString();
        p.salesforceState = (*q)->value(2).toString();
        p.total = (*q)->value(3).toLongLong();
        p.processed = (*q)->value(4).toLongLong();
        p.failed = (*q)->value(5).toLongLong();
        p.abortRequested = (*q)->value(6).toInt() != 0;
        p.createdAt = (*q)->value(7).toLongLong();
        jobs.append(p);
    }
    (*q)->finish();
    return jobs;
}

Result<int> IngestJobStore::requestAbort(const QStringList &jobIds)
{
    int marked = 0;
    for (const QString &id : jobIds) {
        auto q = m_db.run(QStringLiteral("bulk_jobs.request_abort"),
                          QStringLiteral("UPDATE bulk_jobs SET abort_requested = 1, updated_at = ? "
                                         "WHERE job_id = ? AND state = 'sent'"),
                          {m_clock.nowMs(), id});
        if (!q)
            return q.error();
        marked += (*q)->numRowsAffected();
    }
    return marked;
}

} // namespace lb
