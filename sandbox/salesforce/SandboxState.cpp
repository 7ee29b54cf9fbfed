#include "SandboxState.h"

#include "SandboxOrg.h"
#include "SfDateTime.h"
#include "salesforce/SalesforceId.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

QJsonObject SandboxState::capture(const SandboxOrg &org)
{
    QJsonObject objects;
    QJsonArray externalIds;
    for (const ObjectDef *def : org.schema().objects()) {
        for (const FieldDef &f : def->fields()) {
            if (f.externalId) {
                externalIds.append(QJsonObject {
                    {u"object"_s, def->name()}, {u"field"_s, f.name}, {u"unique"_s, f.unique}});
            }
        }
        const RecordTable *table = org.data().table(def->name());
        if (!table)
            continue;
        QJsonArray records;
        for (int row = 0; row < table->rowCount(); ++row) {
            const Record &r = table->at(row);
            QJsonObject record;
            for (int i = 0; i < def->fieldCount(); ++i)
                record.insert(def->field(i).name, r.values[i]);
            if (!r.lastClient.isEmpty())
                record.insert(u"_lastClient"_s, r.lastClient);
            records.append(record);
        }
        objects.insert(def->name(), records);
    }
    QJsonObject sequences;
    const auto seq = org.data().idSequences();
    for (auto it = seq.begin(); it != seq.end(); ++it)
        sequences.insert(it.key(), QString::number(it.value()));
    return QJsonObject {
        {u"format"_s, QString(kFormat)},
        {u"version"_s, 1},
        {u"savedAt"_s, SfDateTime::format(org.nowMs())},
        {u"idSequences"_s, sequences},
        {u"externalIds"_s, externalIds},
        {u"apiUsage"_s,
         QJsonObject {{u"used"_s, org.usage().used()}, {u"max"_s, org.usage().max()}}},
        {u"objects"_s, objects},
    };
}

Result<void> SandboxState::restore(SandboxOrg &org, const QJsonObject &state)
{
    if (state.value("format"_L1).toString() != kFormat || state.value("version"_L1).toInt() != 1)
        return makeError(u"STATE_FORMAT"_s, u"not a sandbox state file (format/version)"_s);
    for (const QJsonValue &v : state.value("externalIds"_L1).toArray()) {
        const QJsonObject e = v.toObject();
        const ObjectDef *def = org.schema().object(e.value("object"_L1).toString());
        const int index = def ? def->indexOf(e.value("field"_L1).toString()) : -1;
        if (index >= 0 && !def->field(index).externalId) {
            auto r = org.markExternalId(def->name(), def->field(index).name,
                                        e.value("unique"_L1).toBool());
            if (!r)
                return r;
        }
    }
    org.data().clear();
    // A state that fails half way leaves an empty org, never a partial one.
    auto fail = [&org](const QString &code, const QString &message) {
        org.data().clear();
        return makeError(code, message);
    };
    const QJsonObject objects = state.value("objects"_L1).toObject();
    for (auto it = objects.begin(); it != objects.end(); ++it) {
        const ObjectDef *def = org.schema().object(it.key());
        RecordTable *table = def ? org.data().table(def->name()) : nullptr;
        if (!table)
            return fail(u"STATE_OBJECT"_s, u"state: unknown object '%1'"_s.arg(it.key()));
        int index = 0;
        for (const QJsonValue &v : it.value().toArray()) {
            const QJsonObject in = v.toObject();
            Record r;
            r.id = lb::salesforce::SalesforceId::normalize(in.value("Id"_L1).toString());
            if (r.id.isEmpty() || !r.id.startsWith(def->keyPrefix()) || table->rowOf(r.id) >= 0)
                return fail(
                    u"STATE_RECORD"_s,
                    u"state: %1 record %2 has a bad or duplicate Id"_s.arg(it.key()).arg(index));
            for (const FieldDef &f : def->fields())
                r.values.append(in.value(f.name).isUndefined() ? QJsonValue() : in.value(f.name));
            r.deleted = r.values[def->isDeletedIndex()].toBool();
            const auto stamp = SfDateTime::parse(r.values[def->systemModstampIndex()].toString());
            if (!stamp)
                return fail(
                    u"STATE_RECORD"_s,
                    u"state: %1 record %2 has no SystemModstamp"_s.arg(it.key()).arg(index));
            r.systemModstampMs = *stamp;
            r.lastClient = in.value("_lastClient"_L1).toString();
            table->append(std::move(r));
            ++index;
        }
    }
    const QJsonObject sequences = state.value("idSequences"_L1).toObject();
    for (auto it = sequences.begin(); it != sequences.end(); ++it)
        org.data().setIdSequence(it.key(), it.value().toString().toULongLong());
    const QJsonObject usage = state.value("apiUsage"_L1).toObject();
    if (usage.contains("used"_L1))
        org.usage().set(qint64(usage.value("used"_L1).toDouble()),
                        qint64(usage.value("max"_L1).toDouble(double(org.usage().max()))));
    org.data().clearJournal();
    return {};
}

Result<void> SandboxState::save(const SandboxOrg &org, const QString &path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return makeError(u"STATE_WRITE"_s,
                         u"cannot write state file %1: %2"_s.arg(path, file.errorString()));
    file.write(QJsonDocument(capture(org)).toJson(QJsonDocument::Compact));
    if (!file.commit())
        return makeError(u"STATE_WRITE"_s,
                         u"cannot write state file %1: %2"_s.arg(path, file.errorString()));
    return {};
}

Result<void> SandboxState::load(SandboxOrg &org, const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(u"STATE_READ"_s,
                         u"cannot read state file %1: %2"_s.arg(path, file.errorString()));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return makeError(u"STATE_FORMAT"_s,
                         u"state file %1 is not valid JSON: %2"_s.arg(path, error.errorString()));
    auto r = restore(org, doc.object());
    if (!r)
        return makeError(r.error().code, path + u": "_s + r.error().message);
    return {};
}

} // namespace lb::sandbox
