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
                      QStringLiteral("INSERT INTO bulk_jobs (job_id, kind, state, items, "
                                     "created_at, updated_at) VALUES (?, ?, 'sent', ?, ?, ?)"),
                      {job.jobId, job.kind, QString::fromUtf8(itemsJson(job.items)), now, now});
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

} // namespace lb
