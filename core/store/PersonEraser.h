#pragma once

#include "Database.h"
#include "PersonMatch.h"
#include "util/Clock.h"

#include <QJsonObject>

namespace lb {

// What one erasure removed, by count (never by content): what the audit log and the admin see.
struct ErasureCounts
{
    qint64 erasureId = 0;
    QString emailHash; // PersonMatch::hashOf: the tombstone's key
    int records = 0; // record ids the tombstone holds
    int leads = 0; // mirror rows deleted
    int events = 0; // inbound events whose body was removed
    int jobs = 0; // outbox jobs deleted (pending ones are cancelled with them)
    int inboxItems = 0;
    int auditDetails = 0; // audit rows whose detail was removed (the rows stay)
    int reports = 0; // stored reconcile reports that named the person

    QJsonObject toJson() const;
    // "erasure of 1 person: 3 leads, 12 events, ..." with the hash.
    QString summary() const;
};

// Forgets one person (issue 19): everything the store holds about whoever has an email address,
// in one transaction. The mirror's leads with that address (any case, on either side) are
// deleted; every stored text that names the address or one of their record ids loses it: raw
// inbound events (webhook bodies, poll pages, import rows), outbox payloads and the inbox items
// they became, audit details, reconcile report samples. A tombstone keyed on the hash of the
// address and on the record ids stays (ErasureStore), and the erasure itself is audited with
// counts and the hash only. Salesforce and the platform are not written: see
// docs/RELIABILITY.md, "Erasure and retention".
//
// The tables and columns searched are listed in one place (PersonEraser.cpp); a table that
// stores lead data must be added there (the erasure test scans every table of the store).
class PersonEraser
{
public:
    PersonEraser(Database &db, const Clock &clock);

    Result<ErasureCounts> forget(const QString &email, const QString &actor);

private:
    struct Found
    {
        qint64 id = 0;
        qint64 ref = 0; // inbox: its outbox job
        QStringList texts;
    };
    Result<QList<Found>> find(const QString &table, const QStringList &columns,
                              const QString &refColumn, const PersonMatch &person);
    Result<int> eraseLeads(PersonMatch &person);
    Result<int> scrubEvents(const PersonMatch &person);
    Result<std::pair<int, int>> deleteJobs(const PersonMatch &person);
    Result<int> scrubAudit(const PersonMatch &person);
    Result<int> scrubReports(const PersonMatch &person);
    Result<void> execById(const QString &key, const QString &sql, const QList<qint64> &ids);
    void compactSearchIndex();

    Database &m_db;
    const Clock &m_clock;
};

} // namespace lb
