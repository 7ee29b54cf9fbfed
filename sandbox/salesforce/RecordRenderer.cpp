#include "RecordRenderer.h"

#include "OrgData.h"
#include "SoqlEvaluator.h"

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

RecordRenderer::RecordRenderer(const OrgData &data, QString apiVersion)
    : m_data(data)
    , m_version(std::move(apiVersion))
{ }

QString RecordRenderer::recordUrl(const ObjectDef &object, const QString &id) const
{
    return u"/services/data/v"_s + m_version + u"/sobjects/"_s + object.name() + u'/' + id;
}

void RecordRenderer::writeAttributes(JsonWriter &w, const ObjectDef &object,
                                     const QString &id) const
{
    w.key("attributes"_L1).beginObject();
    w.key("type"_L1).value(QStringView(object.name()));
    w.key("url"_L1).value(QStringView(recordUrl(object, id)));
    w.endObject();
}

void RecordRenderer::writeRecord(JsonWriter &w, const ObjectDef &object, const Record &record,
                                 const QList<int> &fields) const
{
    w.beginObject();
    writeAttributes(w, object, record.id);
    if (fields.isEmpty()) {
        for (int i = 0; i < object.fieldCount(); ++i)
            w.key(QStringView(object.field(i).name)).value(record.values[i]);
    } else {
        if (!fields.contains(object.idIndex()))
            w.key("Id"_L1).value(QStringView(record.id));
        for (int i : fields)
            w.key(QStringView(object.field(i).name)).value(record.values[i]);
    }
    w.endObject();
}

void RecordRenderer::writeQueryRecord(JsonWriter &w, const BoundQuery &query,
                                      const Record &record) const
{
    const SoqlEvaluator evaluator(m_data);
    w.beginObject();
    writeAttributes(w, *query.object, record.id);
    QStringList written;
    for (size_t i = 0; i < query.select.size(); ++i) {
        const BoundField &f = query.select[i];
        if (!f.isRelationship()) {
            const QString &name = f.def().name;
            if (!written.contains(name)) {
                written.append(name);
                w.key(QStringView(name)).value(record.values[f.index]);
            }
            continue;
        }
        if (written.contains(f.relationshipName))
            continue;
        written.append(f.relationshipName);
        // Every selected field of this relationship goes into one nested object.
        w.key(QStringView(f.relationshipName));
        const QJsonValue ref = record.values[f.referenceIndex];
        const RecordTable *table = m_data.table(f.object->name());
        const int row = ref.isString() && table ? table->rowOf(ref.toString()) : -1;
        if (row < 0 || table->at(row).deleted) {
            w.null();
            continue;
        }
        const Record &parent = table->at(row);
        w.beginObject();
        writeAttributes(w, *f.object, parent.id);
        QStringList nestedWritten;
        for (size_t j = i; j < query.select.size(); ++j) {
            const BoundField &g = query.select[j];
            if (g.referenceIndex != f.referenceIndex || nestedWritten.contains(g.def().name))
                continue;
            nestedWritten.append(g.def().name);
            w.key(QStringView(g.def().name)).value(evaluator.valueOf(g, record));
        }
        w.endObject();
    }
    w.endObject();
}

} // namespace lb::sandbox
