#include "Bulk2QueryRecords.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace lb::salesforce {

namespace {

QJsonValue typed(const QString &text, const QString &type)
{
    if (text.isEmpty())
        return QJsonValue::Null;
    if (type == "boolean"_L1)
        return text.compare("true"_L1, Qt::CaseInsensitive) == 0;
    if (type == "double"_L1 || type == "currency"_L1 || type == "percent"_L1 || type == "int"_L1
        || type == "long"_L1) {
        bool ok = false;
        const double d = text.toDouble(&ok);
        return ok ? QJsonValue(d) : QJsonValue(text);
    }
    return text;
}

} // namespace

Result<QHash<QString, QString>> Bulk2QueryRecords::fieldTypes(const QByteArray &describe)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(describe, &error);
    if (!doc.isObject() || !doc.object().value("fields"_L1).isArray())
        return Error {u"unexpected_response"_s,
                      u"A describe answer without its fields: %1"_s.arg(error.errorString()), 0,
                      false};
    QHash<QString, QString> types;
    for (const QJsonValue &f : doc.object().value("fields"_L1).toArray())
        types.insert(f.toObject().value("name"_L1).toString(),
                     f.toObject().value("type"_L1).toString());
    return types;
}

QList<QJsonObject> Bulk2QueryRecords::toRecords(const Bulk2Table &table,
                                                const QHash<QString, QString> &fieldTypes)
{
    // Per column: its relationship ("" for a field of the object itself) and field.
    QList<std::pair<QString, QString>> columns;
    columns.reserve(table.columns.size());
    for (const QString &c : table.columns) {
        const qsizetype dot = c.lastIndexOf(u'.');
        columns.append(dot < 0 ? std::pair {QString(), c}
                               : std::pair {c.left(dot), c.mid(dot + 1)});
    }
    QList<QJsonObject> records;
    records.reserve(table.rows.size());
    for (const QStringList &row : table.rows) {
        QJsonObject record;
        QHash<QString, QJsonObject> related;
        for (qsizetype i = 0; i < columns.size() && i < row.size(); ++i) {
            const auto &[relationship, field] = columns.at(i);
            if (relationship.isEmpty()) {
                record.insert(field, typed(row.at(i), fieldTypes.value(field)));
                continue;
            }
            QJsonObject &parent = related[relationship];
            if (!row.at(i).isEmpty())
                parent.insert(field, row.at(i));
            else if (!parent.contains(field))
                parent.insert(field, QJsonValue::Null);
        }
        for (auto it = related.cbegin(); it != related.cend(); ++it) {
            bool empty = true;
            for (const QJsonValue &v : it.value())
                empty = empty && v.isNull();
            record.insert(it.key(), empty ? QJsonValue(QJsonValue::Null) : QJsonValue(it.value()));
        }
        records.append(record);
    }
    return records;
}

} // namespace lb::salesforce
