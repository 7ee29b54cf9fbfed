#include "ImportPlan.h"
#include "log/Logging.h"
#include "mapping/RecordMapper.h"
#include "store/Store.h"
#include "sync/PlatformLeadChange.h"

#include <QDateTime>

// ImportPlan::deliver apart from the reading and checking of the file (ImportPlan.cpp), so the
// reading links (and is fuzzed) without the store.
namespace lb {
namespace {

QString nowText(qint64 nowMs)
{
    return QDateTime::fromMSecsSinceEpoch(nowMs, Qt::UTC).toString(Qt::ISODateWithMs);
}

} // namespace

Result<ImportOutcome> ImportPlan::deliver(Store &store, const ObjectMapping &leadMapping,
                                          qint64 nowMs, bool dryRun, const Progress &progress,
                                          const std::atomic_bool *cancel) const
{
    // Checked in full first: a broken quote at the end would otherwise be found only after the
    // rows before it were delivered.
    const ImportReport report = analyse(leadMapping, {}, cancel);
    if (!report.fileError.isEmpty())
        return makeError(QStringLiteral("import_refused"),
                         QStringLiteral("Nothing was imported: %1").arg(report.fileError));
    ImportOutcome outcome;
    outcome.dryRun = dryRun;
    outcome.skipped = report.rows - report.validRows;
    if (dryRun) {
        outcome.delivered = report.validRows;
        return outcome;
    }
    constexpr int RowsPerTransaction = 500;
    const QString occurred = nowText(nowMs);
    const RecordMapper mapper(leadMapping);
    CsvReader reader(m_data, m_limits);
    CsvRecord record;
    reader.next(record);
    QSet<QString> seenIds;
    QHash<QString, int> idLines;
    int dataRow = 0;
    bool more = true;
    while (more) {
        if (cancel && cancel->load())
            return makeError(QStringLiteral("cancelled"),
                             QStringLiteral("The import was cancelled after %1 leads; importing "
                                            "the file again delivers the rest.")
                                 .arg(outcome.delivered + outcome.duplicates));
        Transaction tx(store.database());
        if (!tx.started())
            return tx.started().error();
        int inBatch = 0;
        while (inBatch < RowsPerTransaction && (more = reader.next(record))) {
            ++dataRow;
            Row row = buildRow(record, dataRow, mapper, seenIds, idLines);
            if (!row.issues.isEmpty())
                continue;
            row.lead.insert(QStringLiteral("updated_at"), occurred);
            row.lead.insert(QStringLiteral("version"), 0);
            const InboundEvent event = PlatformLeadChange::storedForm(
                row.lead, QStringLiteral("import"), eventId(m_hash, dataRow), nowMs);
            auto stored = store.events().insert(event);
            if (!stored)
                return stored.error();
            ++(*stored ? outcome.delivered : outcome.duplicates);
            ++inBatch;
        }
        if (auto c = tx.commit(); !c)
            return c.error();
        if (progress)
            progress(int(reader.position() * 100 / std::max<qsizetype>(1, reader.size())), 100);
    }
    qCDebug(lcApp) << "imported" << outcome.delivered << "leads from" << m_fileName << "("
                   << outcome.duplicates << "already imported," << outcome.skipped << "invalid)";
    return outcome;
}

} // namespace lb
