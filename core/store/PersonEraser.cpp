#include "PersonEraser.h"

#include "AuditLog.h"
#include "ErasureStore.h"
#include "MirrorStore.h"
#include "log/Logging.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QSet>

#include <algorithm>

namespace lb {
namespace {

// The record ids a raw lead event carries (a webhook's "data", or a polled or imported lead
// itself), so the tombstone also holds a lead the mirror never took.
QStringList idsInEvent(const QString &payload)
{
    const QJsonObject root = QJsonDocument::fromJson(payload.toUtf8()).object();
    const QJsonObject lead = root.value(QStringLiteral("data")).isObject()
        ? root.value(QStringLiteral("data")).toObject()
        : root;
    QStringList ids;
    for (const char *key : {"id", "salesforce_id"}) {
        const QJsonValue v = lead.value(QLatin1String(key));
        if (v.isString())
            ids.append(v.toString());
    }
    return ids;
}

// Scoped PRAGMA secure_delete (SQLite): the deleted rows' bytes are overwritten in the file,
// not merely unlinked from the b-tree.
class SecureDelete
{
public:
    explicit SecureDelete(Database &db)
        : m_db(db)
    {
        if (m_db.isSqlite())
            m_on = m_db.execute(QStringLiteral("PRAGMA secure_delete = ON"));
    }
    ~SecureDelete()
    {
        if (m_db.isSqlite() && m_on) {
            if (auto r = m_db.execute(QStringLiteral("PRAGMA secure_delete = OFF")); !r)
                qCWarning(lcStore) << "secure_delete stays on:" << r.error().toString();
        }
    }
    const Result<void> &on() const { return m_on; }

private:
    Database &m_db;
    Result<void> m_on;
};

} // namespace

QJsonObject ErasureCounts::toJson() const
{
    return {{QStringLiteral("email_sha256"), emailHash},
            {QStringLiteral("records"), records},
            {QStringLiteral("leads"), leads},
            {QStringLiteral("events"), events},
            {QStringLiteral("jobs"), jobs},
            {QStringLiteral("inbox_items"), inboxItems},
            {QStringLiteral("audit_details"), auditDetails},
            {QStringLiteral("reports"), reports}};
}

QString ErasureCounts::summary() const
{
    return QStringLiteral("erasure of 1 person: %1 leads, %2 events, %3 jobs, %4 inbox items, "
                          "%5 audit details, %6 reports; %7 record ids tombstoned (email "
                          "sha256 %8)")
        .arg(leads)
        .arg(events)
        .arg(jobs)
        .arg(inboxItems)
        .arg(auditDetails)
        .arg(reports)
        .arg(records)
        .arg(emailHash);
}

PersonEraser::PersonEraser(Database &db, const Clock &clock)
    : m_db(db)
    , m_clock(clock)
{ }

// Rows of `table` whose `columns` name the person. The store's first pass is a case-insensitive
// substring test (instr/strpos, never LIKE: the address may hold "%" and "_"), one pass per
// needle, every value bound; PersonMatch decides on each candidate.
Result<QList<PersonEraser::Found>> PersonEraser::find(const QString &table,
                                                      const QStringList &columns,
                                                      const QString &refColumn,
                                                      const PersonMatch &person)
{
    QStringList needles;
    for (const QString &n : person.emailNeedles())
        needles.append(n.toLower());
    for (const QString &id : person.ids())
        needles.append(id.toLower());
    needles.removeDuplicates();
    const QString test = m_db.isSqlite() ? QStringLiteral("instr(lower(%1), ?) > 0")
                                         : QStringLiteral("strpos(lower(%1), ?) > 0");
    // sql-constant: `table`, `columns` and `refColumn` are literals written by this file's
    // callers (erase() below), the test is one of two literals by dialect; needles are bound
    QStringList conditions;
    for (const QString &c : columns)
        conditions.append(test.arg(c));
    // sql-constant: built from the literals above; every needle is bound
    const QString sql = QStringLiteral("SELECT id, %1, %2 FROM %3 WHERE %4")
                            .arg(refColumn.isEmpty() ? QStringLiteral("0") : refColumn,
                                 columns.join(QStringLiteral(", ")), table,
                                 conditions.join(QStringLiteral(" OR ")));
    QMap<qint64, Found> found;
    for (const QString &needle : std::as_const(needles)) {
        QVariantList values;
        for (qsizetype i = 0; i < columns.size(); ++i)
            values << needle;
        // sql-constant: `sql` is the statement built above from this file's literals
        auto q = m_db.run(
            QStringLiteral("erase.find.%1.%2").arg(table, columns.join(QLatin1Char(','))), sql,
            values);
        if (!q)
            return q.error();
        while ((*q)->next()) {
            Found f;
            f.id = (*q)->value(0).toLongLong();
            f.ref = (*q)->value(1).toLongLong();
            for (int i = 0; i < columns.size(); ++i)
                f.texts.append((*q)->value(2 + i).toString());
            if (std::any_of(f.texts.cbegin(), f.texts.cend(),
                            [&](const QString &t) { return person.mentions(t); }))
                found.insert(f.id, f);
        }
        (*q)->finish();
    }
    return found.values();
}

Result<void> PersonEraser::execById(const QString &key, const QString &sql,
                                    const QList<qint64> &ids)
{
    for (const qint64 id : ids) {
        // sql-constant: execById() runs the literal statements erase() below writes
        auto q = m_db.run(key, sql, {id});
        if (!q)
            return q.error();
        (*q)->finish();
    }
    return {};
}

// The mirror: every lead whose address (display column or either side's state) is the person's.
// Their ids join the person's, so what follows also finds texts that name them only by id.
Result<int> PersonEraser::eraseLeads(PersonMatch &person)
{
    auto leads = find(QStringLiteral("leads"),
                      {QStringLiteral("email"), QStringLiteral("platform_state"),
                       QStringLiteral("salesforce_state"), QStringLiteral("platform_id"),
                       QStringLiteral("salesforce_id")},
                      {}, person);
    if (!leads)
        return leads.error();
    QList<qint64> rows;
    for (const Found &f : std::as_const(*leads)) {
        rows.append(f.id);
        person.addId(f.texts.at(3));
        person.addId(f.texts.at(4));
    }
    if (auto r = execById(QStringLiteral("erase.lead"),
                          QStringLiteral("DELETE FROM leads WHERE id = ?"), rows);
        !r)
        return r.error();
    if (auto r = MirrorStore::flushSearchIndex(m_db); !r)
        return r.error();
    return int(rows.size());
}

Result<int> PersonEraser::scrubEvents(const PersonMatch &person)
{
    auto events = find(QStringLiteral("inbound_events"),
                       {QStringLiteral("payload"), QStringLiteral("error")}, {}, person);
    if (!events)
        return events.error();
    QList<qint64> ids;
    for (const Found &f : std::as_const(*events))
        ids.append(f.id);
    if (auto r = ErasureStore(m_db).scrubEvents(ids, m_clock.nowMs()); !r)
        return r.error();
    return int(ids.size());
}

// Jobs (a pending one is cancelled by its deletion) and the inbox items they became; an inbox
// item names its job, so either one naming the person takes both.
Result<std::pair<int, int>> PersonEraser::deleteJobs(const PersonMatch &person)
{
    auto items = find(QStringLiteral("inbox"),
                      {QStringLiteral("record_key"), QStringLiteral("payload"),
                       QStringLiteral("error_message"), QStringLiteral("resolution")},
                      QStringLiteral("outbox_id"), person);
    if (!items)
        return items.error();
    auto jobs = find(
        QStringLiteral("outbox"),
        {QStringLiteral("record_key"), QStringLiteral("payload"), QStringLiteral("last_error")}, {},
        person);
    if (!jobs)
        return jobs.error();
    QSet<qint64> jobIds;
    for (const Found &f : std::as_const(*jobs))
        jobIds.insert(f.id);
    for (const Found &f : std::as_const(*items))
        jobIds.insert(f.ref);
    QList<qint64> sorted(jobIds.cbegin(), jobIds.cend());
    std::sort(sorted.begin(), sorted.end());
    int inboxDeleted = 0;
    for (const qint64 id : std::as_const(sorted)) {
        auto q = m_db.run(QStringLiteral("erase.inboxOfJob"),
                          QStringLiteral("DELETE FROM inbox WHERE outbox_id = ?"), {id});
        if (!q)
            return q.error();
        inboxDeleted += std::max(0, (*q)->numRowsAffected());
        (*q)->finish();
    }
    if (auto r = execById(QStringLiteral("erase.job"),
                          QStringLiteral("DELETE FROM outbox WHERE id = ?"), sorted);
        !r)
        return r.error();
    return std::pair(int(sorted.size()), inboxDeleted);
}

// Audit rows stay (what happened, when, by whom, to which record id); their detail goes.
Result<int> PersonEraser::scrubAudit(const PersonMatch &person)
{
    auto rows = find(QStringLiteral("audit_log"),
                     {QStringLiteral("entity_id"), QStringLiteral("detail")}, {}, person);
    if (!rows)
        return rows.error();
    QList<qint64> ids;
    for (const Found &f : std::as_const(*rows)) {
        if (!f.texts.at(1).isEmpty())
            ids.append(f.id);
    }
    if (auto r = execById(QStringLiteral("erase.audit"),
                          QStringLiteral("UPDATE audit_log SET detail = NULL WHERE id = ?"), ids);
        !r)
        return r.error();
    return int(ids.size());
}

// Reconcile reports keep their counts; the samples that name the person go.
Result<int> PersonEraser::scrubReports(const PersonMatch &person)
{
    auto reports = find(QStringLiteral("reconcile_reports"),
                        {QStringLiteral("samples"), QStringLiteral("error")}, {}, person);
    if (!reports)
        return reports.error();
    for (const Found &f : std::as_const(*reports)) {
        QJsonArray kept;
        for (const QJsonValue &sample : QJsonDocument::fromJson(f.texts.at(0).toUtf8()).array()) {
            if (!person.mentions(sample))
                kept.append(sample);
        }
        const QVariant samples = f.texts.at(0).isEmpty()
            ? QVariant(QMetaType::fromType<QString>())
            : QVariant(QString::fromUtf8(QJsonDocument(kept).toJson(QJsonDocument::Compact)));
        const QVariant error = person.mentions(f.texts.at(1))
            ? QVariant(QMetaType::fromType<QString>())
            : QVariant(f.texts.at(1).isEmpty() ? QVariant(QMetaType::fromType<QString>())
                                               : QVariant(f.texts.at(1)));
        auto q = m_db.run(QStringLiteral("erase.report"),
                          QStringLiteral("UPDATE reconcile_reports SET samples = ?, error = ? "
                                         "WHERE id = ?"),
                          {samples, error, f.id});
        if (!q)
            return q.error();
        (*q)->finish();
    }
    return int(reports->size());
}

Result<ErasureCounts> PersonEraser::forget(const QString &email, const QString &actor)
{
    auto person = PersonMatch::forEmail(email);
    if (!person)
        return person.error();
    SecureDelete secure(m_db);
    if (!secure.on())
        return secure.on().error();
    ErasureCounts counts;
    counts.emailHash = person->emailHash();
    {
        Transaction tx(m_db);
        if (!tx.started())
            return tx.started().error();
        auto leads = eraseLeads(*person);
        if (!leads)
            return leads.error();
        counts.leads = *leads;
        // Events may name a lead the mirror never took (not processed yet, or refused): their
        // ids join the tombstone too.
        auto raw = find(QStringLiteral("inbound_events"), {QStringLiteral("payload")}, {}, *person);
        if (!raw)
            return raw.error();
        for (const Found &f : std::as_const(*raw)) {
            for (const QString &id : idsInEvent(f.texts.at(0)))
                person->addId(id);
        }
        auto events = scrubEvents(*person);
        if (!events)
            return events.error();
        counts.events = *events;
        auto jobs = deleteJobs(*person);
        if (!jobs)
            return jobs.error();
        counts.jobs = jobs->first;
        counts.inboxItems = jobs->second;
        auto audit = scrubAudit(*person);
        if (!audit)
            return audit.error();
        counts.auditDetails = *audit;
        auto reports = scrubReports(*person);
        if (!reports)
            return reports.error();
        counts.reports = *reports;
        counts.records = int(person->ids().size());

        auto id = ErasureStore(m_db).record(m_clock.nowMs(), counts.emailHash, person->ids(), actor,
                                            counts.toJson());
        if (!id)
            return id.error();
        counts.erasureId = *id;
        if (auto r = AuditLog(m_db, m_clock)
                         .append(QStringLiteral("erasure"), QString::number(*id),
                                 QStringLiteral("erased"), actor, counts.toJson());
            !r)
            return r.error();
        if (auto c = tx.commit(); !c)
            return c.error();
    }
    if (counts.leads > 0)
        compactSearchIndex();
    qCInfo(lcStore).noquote() << counts.summary();
    return counts;
}

// SQLite's text search index only marks a deleted row's terms deleted until its segments are
// merged; merging them all now drops the person's trigrams from the file. Best effort: the
// erasure is done and committed whatever this answers.
void PersonEraser::compactSearchIndex()
{
    if (!m_db.isSqlite())
        return;
    if (auto r
        = m_db.execute(QStringLiteral("INSERT INTO leads_fts (leads_fts) VALUES ('optimize')"));
        !r)
        qCWarning(lcStore) << "the leads' text index keeps merged-out terms until its next merge:"
                           << r.error().toString();
}

} // namespace lb
