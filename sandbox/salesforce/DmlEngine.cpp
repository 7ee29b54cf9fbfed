#include "DmlEngine.h"

#include "FaultInjector.h"
#include "FieldValidator.h"
#include "OrgData.h"
#include "SfDateTime.h"
#include "ValidationRules.h"
#include "salesforce/SalesforceId.h"
#include "util/Clock.h"

#include <QUuid>

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

namespace {

SfError notFound()
{
    return SfError::withFields(u"NOT_FOUND"_s, u"The requested resource does not exist"_s);
}

QList<QJsonValue> defaults(const ObjectDef &object)
{
    QList<QJsonValue> values;
    values.reserve(object.fieldCount());
    for (const FieldDef &f : object.fields()) {
        if (!f.defaultValue.isUndefined() && !f.defaultValue.isNull())
            values.append(f.defaultValue);
        else
            values.append(f.type == FieldType::Boolean ? QJsonValue(false) : QJsonValue());
    }
    return values;
}

void computeFormulaFields(const ObjectDef &object, QList<QJsonValue> &values)
{
    if (object.name() != "Lead"_L1)
        return;
    const int name = object.indexOf(u"Name");
    const QString first = values[object.indexOf(u"FirstName")].toString();
    const QString last = values[object.indexOf(u"LastName")].toString();
    const QString full = QString(first + u' ' + last).trimmed();
    values[name] = full.isEmpty() ? QJsonValue() : QJsonValue(full);
}

bool isLead(const ObjectDef &object)
{
    return object.name() == "Lead"_L1;
}

} // namespace

DmlEngine::DmlEngine(const OrgSchema &schema, OrgData &data, FaultInjector &faults,
                     const Clock &clock)
    : m_schema(schema)
    , m_data(data)
    , m_faults(faults)
    , m_clock(clock)
{ }

SfError DmlEngine::malformedId(const QString &id)
{
    return SfError::withFields(u"MALFORMED_ID"_s, u"Record ID: id value of incorrect type: "_s + id,
                               {u"Id"_s});
}

DmlEngine::Located DmlEngine::locate(const ObjectDef &object, const QString &id) const
{
    Located loc;
    const QString canonical = lb::salesforce::SalesforceId::normalize(id);
    if (canonical.isEmpty()) {
        loc.error = malformedId(id);
        return loc;
    }
    loc.table = m_data.table(object.name());
    if (!loc.table || !canonical.startsWith(object.keyPrefix())) {
        loc.error = notFound();
        return loc;
    }
    loc.row = loc.table->rowOf(canonical);
    if (loc.row < 0)
        loc.error = notFound();
    return loc;
}

SaveResult DmlEngine::insert(const ObjectDef &object, const RecordInput &input,
                             const WriteContext &ctx)
{
    if (object.isPlatformEvent())
        return publish(object, input, ctx);
    return save(object, m_data.table(object.name()), -1, input, ctx);
}

SaveResult DmlEngine::update(const ObjectDef &object, const QString &id, const RecordInput &input,
                             const WriteContext &ctx)
{
    const Located loc = locate(object, id);
    if (loc.error)
        return SaveResult::failure(*loc.error);
    return save(object, loc.table, loc.row, input, ctx);
}

SaveResult DmlEngine::upsert(const ObjectDef &object, int keyFieldIndex, const QString &keyValue,
                             const RecordInput &input, const WriteContext &ctx, bool updateOnly)
{
    const FieldDef &key = object.field(keyFieldIndex);
    if (key.type == FieldType::Id) {
        if (keyValue.isEmpty())
            return updateOnly ? SaveResult::failure(notFound()) : insert(object, input, ctx);
        SaveResult r = update(object, keyValue, input, ctx);
        if (r.success)
            r.created = false;
        return r;
    }
    if (keyValue.isEmpty()) {
        return SaveResult::failure(u"MISSING_ARGUMENT"_s, key.name + u" not specified"_s);
    }
    RecordInput effective = input;
    const int inBody = effective.writeIndexOf(keyFieldIndex);
    if (inBody >= 0) {
        if (effective.writes[inBody].value.toString().compare(keyValue, Qt::CaseInsensitive) != 0) {
            return SaveResult::failure(
                u"INVALID_FIELD"_s,
                u"The external ID value in the URL (%1) does not match the value of %2 in the "
                u"request body"_s.arg(keyValue, key.name),
                {key.name});
        }
        effective.writes.removeAt(inBody);
    }
    RecordTable *table = m_data.table(object.name());
    const QList<int> rows = table->rowsWithExternalId(keyFieldIndex, keyValue);
    if (rows.size() > 1) {
        SaveResult r;
        QStringList ids;
        for (int row : rows)
            ids.append(table->at(row).id);
        r.matchingIds = ids;
        r.errors.append(
            SfError::withFields(u"DUPLICATE_EXTERNAL_ID"_s,
                                u"%1: more than one record found for external id field: [%2]"_s.arg(
                                    key.name, ids.join(u", "_s)),
                                {key.name}));
        return r;
    }
    if (rows.size() == 1) {
        SaveResult r = save(object, table, rows.first(), effective, ctx);
        if (r.success)
            r.created = false;
        return r;
    }
    if (updateOnly)
        return SaveResult::failure(notFound());
    effective.writes.append({keyFieldIndex, QJsonValue(keyValue)});
    SaveResult r = save(object, table, -1, effective, ctx);
    if (r.success)
        r.created = true;
    return r;
}

