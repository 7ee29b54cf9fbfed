#pragma once

#include "Record.h"
#include "RecordInput.h"
#include "SaveResult.h"

namespace lb {
class Clock;
}

namespace lb::sandbox {

class FaultInjector;
class OrgData;
class OrgSchema;
class RecordTable;

// Who writes: the session's user and the Sforce-Call-Options client.
struct WriteContext
{
    QString userId;
    QString client;
    // Seeding and state loading: no faults, no write log, system fields (Id, CreatedDate,
    // SystemModstamp, ...) may be given.
    bool seeding = false;
    // Draw UNABLE_TO_LOCK_ROW faults (API writes); in-process writes of the C++ API do not.
    bool faults = true;
    // The API and version for CDC's changeOrigin ("rest/62.0"); empty for the writes of the
    // C++ API and the admin endpoint, which play a user in the Salesforce UI.
    QString api {};
};

// Every record write of the org goes through here: per-record validation with Salesforce's
// error codes and messages, system fields, indexes, the undo journal and the write log.
class DmlEngine
{
public:
    DmlEngine(const OrgSchema &schema, OrgData &data, FaultInjector &faults, const Clock &clock);

    SaveResult insert(const ObjectDef &object, const RecordInput &input, const WriteContext &ctx);
    SaveResult update(const ObjectDef &object, const QString &id, const RecordInput &input,
                      const WriteContext &ctx);
    // By an external-id field (or "Id"): 0 matches insert, 1 updates, more -> matchingIds.
    SaveResult upsert(const ObjectDef &object, int keyFieldIndex, const QString &keyValue,
                      const RecordInput &input, const WriteContext &ctx, bool updateOnly = false);
    SaveResult remove(const ObjectDef &object, const QString &id, const WriteContext &ctx);
    // What the Recycle Bin's "Undelete" does (a UI user; the REST API has no undelete).
    // UNDELETE_FAILED when the record is not deleted, DUPLICATE_VALUE when a live record took
    // its unique external id meanwhile.
    SaveResult undelete(const ObjectDef &object, const QString &id, const WriteContext &ctx);
    // Sets fields that only the org itself writes (a merge's MasterRecordId, a conversion's
    // fields), with the system fields any change brings; `thenDelete` soft-deletes the record
    // in the same write (a merge's losers). Logged as "update", or "delete" with thenDelete.
    SaveResult systemWrite(const ObjectDef &object, const QString &id,
                           const QList<std::pair<int, QJsonValue>> &values, bool thenDelete,
                           const WriteContext &ctx);
    SaveResult publish(const ObjectDef &event, const RecordInput &input, const WriteContext &ctx);

    // MALFORMED_ID as Salesforce words it for a record id.
    static SfError malformedId(const QString &id);

private:
    struct Located
    {
        RecordTable *table = nullptr;
        int row = -1;
        std::optional<SfError> error;
    };
    Located locate(const ObjectDef &object, const QString &id) const;
    // Replaces the located row by `next` with fresh LastModified/SystemModstamp values, and
    // journals and logs the write.
    SaveResult commitChange(const ObjectDef &object, const Located &loc, Record next,
                            const QString &operation, QStringList changed, const WriteContext &ctx);
    SaveResult save(const ObjectDef &object, RecordTable *table, int row, const RecordInput &input,
                    const WriteContext &ctx);
    std::optional<SfError> resolveRelationships(const ObjectDef &object, const RecordInput &input,
                                                QList<QJsonValue> &values,
                                                QStringList *written) const;
    std::optional<SfError> checkReference(const FieldDef &field, QJsonValue &value) const;
    std::optional<SfError> checkUnique(const ObjectDef &object, const RecordTable &table,
                                       int selfRow, const QList<QJsonValue> &values) const;
    void log(const ObjectDef &object, const Record &record, const QString &operation,
             QStringList fields, QStringList changed, const WriteContext &ctx, qint64 nowMs);
    void stageChangeEvent(const ObjectDef &object, const Record &record, const QString &operation,
                          const QStringList &changed, const WriteContext &ctx, qint64 nowMs);

    const OrgSchema &m_schema;
    OrgData &m_data;
    FaultInjector &m_faults;
    const Clock &m_clock;
};

} // namespace lb::sandbox
