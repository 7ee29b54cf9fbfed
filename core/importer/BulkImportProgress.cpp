#include "BulkImportProgress.h"

#include "store/Store.h"
#include "sync/JobKinds.h"

#include <QLocale>

#include <algorithm>
#include <numeric>

namespace lb {
namespace {

QString number(qint64 n)
{
    static const QLocale english(QLocale::English, QLocale::UnitedStates);
    return english.toString(n);
}

} // namespace

Result<BulkImportProgress> BulkImportProgress::read(Store &store, qint64 sinceMs)
{
    auto jobs = store.ingestJobs().progressSince(jobs::SalesforceLeadUpsert, sinceMs);
    if (!jobs)
        return jobs.error();
    BulkImportProgress progress;
    progress.jobs = std::move(*jobs);
    return progress;
}

qint64 BulkImportProgress::sum(qint64 IngestJobProgress::*counter) const
{
    return std::accumulate(
        jobs.cbegin(), jobs.cend(), qint64(0),
        [counter](qint64 n, const IngestJobProgress &j) { return n + j.*counter; });
}

qint64 BulkImportProgress::total() const
{
    return sum(&IngestJobProgress::total);
}

qint64 BulkImportProgress::processed() const
{
    return sum(&IngestJobProgress::processed);
}

qint64 BulkImportProgress::failed() const
{
    return sum(&IngestJobProgress::failed);
}

bool BulkImportProgress::finished() const
{
    return !jobs.isEmpty() && std::all_of(jobs.cbegin(), jobs.cend(), [](const auto &j) {
        return j.state == QLatin1String("done");
    });
}

bool BulkImportProgress::cancelled() const
{
    return std::any_of(jobs.cbegin(), jobs.cend(), [](const auto &j) { return j.abortRequested; });
}

int BulkImportProgress::percent() const
{
    const qint64 all = total();
    return all > 0 ? int(std::min(processed(), all) * 100 / all) : 0;
}

QString BulkImportProgress::line(const IngestJobProgress &job)
{
    QString text
        = QStringLiteral("Bulk job %1: %2 of %3 processed, %4 failed")
              .arg(job.jobId, number(job.processed), number(job.total), number(job.failed));
    if (!job.salesforceState.isEmpty() && job.salesforceState != QLatin1String("JobComplete"))
        text += QStringLiteral(" (%1)").arg(job.salesforceState);
    return text;
}

QString BulkImportProgress::summary() const
{
    return QStringLiteral("%1 of %2 rows processed by Salesforce, %3 failed (%4 bulk job%5)")
        .arg(number(processed()), number(total()), number(failed()))
        .arg(jobs.size())
        .arg(jobs.size() == 1 ? QString() : QStringLiteral("s"));
}

} // namespace lb