SaveResult DmlEngine::remove(const ObjectDef &object, const QString &id, const WriteContext &ctx)
{
    const Located loc = locate(object, id);
    if (loc.error)
        return SaveResult::failure(*loc.error);
    const Record &current = loc.table->at(loc.row);
    if (current.deleted)
        return SaveResult::failure(u"ENTITY_IS_DELETED"_s, u"entity is deleted"_s);
    if (!ctx.seeding && ctx.faults && m_faults.drawLock()) {
        return SaveResult::failure(
            u"UNABLE_TO_LOCK_ROW"_s,
            u"unable to obtain exclusive access to this record or 1 records: "_s + current.id);
    }
    Record next = current;
    next.deleted = true;
    next.values[object.isDeletedIndex()] = true;
    return commitChange(object, loc, std::move(next), u"delete"_s, {}, ctx);
}

SaveResult DmlEngine::undelete(const ObjectDef &object, const QString &id, const WriteContext &ctx)
{
    const Located loc = locate(object, id);
    if (loc.error)
        return SaveResult::failure(*loc.error);
    const Record &current = loc.table->at(loc.row);
    if (!current.deleted)
        return SaveResult::failure(u"UNDELETE_FAILED"_s, u"Entity is not in the recycle bin"_s);
    if (auto error = checkUnique(object, *loc.table, loc.row, current.values))
        return SaveResult::failure(*error);
    Record next = current;
    next.deleted = false;
    next.values[object.isDeletedIndex()] = false;
    return commitChange(object, loc, std::move(next), u"undelete"_s, {u"IsDeleted"_s}, ctx);
}

SaveResult DmlEngine::systemWrite(const ObjectDef &object, const QString &id,
                                  const QList<std::pair<int, QJsonValue>> &values, bool thenDelete,
                                  const WriteContext &ctx)
{
    const Located loc = locate(object, id);
    if (loc.error)
        return SaveResult::failure(*loc.error);
    const Record &current = loc.table->at(loc.row);
    if (current.deleted)
        return SaveResult::failure(u"ENTITY_IS_DELETED"_s, u"entity is deleted"_s);
    Record next = current;
    QStringList changed;
    for (const auto &[index, value] : values) {
        if (index < 0 || index >= object.fieldCount())
            return SaveResult::failure(
                u"INVALID_FIELD"_s,
                u"No such field on %1 (index %2)"_s.arg(object.name()).arg(index));
        if (next.values[index] != value)
            changed.append(object.field(index).name);
        next.values[index] = value;
    }
    if (thenDelete) {
        next.deleted = true;
        next.values[object.isDeletedIndex()] = true;
    }
    return commitChange(object, loc, std::move(next), thenDelete ? u"delete"_s : u"update"_s,
                        changed, ctx);
}

SaveResult DmlEngine::commitChange(const ObjectDef &object, const Located &loc, Record next,
                                   const QString &operation, QStringList changed,
                                   const WriteContext &ctx)
{
    const qint64 now = m_clock.nowMs();
    const Record before = loc.table->at(loc.row);
    next.values[object.lastModifiedDateIndex()] = SfDateTime::format(now);
    next.values[object.lastModifiedByIndex()] = ctx.userId;
    next.values[object.systemModstampIndex()] = SfDateTime::format(now);
    next.systemModstampMs = now;
    next.lastClient = ctx.client;
    m_data.noteReplace(loc.table, loc.row, before);
    loc.table->replace(loc.row, std::move(next));
    QStringList fields = changed;
    log(object, loc.table->at(loc.row), operation, std::move(fields), std::move(changed), ctx, now);
    SaveResult r;
    r.id = loc.table->at(loc.row).id;
    r.success = true;
    return r;
}

