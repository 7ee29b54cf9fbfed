#include "SampleData.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace lb::sandbox {
namespace {

const char *const FirstNames[]
    = {"Ann",   "Bob",     "Chloé", "Dmitri", "Eva",  "Farah", "Gus",   "Hiro",  "Ines",
       "Jamal", "Kerstin", "Luis",  "Maya",   "Noah", "Olu",   "Priya", "Quinn", "Rosa"};
const char *const LastNames[]
    = {"Smith",  "Jones", "Garcia", "Nguyen",  "Okafor", "Schmidt", "Rossi", "Kowalski",
       "Tanaka", "Silva", "Murphy", "O'Brien", "Novak",  "Haddad",  "Larsen"};
const char *const Companies[]
    = {"Acme Roofing",     "Blue Harbor Realty", "Cedar & Pine Homes", "Delta Insurance",
       "Evergreen Solar",  "Fairway Mortgage",   "Granite Kitchens",   "Harbor View Dental",
       "Ironwood Windows", "Juniper Health"};
const char *const Statuses[] = {"new", "new", "new", "working", "working", "won", "lost"};
const char *const Sources[] = {"web", "web", "phone", "partner", "list", "other"};

template<typename T, size_t N> const char *pick(const T (&list)[N], int i)
{
    return list[size_t(i) % N];
}

QString syncState(int i)
{
    if (i % 50 == 7)
        return QStringLiteral("error");
    if (i % 12 == 5)
        return QStringLiteral("pending");
    return QStringLiteral("synced");
}

} // namespace

