#include "RecordInput.h"

#include "OrgSchema.h"
#include "SfDateTime.h"

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

namespace {

Error invalidField(const QString &name, const ObjectDef &object)
{
    return makeError(u"INVALID_FIELD"_s,
                     u"No such column '%1' on sobject of type %2"_s.arg(name, object.name()));
}

Error parserError(const QString &type, const QJsonValue &v)
{
    const QString token = v.isString() ? u"VALUE_STRING"_s
        : v.isBool()                   ? (v.toBool() ? u"VALUE_TRUE"_s : u"VALUE_FALSE"_s)
        : v.isDouble()                 ? u"VALUE_NUMBER_FLOAT"_s
        : v.isArray()                  ? u"START_ARRAY"_s
                                       : u"START_OBJECT"_s;
    const QString text = v.isString() ? v.toString()
        : v.isDouble()                ? QString::number(v.toDouble(), 'g', 17)
                                      : QString();
    QString message = u"Cannot deserialize instance of %1 from %2"_s.arg(type, token);
    if (!text.isEmpty())
        message += u" value "_s + text;
    message += u" or request may be missing a required field"_s;
    return makeError(u"JSON_PARSER_ERROR"_s, message);
}

QString numberText(double d)
{
    if (std::floor(d) == d && std::fabs(d) < 1e15)
        return QString::number(qint64(d));
    return QString::number(d, 'g', 15);
}

Result<QJsonValue> coerce(const FieldDef &f, const QJsonValue &v)
{
    if (v.isNull() || v.isUndefined())
        return f.type == FieldType::Boolean ? QJsonValue(false) : QJsonValue();
    switch (f.type) {
    case FieldType::Boolean:
        if (v.isBool())
            return v;
        if (v.isString()) {
            if (v.toString().compare("true"_L1, Qt::CaseInsensitive) == 0)
                return QJsonValue(true);
            if (v.toString().compare("false"_L1, Qt::CaseInsensitive) == 0)
                return QJsonValue(false);
        }
        return parserError(u"boolean"_s, v);
    case FieldType::Double:
    case FieldType::Currency:
        if (v.isDouble())
            return v;
        if (v.isString()) {
            if (v.toString().trimmed().isEmpty())
                return QJsonValue();
            bool ok = false;
            const double d = v.toString().trimmed().toDouble(&ok);
            if (ok && std::isfinite(d))
                return QJsonValue(d);
        }
        return parserError(u"double"_s, v);
    case FieldType::DateTime:
        if (v.isString()) {
            if (v.toString().isEmpty())
                return QJsonValue();
            if (const auto ms = SfDateTime::parse(v.toString()))
                return QJsonValue(SfDateTime::format(*ms));
        }
        return parserError(u"datetime"_s, v);
    case FieldType::Date:
        if (v.isString()) {
            const QString s = v.toString();
            if (s.isEmpty())
                return QJsonValue();
            if (const auto days = SfDateTime::parseDate(QStringView(s).left(10));
                days && (s.size() == 10 || SfDateTime::parse(s)))
                return QJsonValue(SfDateTime::formatDate(*days));
        }
        return parserError(u"date"_s, v);
    case FieldType::Id:
    case FieldType::Reference:
        if (v.isString())
            return v.toString().isEmpty() ? QJsonValue() : v;
        return parserError(u"id"_s, v);
    default: // text types
        if (v.isString())
            return v.toString().isEmpty() ? QJsonValue() : v;
        if (v.isDouble())
            return QJsonValue(numberText(v.toDouble()));
        if (v.isBool())
            return QJsonValue(v.toBool() ? u"true"_s : u"false"_s);
        return parserError(u"string"_s, v);
    }
}

Result<RecordInput::RelationshipWrite> relationship(const OrgSchema &schema,
                                                    const ObjectDef &object, const QString &relName,
                                                    const QString &fieldName,
                                                    const QJsonValue &value)
{
    const int refIndex = object.relationshipIndex(relName);
    if (refIndex < 0)
        return invalidField(relName, object);
    const FieldDef &ref = object.field(refIndex);
    const ObjectDef *target = schema.object(ref.referenceTo);
    if (!target)
        return invalidField(relName, object);
    const int targetIndex = target->indexOf(fieldName);
    if (targetIndex < 0)
        return invalidField(fieldName, *target);
    const FieldDef &key = target->field(targetIndex);
    if (!key.externalId && key.type != FieldType::Id) {
        return makeError(u"INVALID_FIELD"_s,
                         u"The %1 field on %2 is not an external ID or indexed field"_s.arg(
                             key.name, target->name()));
    }
    if (!value.isNull() && !value.isString() && !value.isDouble())
        return parserError(u"string"_s, value);
    QJsonValue text = value.isDouble() ? QJsonValue(numberText(value.toDouble())) : value;
    if (text.isString() && text.toString().isEmpty())
        text = QJsonValue();
    return RecordInput::RelationshipWrite {refIndex, target, targetIndex, text};
}

} // namespace