SaveResult DmlEngine::publish(const ObjectDef &event, const RecordInput &input,
                              const WriteContext &ctx)
{
    QStringList notWritable;
    for (const auto &w : input.writes) {
        if (!event.field(w.index).createable)
            notWritable.append(event.field(w.index).name);
    }
    if (input.hasId)
        notWritable.prepend(u"Id"_s);
    if (!notWritable.isEmpty()) {
        return SaveResult::failure(
            u"INVALID_FIELD_FOR_INSERT_UPDATE"_s,
            u"Unable to create/update fields: %1. Please check the security settings of this "
            u"field and verify that it is read/write for your profile or permission set."_s.arg(
                notWritable.join(u", "_s)),
            notWritable);
    }
    QList<QJsonValue> values = defaults(event);
    for (const auto &w : input.writes) {
        values[w.index] = w.value;
        if (auto error = FieldValidator::check(event.field(w.index), values[w.index]))
            return SaveResult::failure(*error);
    }
    const qint64 now = m_clock.nowMs();
    PublishedEvent published;
    published.eventType = event.name();
    published.id = m_data.ids(event.keyPrefix()).next();
    published.uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
    published.client = ctx.client;
    published.timeMs = now;
    for (const auto &w : input.writes)
        published.fields.insert(event.field(w.index).name, values[w.index]);
    published.fields.insert(u"CreatedDate"_s, SfDateTime::format(now));
    published.fields.insert(u"CreatedById"_s, ctx.userId);
    published.fields.insert(u"EventUuid"_s, published.uuid);
    SaveResult r;
    r.id = published.id;
    r.success = true;
    r.isEvent = true;
    r.eventUuid = published.uuid;
    m_data.events().append(std::move(published));
    return r;
}

std::optional<SfError> DmlEngine::checkReference(const FieldDef &field, QJsonValue &value) const
{
    if (!value.isString())
        return std::nullopt;
    const ObjectDef *target = m_schema.object(field.referenceTo);
    const QString label = target ? target->label() : field.referenceTo;
    const QString canonical = lb::salesforce::SalesforceId::normalize(value.toString());
    QStringList prefixes;
    if (target)
        prefixes.append(target->keyPrefix());
    else if (field.referenceTo == "User"_L1)
        prefixes.append(u"005"_s);
    if (field.name == "OwnerId"_L1)
        prefixes.append(u"00G"_s); // a queue can own a record
    if (canonical.isEmpty() || (!prefixes.isEmpty() && !prefixes.contains(canonical.left(3)))) {
        return SfError::withFields(
            u"MALFORMED_ID"_s,
            u"%1 ID: id value of incorrect type: %2"_s.arg(label, value.toString()), {field.name});
    }
    if (const RecordTable *table = target ? m_data.table(target->name()) : nullptr) {
        const int row = table->rowOf(canonical);
        if (row < 0 || table->at(row).deleted) {
            return SfError::withFields(u"INVALID_CROSS_REFERENCE_KEY"_s,
                                       u"invalid cross reference id"_s, {field.name});
        }
    }
    value = canonical;
    return std::nullopt;
}

std::optional<SfError> DmlEngine::resolveRelationships(const ObjectDef &object,
                                                       const RecordInput &input,
                                                       QList<QJsonValue> &values,
                                                       QStringList *written) const
{
    for (const auto &rel : input.relationships) {
        const FieldDef &ref = object.field(rel.referenceIndex);
        written->append(ref.name);
        if (rel.value.isNull()) {
            values[rel.referenceIndex] = QJsonValue();
            continue;
        }
        const FieldDef &key = rel.target->field(rel.targetFieldIndex);
        const RecordTable *table = m_data.table(rel.target->name());
        QList<int> rows;
        if (key.type == FieldType::Id) {
            const int row
                = table->rowOf(lb::salesforce::SalesforceId::normalize(rel.value.toString()));
            if (row >= 0 && !table->at(row).deleted)
                rows.append(row);
        } else {
            rows = table->rowsWithExternalId(rel.targetFieldIndex, rel.value.toString());
        }
        if (rows.size() != 1) {
            const QString what
                = rows.isEmpty() ? u"not found"_s : u"matched more than one record"_s;
            return SfError::withFields(
                u"INVALID_FIELD"_s,
                u"Foreign key external ID: %1 %2 for field %3 in entity "
                u"%4"_s.arg(rel.value.toString(), what, key.name, rel.target->name()),
                {});
        }
        values[rel.referenceIndex] = table->at(rows.first()).id;
    }
    return std::nullopt;
}

