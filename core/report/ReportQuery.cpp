#include "ReportQuery.h"

#include "store/Store.h"

#include <climits>

namespace lb {
namespace {

enum class Type { Text, Int, Real, Bool, Time };

struct Field
{
    const char *sql;
    const char *title;
    Type type = Type::Text;
    int printWeight = 1;
};

struct Spec
{
    const char *table;
    const char *timeColumn;
    QList<Field> fields;
    bool apiShare = false; // append used/max as a share
    const char *where = nullptr; // a fixed condition on the rows (no values from outside)
};

Spec specFor(ReportKind kind)
{
    switch (kind) {
    case ReportKind::Leads:
        return {"leads",
                "updated_at",
                {{"platform_id", "Platform ID", Type::Text, 3},
                 {"salesforce_id", "Salesforce ID", Type::Text, 4},
                 {"first_name", "First name", Type::Text, 3},
                 {"last_name", "Last name", Type::Text, 3},
                 {"company", "Company", Type::Text, 4},
                 {"email", "Email", Type::Text, 5},
                 {"phone", "Phone", Type::Text, 3},
                 {"status", "Status", Type::Text, 2},
                 {"source", "Source", Type::Text, 2},
                 {"score", "Score", Type::Int, 1},
                 {"estimated_value", "Value", Type::Real, 2},
                 {"agent_id", "Agent", Type::Text, 2},
                 {"eligible", "Eligible", Type::Bool, 1},
                 {"sync_state", "Sync state", Type::Text, 2},
                 {"last_synced_at", "Last synced", Type::Time, 5},
                 {"last_error", "Last error", Type::Text, 0},
                 {"updated_at", "Updated", Type::Time, 5}}};
    case ReportKind::History:
        return {"audit_log",
                "at",
                {{"at", "Time", Type::Time, 5},
                 {"actor", "By", Type::Text, 3},
                 {"entity", "Entity", Type::Text, 2},
                 {"entity_id", "Entity ID", Type::Text, 2},
                 {"action", "Action", Type::Text, 3},
                 {"detail", "Detail", Type::Text, 8}}};
    case ReportKind::Errors:
        return {"inbox",
                "last_failed_at",
                {{"id", "ID", Type::Int, 1},
                 {"record_key", "Record", Type::Text, 4},
                 {"kind", "Job", Type::Text, 4},
                 {"target", "Target", Type::Text, 0},
                 {"error_class", "Class", Type::Text, 3},
                 {"error_code", "Code", Type::Text, 7},
                 {"error_message", "Message", Type::Text, 10},
                 {"attempts", "Attempts", Type::Int, 3},
                 {"failures", "Failures", Type::Int, 3},
                 {"first_failed_at", "First failure", Type::Time, 5},
                 {"last_failed_at", "Last failure", Type::Time, 5},
                 {"state", "State", Type::Text, 2},
                 {"resolution", "Resolution", Type::Text, 3},
                 {"resolved_by", "Resolved by", Type::Text, 0},
                 {"resolved_at", "Resolved at", Type::Time, 0},
                 {"payload", "Payload", Type::Text, 0}}};
    case ReportKind::ApiUsage:
        return {"api_usage",
                "at",
                {{"at", "Time", Type::Time, 5},
                 {"system", "System", Type::Text, 2},
                 {"metric", "Metric", Type::Text, 4},
                 {"used", "Used", Type::Int, 2},
                 {"max_value", "Limit", Type::Int, 2}},
                true};
    case ReportKind::Reconcile:
        return {"reconcile_reports",
                "started_at",
                {{"started_at", "Started", Type::Time, 5},
                 {"finished_at", "Finished", Type::Time, 5},
                 {"trigger_kind", "Trigger", Type::Text, 2},
                 {"leads_compared", "Leads compared", Type::Int, 2},
                 {"agents_compared", "Agents compared", Type::Int, 2},
                 {"missing_in_salesforce", "Missing in Salesforce", Type::Int, 2},
                 {"missing_on_platform", "Missing on platform", Type::Int, 2},
                 {"differing", "Differing", Type::Int, 2},
                 {"enqueued", "Enqueued", Type::Int, 2},
                 {"error", "Error", Type::Text, 4},
                 {"samples", "Samples", Type::Text, 0}}};
    case ReportKind::Deliveries:
        // Each event a destination was sent or still waits for, with its lane's outcome.
        return {"outbox",
                "updated_at",
                {{"updated_at", "Time", Type::Time, 5},
                 {"target", "Destination", Type::Text, 4},
                 {"record_key", "Record", Type::Text, 4},
                 {"state", "State", Type::Text, 2},
                 {"attempts", "Attempts", Type::Int, 2},
                 {"last_error_code", "Last error", Type::Text, 3},
                 {"created_at", "Decided", Type::Time, 5},
                 {"idempotency_key", "Key", Type::Text, 0}},
                false,
                "substr(target, 1, 12) = 'destination:'"};
    }
    return {};
}

QVariant convert(const QVariant &v, Type type)
{
    if (v.isNull())
        return QVariant();
    switch (type) {
    case Type::Text:
        return v.toString();
    case Type::Int:
        return v.toLongLong();
    case Type::Real:
        return v.toDouble();
    case Type::Bool:
        return v.toLongLong() != 0;
    case Type::Time:
        return v.toLongLong() > 0 ? QVariant(ReportRequest::formatTime(v.toLongLong()))
                                  : QVariant();
    }
    return v;
}

} // namespace

QList<ReportColumn> ReportQuery::columns(ReportKind kind)
{
    const Spec spec = specFor(kind);
    QList<ReportColumn> out;
    for (const Field &f : spec.fields)
        out.append({QString::fromLatin1(f.sql), QString::fromLatin1(f.title), f.printWeight});
    if (spec.apiShare)
        out.append({QStringLiteral("share"), QStringLiteral("Share"), 2});
    return out;
}

Result<qint64> ReportQuery::run(Store &store, const ReportRequest &request, ReportSink &sink,
                                const Progress &progress, const std::atomic_bool *cancel)
{
    Database &db = store.database();
    const Spec spec = specFor(request.kind);
    const QString table = QLatin1String(spec.table);
    const QString time = QLatin1String(spec.timeColumn);
    const qint64 since = request.sinceMs;
    const qint64 until = request.untilMs > 0 ? request.untilMs : LLONG_MAX;
    // Rows without a time (never synced, say) belong to "from the beginning".
    QString range = since > 0 ? QStringLiteral("%1 >= ? AND %1 < ?").arg(time)
                              : QStringLiteral("(%1 IS NULL OR %1 < ?)").arg(time);
    if (spec.where)
        range = QStringLiteral("(%1) AND ").arg(QLatin1String(spec.where)) + range;
    const QVariantList rangeValues = since > 0 ? QVariantList {since, until} : QVariantList {until};

    // sql-constant: table and time column come from the fixed report specs (specFor), the range
    // from the literals above; the times are bound
    auto counted
        = db.run(QStringLiteral("report.count.%1.%2").arg(table).arg(since > 0),
                 QStringLiteral("SELECT COUNT(*) FROM %1 WHERE %2").arg(table, range), rangeValues);
    if (!counted)
        return counted.error();
    const qint64 total = (*counted)->next() ? (*counted)->value(0).toLongLong() : 0;
    (*counted)->finish();

    ReportInfo info;
    info.kind = request.kind;
    info.title = ReportRequest::kindTitle(request.kind);
    info.sinceMs = request.sinceMs;
    info.untilMs = request.untilMs;
    info.generatedAt = store.clock().nowMs();
    info.expectedRows = total;
    if (auto r = sink.begin(info, columns(request.kind)); !r)
        return r.error();
    if (progress)
        progress(0, total);

    QStringList select {QStringLiteral("id")};
    for (const Field &f : spec.fields)
        select.append(QLatin1String(f.sql));
    // sql-constant: the columns and table come from the fixed report specs (specFor), the range
    // from the literals above; every value is bound
    const QString sql = QStringLiteral("SELECT %1 FROM %2 WHERE %3 AND id > ? ORDER BY id LIMIT ?")
                            .arg(select.join(QStringLiteral(", ")), table, range);
    const QString key = QStringLiteral("report.rows.%1.%2").arg(table).arg(since > 0);
    qint64 done = 0;
    qint64 after = 0;
    for (;;) {
        if (cancel && cancel->load())
            return makeError(QStringLiteral("cancelled"),
                             QStringLiteral("The export was cancelled."));
        QVariantList values = rangeValues;
        values << after << BatchSize;
        auto q = db.run(key, sql, values);
        if (!q)
            return q.error();
        QList<QVariantList> batch;
        while ((*q)->next()) {
            after = (*q)->value(0).toLongLong();
            QVariantList row;
            row.reserve(spec.fields.size() + 1);
            for (int i = 0; i < spec.fields.size(); ++i)
                row.append(convert((*q)->value(i + 1), spec.fields.at(i).type));
            if (spec.apiShare) {
                const qint64 used = row.at(3).toLongLong();
                const qint64 max = row.at(4).toLongLong();
                row.append(max > 0 && !row.at(3).isNull() ? QVariant(double(used) / double(max))
                                                          : QVariant());
            }
            batch.append(std::move(row));
        }
        (*q)->finish();
        // Written after the statement is done, so a slow writer holds no read transaction.
        for (const QVariantList &row : std::as_const(batch)) {
            if (auto r = sink.row(row); !r)
                return r.error();
        }
        done += batch.size();
        if (progress)
            progress(done, std::max(total, done));
        if (batch.size() < BatchSize)
            break;
    }
    if (auto r = sink.finish(); !r)
        return r.error();
    return done;
}

} // namespace lb