int RecordInput::writeIndexOf(int fieldIndex) const
{
    for (int i = 0; i < writes.size(); ++i) {
        if (writes[i].index == fieldIndex)
            return i;
    }
    return -1;
}

SfError RecordInput::errorOf(const Error &error)
{
    return SfError::plain(error.code, error.message);
}

Result<RecordInput> RecordInput::parse(const OrgSchema &schema, const ObjectDef &object,
                                       const QJsonObject &json)
{
    RecordInput input;
    for (auto it = json.begin(); it != json.end(); ++it) {
        const QString &name = it.key();
        const QJsonValue value = it.value();
        if (name == "attributes"_L1)
            continue;
        const int index = object.indexOf(name);
        if (index >= 0 && object.field(index).type == FieldType::Id) {
            if (!value.isString() && !value.isNull())
                return parserError(u"id"_s, value);
            input.hasId = true;
            input.id = value.toString();
            continue;
        }
        if (index >= 0) {
            auto coerced = coerce(object.field(index), value);
            if (!coerced)
                return coerced.error();
            input.writes.append({index, *coerced});
            continue;
        }
        const qsizetype dot = name.indexOf(u'.');
        if (dot > 0) {
            auto rel = relationship(schema, object, name.left(dot), name.mid(dot + 1), value);
            if (!rel)
                return rel.error();
            input.relationships.append(*rel);
            continue;
        }
        if (value.isObject() && object.relationshipIndex(name) >= 0) {
            const QJsonObject nested = value.toObject();
            QString keyField;
            QJsonValue keyValue;
            for (auto n = nested.begin(); n != nested.end(); ++n) {
                if (n.key() == "attributes"_L1)
                    continue;
                if (!keyField.isEmpty()) {
                    return makeError(u"INVALID_FIELD"_s,
                                     u"More than one field provided in an external foreign key "
                                     u"reference in entity: %1"_s.arg(name));
                }
                keyField = n.key();
                keyValue = n.value();
            }
            if (keyField.isEmpty()) {
                return makeError(u"INVALID_FIELD"_s,
                                 u"No external ID field provided in the foreign key reference "
                                 u"in entity: %1"_s.arg(name));
            }
            auto rel = relationship(schema, object, name, keyField, keyValue);
            if (!rel)
                return rel.error();
            input.relationships.append(*rel);
            continue;
        }
        return invalidField(name, object);
    }
    for (const RelationshipWrite &rel : input.relationships) {
        if (input.writeIndexOf(rel.referenceIndex) >= 0) {
            const FieldDef &ref = object.field(rel.referenceIndex);
            return makeError(u"INVALID_FIELD"_s,
                             u"Cannot specify both an external ID reference %1 and a salesforce "
                             u"id, %2"_s.arg(ref.relationshipName, ref.name));
        }
    }
    return input;
}

} // namespace lb::sandbox