QJsonObject SampleData::lead(int i, qint64 updatedAtMs)
{
    const QString first = QString::fromUtf8(pick(FirstNames, i * 7 + 3));
    const QString last = QString::fromUtf8(pick(LastNames, i))
        + (i >= 1000 ? QString::number(i % 997) : QString());
    QString emailName = first.toLower() + u'.' + last.toLower();
    emailName.remove(u'\'');
    emailName.replace(QChar(0xe9), u'e');
    return {{QStringLiteral("id"), QStringLiteral("L-%1").arg(i, 7, 10, QLatin1Char('0'))},
            {QStringLiteral("first_name"), first},
            {QStringLiteral("last_name"), last},
            {QStringLiteral("company"), QString::fromUtf8(pick(Companies, i / 3))},
            {QStringLiteral("email"),
             QString(emailName + QStringLiteral("@example%1.com").arg(i % 40))},
            {QStringLiteral("phone"),
             QStringLiteral("+1555%1").arg(i % 10'000'000, 7, 10, QLatin1Char('0'))},
            {QStringLiteral("status"), QString::fromUtf8(pick(Statuses, i / 2))},
            {QStringLiteral("source"), QString::fromUtf8(pick(Sources, i / 5))},
            {QStringLiteral("score"), (i * 37) % 101},
            {QStringLiteral("value"), double((i * 7919) % 90'000) + 0.5},
            {QStringLiteral("agent_id"),
             i % 9 == 0
                 ? QJsonValue(QJsonValue::Null)
                 : QJsonValue(QStringLiteral("A-%1").arg(i % 24 + 1, 4, 10, QLatin1Char('0')))},
            {QStringLiteral("eligible"), i % 4 != 0},
            {QStringLiteral("updated_at"),
             QDateTime::fromMSecsSinceEpoch(updatedAtMs, Qt::UTC).toString(Qt::ISODateWithMs)},
            {QStringLiteral("version"), 1 + i % 5}};
}

Result<void> SampleData::insertLeads(Store &store, int first, int count, qint64 nowMs)
{
    Database &db = store.database();
    constexpr int Columns = 18;
    constexpr int RowsPerTransaction = 20'000;
    for (int start = 0; start < count; start += RowsPerTransaction) {
        Transaction tx(db);
        if (!tx.started())
            return tx.started().error();
        const int end = std::min(count, start + RowsPerTransaction);
        for (int batch = start; batch < end; batch += Database::MaxRowsPerStatement) {
            const int rows = std::min(Database::MaxRowsPerStatement, end - batch);
            QVariantList values;
            values.reserve(rows * Columns);
            for (int r = 0; r < rows; ++r) {
                const int i = first + batch + r;
                const qint64 updated = nowMs - qint64(count - batch - r) * 1'000;
                const QJsonObject l = lead(i, updated);
                const QString state = syncState(i);
                values << l.value(QStringLiteral("id")).toString()
                       << (state == QLatin1String("synced")
                               ? QVariant(QStringLiteral("00Q%1").arg(i, 15, 10, QLatin1Char('0')))
                               : QVariant(QMetaType::fromType<QString>()))
                       << l.value(QStringLiteral("first_name")).toString()
                       << l.value(QStringLiteral("last_name")).toString()
                       << l.value(QStringLiteral("company")).toString()
                       << l.value(QStringLiteral("email")).toString()
                       << l.value(QStringLiteral("phone")).toString()
                       << l.value(QStringLiteral("status")).toString()
                       << l.value(QStringLiteral("source")).toString()
                       << l.value(QStringLiteral("score")).toInt()
                       << l.value(QStringLiteral("value")).toDouble()
                       << (l.value(QStringLiteral("agent_id")).isNull()
                               ? QVariant(QMetaType::fromType<QString>())
                               : QVariant(l.value(QStringLiteral("agent_id")).toString()))
                       << (l.value(QStringLiteral("eligible")).toBool() ? 1 : 0) << state
                       << (state == QLatin1String("synced")
                               ? QVariant(updated + 800)
                               : QVariant(QMetaType::fromType<qlonglong>()))
                       << (state == QLatin1String("error")
                               ? QVariant(QStringLiteral("INVALID_EMAIL_ADDRESS: Email: invalid "
                                                         "email address"))
                               : QVariant(QMetaType::fromType<QString>()))
                       << updated;
                // What MirrorStore keeps as the platform state (no volatile fields).
                QJsonObject platformState = l;
                platformState.remove(QStringLiteral("updated_at"));
                platformState.remove(QStringLiteral("version"));
                values << QString::fromUtf8(
                    QJsonDocument(platformState).toJson(QJsonDocument::Compact));
            }
            auto q = db.run(
                QStringLiteral("sample.leads.%1").arg(rows),
                QStringLiteral("INSERT INTO leads (platform_id, salesforce_id, first_name, "
                               "last_name, company, email, phone, status, source, score, "
                               "estimated_value, agent_id, eligible, sync_state, last_synced_at, "
                               "last_error, updated_at, platform_state) VALUES ")
                    + Database::rowPlaceholders(rows, Columns),
                values);
            if (!q)
                return q.error();
        }
        // Written past MirrorStore, so the text search index is brought up to date here.
        if (auto f = MirrorStore::flushSearchIndex(db); !f)
            return f;
        if (auto c = tx.commit(); !c)
            return c;
    }
    return {};
}

Result<qint64> SampleData::failToInbox(Store &store, const NewJob &job, const QString &errorClass,
                                       const QString &code, const QString &message)
{
    if (auto e = store.outbox().enqueue({job}, QStringLiteral("sample")); !e)
        return e.error();
    const QString worker = QStringLiteral("sample-worker");
    // Claim until this job comes up (others may be due first).
    for (int round = 0; round < 100; ++round) {
        auto claimed = store.outbox().claim(worker, 200, 60'000);
        if (!claimed)
            return claimed.error();
        qint64 mine = 0;
        QList<qint64> others;
        for (const OutboxJob &j : *claimed) {
            if (j.idempotencyKey == job.idempotencyKey)
                mine = j.id;
            else
                others.append(j.id);
        }
        for (qint64 other : others) {
            if (auto r = store.outbox().failTransient(other, worker, store.clock().nowMs(),
                                                      QString(), QString());
                !r)
                return r.error();
        }
        if (mine) {
            if (auto r = store.outbox().failPermanent(mine, worker, errorClass, code, message); !r)
                return r.error();
            return mine;
        }
        if (claimed->isEmpty())
            break;
    }
    return makeError(QStringLiteral("sample"), QStringLiteral("job never came up for claiming"));
}

Result<void> SampleData::seedConsole(Store &store, ManualClock &clock, int leads)
{
    const qint64 now = clock.nowMs();
    if (auto r = insertLeads(store, 1, leads, now); !r)
        return r;

    // API usage over the last 24 hours, a sample every 10 minutes.
    const qint64 day = 24 * 3600 * 1000LL;
    for (qint64 t = now - day; t <= now; t += 10 * 60'000) {
        const double share = double(t - (now - day)) / double(day);
        ApiLimits sf;
        sf.system = QStringLiteral("salesforce");
        sf.used = qint64(2'000 + share * 11'200);
        sf.max = 15'000;
        sf.observedAt = t;
        sf.counters.insert(QStringLiteral("DailyBulkApiBatches"),
                           {qint64(40 + share * 900), 15'000});
        ApiLimits platform;
        platform.system = QStringLiteral("platform");
        platform.max = 600;
        platform.used = qint64(120 + 380 * ((t / (10 * 60'000)) % 7) / 7);
        platform.observedAt = t;
        for (const ApiLimits &l : {sf, platform}) {
            if (auto r = store.apiUsage().record(l, 0); !r)
                return r;
        }
    }

    // Failures of every kind in the inbox, each with its history.
    struct Failure
    {
        int lead;
        const char *errorClass;
        const char *code;
        const char *message;
    };
    const Failure failures[] = {
        {7, "permanent", "INVALID_EMAIL_ADDRESS", "Email: invalid email address: ann@@example"},
        {57, "validation", "REQUIRED_FIELD_MISSING", "Required fields are missing: [LastName]"},
        {107, "exhausted", "UNABLE_TO_LOCK_ROW",
         "unable to obtain exclusive access to this "
         "record or 1 records: 00Q000000000000107"},
        {157, "permanent", "STRING_TOO_LONG",
         "Company: data value too large: Cedar & Pine Homes of the Greater Metropolitan Area "
         "(max length=255)"},
        {207, "exhausted", "SERVER_UNAVAILABLE", "503 Service Unavailable after 8 attempts"},
    };
    for (const Failure &f : failures) {
        clock.advanceMs(-60'000);
        const QJsonObject l = lead(f.lead, now);
        NewJob job;
        job.kind = QStringLiteral("sf.lead.upsert");
        job.target = JobTarget::Salesforce;
        job.recordKey = QStringLiteral("lead:") + l.value(QStringLiteral("id")).toString();
        job.idempotencyKey = QStringLiteral("sample:%1").arg(f.lead);
        job.payload = QJsonDocument(QJsonObject {{QStringLiteral("platform_id"),
                                                  l.value(QStringLiteral("id"))},
                                                 {QStringLiteral("version"), 3}})
                          .toJson(QJsonDocument::Compact);
        auto r = failToInbox(store, job, QString::fromUtf8(f.errorClass), QString::fromUtf8(f.code),
                             QString::fromUtf8(f.message));
        if (!r)
            return r.error();
    }
    clock.setNowMs(now);

    // The queue: due, backing off and in flight.
    QList<NewJob> jobs;
    for (int i = 0; i < 40; ++i) {
        NewJob j;
        const bool toPlatform = i % 3 == 0;
        j.kind
            = toPlatform ? QStringLiteral("platform.lead.put") : QStringLiteral("sf.lead.upsert");
        j.target = toPlatform ? JobTarget::Platform : JobTarget::Salesforce;
        j.recordKey = QStringLiteral("lead:L-%1").arg(300 + i, 7, 10, QLatin1Char('0'));
        j.idempotencyKey = QStringLiteral("queue:%1").arg(i);
        j.payload = QByteArrayLiteral("{\"platform_id\":\"L\"}");
        j.priority = i % 10 == 0 ? 10 : 0;
        j.notBefore = now + (i % 4) * 45'000;
        jobs.append(j);
    }
    if (auto r = store.outbox().enqueue(jobs, QStringLiteral("sample")); !r)
        return r.error();
    clock.advanceMs(4 * 45'000);
    auto claimed = store.outbox().claim(QStringLiteral("worker-1"), 6, 300'000);
    clock.setNowMs(now);
    if (!claimed)
        return claimed.error();
    for (int i = 0; i < 2 && i < claimed->size(); ++i) {
        if (auto r = store.outbox().failTransient(
                claimed->at(i).id, QStringLiteral("worker-1"), now + 90'000,
                QStringLiteral("REQUEST_LIMIT_EXCEEDED"),
                QStringLiteral("TotalRequests Limit exceeded; retrying with backoff"));
            !r)
            return r.error();
    }

    auto report = store.database().run(
        QStringLiteral("sample.reconcile"),
        QStringLiteral("INSERT INTO reconcile_reports (started_at, finished_at, trigger_kind, "
                       "leads_compared, agents_compared, missing_in_salesforce, "
                       "missing_on_platform, differing, enqueued, samples) "
                       "VALUES (?, ?, 'schedule', ?, 24, 3, 1, 5, 9, ?)"),
        {now - 3'600'000, now - 3'540'000, leads,
         QStringLiteral("[{\"kind\":\"missing_in_salesforce\",\"key\":\"L-0000042\"}]")});
    if (!report)
        return report.error();
    return {};
}

} // namespace lb::sandbox