std::optional<SfError> DmlEngine::checkUnique(const ObjectDef &object, const RecordTable &table,
                                              int selfRow, const QList<QJsonValue> &values) const
{
    for (int i = 0; i < object.fieldCount(); ++i) {
        const FieldDef &f = object.field(i);
        if (!f.unique || !values[i].isString() || !table.isIndexed(i))
            continue;
        for (int row : table.rowsWithExternalId(i, values[i].toString())) {
            if (row != selfRow) {
                return SfError::withFields(u"DUPLICATE_VALUE"_s,
                                           u"duplicate value found: %1 duplicates value on record "
                                           u"with id: %2"_s.arg(f.name, table.at(row).id),
                                           {});
            }
        }
    }
    return std::nullopt;
}

SaveResult DmlEngine::save(const ObjectDef &object, RecordTable *table, int row,
                           const RecordInput &input, const WriteContext &ctx)
{
    const bool inserting = row < 0;
    if (!table)
        return SaveResult::failure(notFound());
    const Record before = inserting ? Record() : table->at(row);
    if (!inserting && before.deleted)
        return SaveResult::failure(u"ENTITY_IS_DELETED"_s, u"entity is deleted"_s);
    if (!ctx.seeding && ctx.faults && m_faults.drawLock()) {
        QString message = u"unable to obtain exclusive access to this record"_s;
        if (!inserting)
            message += u" or 1 records: "_s + before.id;
        return SaveResult::failure(u"UNABLE_TO_LOCK_ROW"_s, message);
    }
    if (!inserting && isLead(object) && before.values[object.indexOf(u"IsConverted")].toBool())
        return SaveResult::failure(u"CANNOT_UPDATE_CONVERTED_LEAD"_s,
                                   u"cannot reference converted lead"_s);

    QStringList notWritable;
    if (input.hasId && inserting && !ctx.seeding)
        notWritable.append(u"Id"_s);
    for (const auto &w : input.writes) {
        const FieldDef &f = object.field(w.index);
        if (!(inserting ? f.createable : f.updateable) && !ctx.seeding)
            notWritable.append(f.name);
    }
    if (!notWritable.isEmpty()) {
        return SaveResult::failure(
            u"INVALID_FIELD_FOR_INSERT_UPDATE"_s,
            u"Unable to create/update fields: %1. Please check the security settings of this "
            u"field and verify that it is read/write for your profile or permission set."_s.arg(
                notWritable.join(u", "_s)),
            notWritable);
    }

    QList<QJsonValue> values = inserting ? defaults(object) : before.values;
    QStringList written;
    QList<int> writtenIndexes;
    for (const auto &w : input.writes) {
        values[w.index] = w.value;
        written.append(object.field(w.index).name);
        writtenIndexes.append(w.index);
    }
    if (auto error = resolveRelationships(object, input, values, &written))
        return SaveResult::failure(*error);
    for (const auto &rel : input.relationships)
        writtenIndexes.append(rel.referenceIndex);

    for (int index : writtenIndexes) {
        const FieldDef &f = object.field(index);
        if (f.type == FieldType::Id || (ctx.seeding && !f.createable && !f.updateable))
            continue;
        std::optional<SfError> error = f.type == FieldType::Reference
            ? checkReference(f, values[index])
            : FieldValidator::check(f, values[index]);
        if (error)
            return SaveResult::failure(*error);
    }
    QStringList missing;
    for (int i = 0; i < object.fieldCount(); ++i) {
        if (object.field(i).required() && values[i].isNull())
            missing.append(object.field(i).name);
    }
    if (!missing.isEmpty()) {
        return SaveResult::failure(
            u"REQUIRED_FIELD_MISSING"_s,
            u"Required fields are missing: [%1]"_s.arg(missing.join(u", "_s)), missing);
    }
    if (auto error = ValidationRules::check(object, values))
        return SaveResult::failure(*error);
    computeFormulaFields(object, values);
    if (auto error = checkUnique(object, *table, row, values))
        return SaveResult::failure(*error);

    const qint64 now = m_clock.nowMs();
    const QString stamp = SfDateTime::format(now);
    auto setUnlessSeeded = [&](int index, const QJsonValue &v) {
        if (!(ctx.seeding && writtenIndexes.contains(index) && !values[index].isNull()))
            values[index] = v;
    };
    Record next = before;
    if (inserting) {
        QString id;
        if (ctx.seeding && input.hasId && !input.id.isEmpty()) {
            id = lb::salesforce::SalesforceId::normalize(input.id);
            if (id.isEmpty() || !id.startsWith(object.keyPrefix()) || table->rowOf(id) >= 0)
                return SaveResult::failure(malformedId(input.id));
        } else {
            id = m_data.ids(object.keyPrefix()).next();
        }
        next.id = id;
        values[object.idIndex()] = id;
        setUnlessSeeded(object.isDeletedIndex(), false);
        setUnlessSeeded(object.createdDateIndex(), stamp);
        setUnlessSeeded(object.createdByIndex(), ctx.userId);
        if (object.ownerIndex() >= 0 && values[object.ownerIndex()].isNull())
            values[object.ownerIndex()] = ctx.userId;
    }
    setUnlessSeeded(object.lastModifiedDateIndex(), stamp);
    setUnlessSeeded(object.lastModifiedByIndex(), ctx.userId);
    setUnlessSeeded(object.systemModstampIndex(), stamp);
    next.systemModstampMs
        = SfDateTime::parse(values[object.systemModstampIndex()].toString()).value_or(now);
    next.deleted = values[object.isDeletedIndex()].toBool();
    next.lastClient = ctx.client;

    QStringList changed;
    for (int index : writtenIndexes) {
        const QString &name = object.field(index).name;
        if ((inserting || before.values[index] != values[index]) && !changed.contains(name))
            changed.append(name);
    }
    next.values = std::move(values);
    if (inserting) {
        table->append(std::move(next));
        m_data.noteAppend(table);
        row = table->rowCount() - 1;
    } else {
        m_data.noteReplace(table, row, before);
        table->replace(row, std::move(next));
    }
    written.removeDuplicates();
    log(object, table->at(row), inserting ? u"insert"_s : u"update"_s, written, changed, ctx, now);
    SaveResult r;
    r.id = table->at(row).id;
    r.success = true;
    return r;
}

