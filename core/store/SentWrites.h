#pragma once

#include "Database.h"
#include "model/OutboxJob.h"

#include <QHash>
#include <QSet>

namespace lb {

// What a Salesforce lead write carried, kept on its outbox jobs before the call (issue 19,
// crash safety): the mirror hash of the state it was planned to leave in Salesforce, in the
// job's payload ("sent", the last few sends). A write whose answer is lost (the process
// killed on the wire, a bulk job collected after a restart and planned differently now) is
// not recorded in the mirror; when a poll or the check before a resend reads it back, that
// hash tells our own write from a Salesforce user's change, so its SystemModstamp (its
// landing's, maybe after a platform edit taken in meanwhile) does not make Salesforce's older
// values "the latest".
class SentWrites
{
public:
    explicit SentWrites(Database &db);

    static constexpr int Kept = 4; // sends remembered per job

    // Before the call: each of `jobs` (claimed by `workerId`) notes the hash of the write it
    // carries. Jobs no longer claimed by it are left as they are.
    Result<void> note(const QList<OutboxJob> &jobs, const QHash<qint64, QByteArray> &hashOf,
                      const QString &workerId);

    // The hashes of the writes sent for the jobs of `kind` on `recordKeys` whose outcome is not
    // recorded (pending or claimed again, or superseded by a newer job meanwhile), by record key.
    Result<QHash<QString, QSet<QByteArray>>> unrecorded(const QString &kind,
                                                        const QStringList &recordKeys);

    // The keys among `recordKeys` whose write of `kind` was sent and then superseded before its
    // outcome was recorded (the worker died, its lease ran out, a newer job took its place),
    // with no later job of the record done since: that write may have landed, so the newer job
    // checks Salesforce first, as its predecessor's resend would have.
    Result<QSet<QString>> supersededUnsettled(const QString &kind, const QStringList &recordKeys);

private:
    Database &m_db;
};

} // namespace lb
