#pragma once

#include "Database.h"

#include <QJsonObject>
#include <QSet>

namespace lb {

// The tombstones erasure leaves (issue 19): a row per erasure in `erasures` (when, who, the hash
// of the normalised email, the counts) and a row per record id the person had in
// `erased_records`. The intake asks lookup() which of the records it is about to take name an
// erased person, and drops them: no replayed webhook, stream message, poll page or reconcile
// brings them back.
class ErasureStore
{
public:
    explicit ErasureStore(Database &db);

    // What lookup() found among the ids and emails it was asked about.
    struct Erased
    {
        QSet<QString> ids;
        QSet<QString> emailHashes;

        bool isEmpty() const { return ids.isEmpty() && emailHashes.isEmpty(); }
        // Whether a record with these ids and this email (raw, any case) is an erased person's.
        bool names(const QStringList &recordIds, const QString &email) const;
    };
    // One indexed look-up per 100 keys, and none at all while nobody was ever erased.
    Result<Erased> lookup(const QStringList &recordIds, const QStringList &emails);

    // Records an erasure and its record ids; returns the erasure's id.
    Result<qint64> record(qint64 at, const QString &emailHash, const QStringList &recordIds,
                          const QString &actor, const QJsonObject &counts);

    // An inbound event the intake dropped for an erased person: its body goes, its id stays (a
    // redelivery of the same event is then stored once, as before, and never read).
    Result<void> scrubEvents(const QList<qint64> &ids, qint64 at);

    Result<qint64> count();

private:
    Database &m_db;
};

} // namespace lb
