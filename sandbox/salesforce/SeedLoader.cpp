#include "SeedLoader.h"

#include "CsvReader.h"
#include "SandboxOrg.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

SeedLoader::SeedLoader(SandboxOrg &org)
    : m_org(org)
{ }

Result<void> SeedLoader::insert(const QString &object, const QJsonObject &fields,
                                const QString &where)
{
    const ObjectDef *def = m_org.schema().object(object);
    if (!def || def->isPlatformEvent())
        return makeError(u"SEED_UNKNOWN_OBJECT"_s, u"seed: unknown object '%1'"_s.arg(object));
    auto input = RecordInput::parse(m_org.schema(), *def, fields);
    if (!input)
        return makeError(u"SEED_INVALID_RECORD"_s,
                         where + u": "_s + input.error().code + u": "_s + input.error().message);
    const WriteContext ctx {m_org.users().constFirst().userId, u"seed"_s, true};
    const SaveResult r = m_org.dml().insert(*def, *input, ctx);
    if (!r.success) {
        const SfError &e = r.errors.constFirst();
        return makeError(u"SEED_INVALID_RECORD"_s, where + u": "_s + e.code + u": "_s + e.message);
    }
    return {};
}

Result<QHash<QString, int>> SeedLoader::loadJson(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        return makeError(
            u"SEED_BAD_JSON"_s,
            u"seed JSON: %1 at offset %2"_s.arg(error.errorString()).arg(error.offset));
    if (!doc.isObject())
        return makeError(u"SEED_BAD_JSON"_s,
                         u"seed JSON must be an object of record arrays by object name"_s);
    const QJsonObject root = doc.object();
    // Objects that others point at go first, so lookups by external id find their target.
    QStringList order = root.keys();
    std::stable_sort(order.begin(), order.end(), [&](const QString &a, const QString &b) {
        const ObjectDef *da = m_org.schema().object(a);
        const ObjectDef *db = m_org.schema().object(b);
        auto refersTo = [](const ObjectDef *from, const ObjectDef *to) {
            if (!from || !to)
                return false;
            return std::any_of(from->fields().begin(), from->fields().end(),
                               [&](const FieldDef &f) { return f.referenceTo == to->name(); });
        };
        return refersTo(db, da) && !refersTo(da, db);
    });
    const OrgData::Savepoint savepoint = m_org.data().savepoint();
    QHash<QString, int> counts;
    for (const QString &object : order) {
        const QJsonValue records = root.value(object);
        const ObjectDef *def = m_org.schema().object(object);
        if (!def || def->isPlatformEvent()) {
            m_org.data().rollbackTo(savepoint);
            return makeError(u"SEED_UNKNOWN_OBJECT"_s, u"seed: unknown object '%1'"_s.arg(object));
        }
        if (!records.isArray()) {
            m_org.data().rollbackTo(savepoint);
            return makeError(u"SEED_BAD_JSON"_s,
                             u"seed: '%1' must be an array of records"_s.arg(object));
        }
        int index = 0;
        for (const QJsonValue &record : records.toArray()) {
            const QString where = u"%1 record %2"_s.arg(object).arg(index++);
            Result<void> r = record.isObject()
                ? insert(object, record.toObject(), where)
                : Result<void>(makeError(u"SEED_BAD_JSON"_s, where + u" is not an object"_s));
            if (!r) {
                m_org.data().rollbackTo(savepoint);
                m_org.data().clearJournal();
                return r.error();
            }
            ++counts[def->name()];
        }
    }
    m_org.data().clearJournal();
    return counts;
}

Result<int> SeedLoader::loadCsv(const QString &object, const QByteArray &csv)
{
    auto rows = CsvReader::parse(csv);
    if (!rows)
        return makeError(rows.error().code, object + u" CSV: "_s + rows.error().message);
    if (rows->isEmpty())
        return makeError(u"SEED_BAD_CSV"_s, object + u" CSV: no header row"_s);
    const QStringList header = rows->constFirst().fields;
    const OrgData::Savepoint savepoint = m_org.data().savepoint();
    int count = 0;
    for (qsizetype i = 1; i < rows->size(); ++i) {
        const CsvReader::Row &row = (*rows)[i];
        QJsonObject fields;
        for (qsizetype c = 0; c < header.size(); ++c) {
            if (!row.fields[c].isEmpty())
                fields.insert(header[c].trimmed(), row.fields[c]);
        }
        auto r = insert(object, fields, u"%1 CSV line %2"_s.arg(object).arg(row.line));
        if (!r) {
            m_org.data().rollbackTo(savepoint);
            m_org.data().clearJournal();
            return r.error();
        }
        ++count;
    }
    m_org.data().clearJournal();
    return count;
}

Result<QHash<QString, int>> SeedLoader::loadFile(const QString &path, const QString &object)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(u"SEED_UNREADABLE"_s,
                         u"cannot read seed file %1: %2"_s.arg(path, file.errorString()));
    const QByteArray data = file.readAll();
    const QFileInfo info(path);
    if (info.suffix().compare("csv"_L1, Qt::CaseInsensitive) == 0) {
        const QString target = object.isEmpty() ? info.completeBaseName() : object;
        auto count = loadCsv(target, data);
        if (!count)
            return makeError(count.error().code, path + u": "_s + count.error().message);
        const ObjectDef *def = m_org.schema().object(target);
        return QHash<QString, int> {{def ? def->name() : target, *count}};
    }
    auto counts = loadJson(data);
    if (!counts)
        return makeError(counts.error().code, path + u": "_s + counts.error().message);
    return counts;
}

} // namespace lb::sandbox