void DmlEngine::log(const ObjectDef &object, const Record &record, const QString &operation,
                    QStringList fields, QStringList changed, const WriteContext &ctx, qint64 nowMs)
{
    if (ctx.seeding)
        return;
    stageChangeEvent(object, record, operation, changed, ctx, nowMs);
    WriteLogEntry e;
    e.operation = operation;
    e.object = object.name();
    e.recordId = record.id;
    const int ext = object.primaryExternalIdIndex();
    if (ext >= 0)
        e.externalId = record.values[ext].toString();
    e.changed = operation != "update"_L1 || !changed.isEmpty();
    e.fields = std::move(fields);
    e.changedFields = std::move(changed);
    e.client = ctx.client;
    e.timeMs = nowMs;
    m_data.writeLog().append(std::move(e));
}

void DmlEngine::stageChangeEvent(const ObjectDef &object, const Record &record,
                                 const QString &operation, const QStringList &changed,
                                 const WriteContext &ctx, qint64 nowMs)
{
    if (!ChangeEventLog::tracks(object.name()))
        return;
    ChangeEvent e;
    e.entityName = object.name();
    e.recordIds = {record.id};
    e.commitTimestamp = nowMs;
    e.commitUser = ctx.userId;
    if (!ctx.api.isEmpty()) {
        e.changeOrigin = u"com/salesforce/api/"_s + ctx.api;
        if (!ctx.client.isEmpty())
            e.changeOrigin += u";client="_s + ctx.client;
    }
    // Fields a change event carries: what a user or the system wrote, not the id, the
    // deletion flag or SystemModstamp.
    auto carried = [&](int i) {
        const FieldDef &f = object.field(i);
        return i != object.idIndex() && i != object.isDeletedIndex()
            && i != object.systemModstampIndex() && f.type != FieldType::Id;
    };
    if (operation == "insert"_L1) {
        e.changeType = u"CREATE"_s;
        for (int i = 0; i < object.fieldCount(); ++i) {
            if (carried(i) && !record.values[i].isNull())
                e.fields.insert(object.field(i).name, record.values[i]);
        }
    } else if (operation == "delete"_L1) {
        e.changeType = u"DELETE"_s;
    } else if (operation == "undelete"_L1) {
        e.changeType = u"UNDELETE"_s;
    } else {
        e.changeType = u"UPDATE"_s;
        e.changedFields = changed;
        const QString lastModified = object.field(object.lastModifiedDateIndex()).name;
        if (!e.changedFields.contains(lastModified))
            e.changedFields.append(lastModified);
        for (const QString &name : std::as_const(e.changedFields)) {
            const int i = object.indexOf(name);
            if (i >= 0 && carried(i))
                e.fields.insert(name, record.values[i]);
        }
    }
    m_data.changes().stage(std::move(e));
}

} // namespace lb::sandbox
