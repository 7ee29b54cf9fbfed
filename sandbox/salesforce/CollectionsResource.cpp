#include "CollectionsResource.h"

#include "JsonBody.h"
#include "RecordRenderer.h"
#include "SandboxOrg.h"
#include "SaveResultJson.h"
#include "salesforce/SalesforceId.h"

#include <QJsonArray>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

namespace {

ApiResponse tooMany()
{
    return ApiResponse::error(400, u"EXCEEDED_ID_LIMIT"_s,
                              u"record limit reached. cannot submit more than 200 records into "
                              u"this call"_s);
}

ApiResponse unsupportedType(const QString &type)
{
    return ApiResponse::error(400, u"INVALID_TYPE"_s,
                              u"sObject type '%1' is not supported. If you are attempting to use "
                              u"a custom object, be sure to append the '__c' after the entity "
                              u"name. Please reference your WSDL or the describe call for the "
                              u"appropriate names."_s.arg(type));
}

} // namespace

CollectionsResource::CollectionsResource(SandboxOrg &org)
    : m_org(org)
{ }

ApiResponse CollectionsResource::handle(const RestCall &call)
{
    const QStringList &p = call.path; // composite, sobjects, ...
    const QByteArray &m = call.method();
    if (p.size() == 2) {
        if (m == "POST")
            return write(call, Op::Create, nullptr, -1);
        if (m == "PATCH")
            return write(call, Op::Update, nullptr, -1);
        if (m == "DELETE")
            return remove(call);
        return ApiResponse::error(
            405, u"METHOD_NOT_ALLOWED"_s,
            u"HTTP Method '%1' not allowed. Allowed are POST,PATCH,DELETE"_s.arg(
                QString::fromLatin1(m)));
    }
    const ObjectDef *object = m_org.schema().object(p[2]);
    if (!object || object->isPlatformEvent())
        return ApiResponse::error(404, u"NOT_FOUND"_s, u"The requested resource does not exist"_s);
    if (p.size() == 3) {
        if (m == "GET") {
            if (!call.request.hasQuery(u"ids"_s) || !call.request.hasQuery(u"fields"_s))
                return ApiResponse::error(400, u"MISSING_ARGUMENT"_s,
                                          u"ids and fields are both required"_s);
            return retrieve(call, *object, call.request.queryValue(u"ids"_s).split(u','),
                            call.request.queryValue(u"fields"_s).split(u','));
        }
        if (m == "POST") {
            QJsonDocument doc;
            if (auto error = JsonBody::parse(call.request.body, &doc))
                return ApiResponse::error(400, *error);
            const QJsonObject body = doc.object();
            if (!body.value("ids"_L1).isArray() || !body.value("fields"_L1).isArray())
                return ApiResponse::error(400, u"MISSING_ARGUMENT"_s,
                                          u"ids and fields are both required"_s);
            QStringList ids, fields;
            for (const QJsonValue &v : body.value("ids"_L1).toArray())
                ids.append(v.toString());
            for (const QJsonValue &v : body.value("fields"_L1).toArray())
                fields.append(v.toString());
            return retrieve(call, *object, ids, fields);
        }
        return ApiResponse::error(
            405, u"METHOD_NOT_ALLOWED"_s,
            u"HTTP Method '%1' not allowed. Allowed are GET,POST"_s.arg(QString::fromLatin1(m)));
    }
    if (p.size() == 4 && m == "PATCH") {
        const int field = object->indexOf(p[3]);
        if (field < 0
            || (!object->field(field).externalId && object->field(field).type != FieldType::Id))
            return ApiResponse::error(
                404, u"NOT_FOUND"_s,
                u"Provided external ID field does not exist or is not accessible: "_s + p[3]);
        return write(call, Op::Upsert, object, field);
    }
    return ApiResponse::error(404, u"NOT_FOUND"_s, u"The requested resource does not exist"_s);
}

void CollectionsResource::settle(QList<SaveResult> &results, bool allOrNone,
                                 const OrgData::Savepoint &savepoint)
{
    const bool failed = std::any_of(results.begin(), results.end(),
                                    [](const SaveResult &r) { return !r.success; });
    if (!allOrNone || !failed)
        return;
    m_org.data().rollbackTo(savepoint);
    for (SaveResult &r : results) {
        if (!r.success)
            continue;
        r.success = false;
        r.created.reset();
        r.isEvent = false;
        r.errors = {SfError::withFields(u"ALL_OR_NONE_OPERATION_ROLLED_BACK"_s,
                                        u"Record rolled back because not all records were valid "
                                        u"and the request was using AllOrNone header"_s)};
    }
}

ApiResponse CollectionsResource::answer(const QList<SaveResult> &results, bool withCreated)
{
    JsonWriter w;
    w.beginArray();
    for (const SaveResult &r : results)
        SaveResultJson::write(w, r, withCreated);
    w.endArray();
    return ApiResponse::json(200, w.take());
}

ApiResponse CollectionsResource::write(const RestCall &call, Op op, const ObjectDef *upsertObject,
                                       int keyField)
{
    QJsonDocument doc;
    if (auto error = JsonBody::parse(call.request.body, &doc))
        return ApiResponse::error(400, *error);
    const QJsonObject body = doc.object();
    if (!doc.isObject() || !body.value("records"_L1).isArray())
        return ApiResponse::error(400, u"JSON_PARSER_ERROR"_s,
                                  u"The request body must be an object with a records array"_s);
    const QJsonArray records = body.value("records"_L1).toArray();
    if (records.size() > kMaxRecords)
        return tooMany();
    const bool allOrNone = body.value("allOrNone"_L1).toBool(false);

    // Deserialisation first: a bad type or field fails the whole request, as in Salesforce.
    struct Parsed
    {
        const ObjectDef *object;
        RecordInput input;
    };
    QList<Parsed> parsed;
    for (const QJsonValue &v : records) {
        if (!v.isObject())
            return ApiResponse::error(400, u"JSON_PARSER_ERROR"_s,
                                      u"Each record must be a JSON object"_s);
        const QJsonObject record = v.toObject();
        const QString type = record.value("attributes"_L1).toObject().value("type"_L1).toString();
        if (type.isEmpty())
            return ApiResponse::error(400, u"INVALID_TYPE"_s,
                                      u"No SObject Type defined in record"_s);
        const ObjectDef *object = m_org.schema().object(type);
        if (!object || (op != Op::Create && object->isPlatformEvent())
            || (upsertObject && object != upsertObject))
            return unsupportedType(type);
        auto input = RecordInput::parse(m_org.schema(), *object, record);
        if (!input)
            return ApiResponse::error(400, RecordInput::errorOf(input.error()));
        parsed.append({object, std::move(*input)});
    }

    const OrgData::Savepoint savepoint = m_org.data().savepoint();
    QList<SaveResult> results;
    for (const Parsed &p : parsed) {
        SaveResult r;
        if (op == Op::Create) {
            r = m_org.dml().insert(*p.object, p.input, call.writer);
        } else if (op == Op::Update) {
            if (!p.input.hasId || p.input.id.isEmpty()) {
                r = SaveResult::failure(u"MISSING_ARGUMENT"_s,
                                        u"Id not specified in an update call"_s);
            } else {
                RecordInput fields = p.input;
                fields.hasId = false;
                r = m_org.dml().update(*p.object, p.input.id, fields, call.writer);
                if (r.id.isEmpty())
                    r.id = lb::salesforce::SalesforceId::normalize(p.input.id).isEmpty()
                        ? p.input.id
                        : lb::salesforce::SalesforceId::normalize(p.input.id);
            }
        } else {
            const FieldDef &key = p.object->field(keyField);
            QString value;
            if (key.type == FieldType::Id) {
                value = p.input.id;
            } else if (const int w = p.input.writeIndexOf(keyField); w >= 0) {
                value = p.input.writes[w].value.toString();
            }
            RecordInput fields = p.input;
            fields.hasId = false;
            r = m_org.dml().upsert(*p.object, keyField, value, fields, call.writer);
        }
        results.append(r);
    }
    settle(results, allOrNone, savepoint);
    return answer(results, op == Op::Upsert);
}

ApiResponse CollectionsResource::remove(const RestCall &call)
{
    QStringList ids;
    for (const QString &id : call.request.queryValue(u"ids"_s).split(u',')) {
        if (!id.trimmed().isEmpty())
            ids.append(id.trimmed());
    }
    if (ids.isEmpty())
        return ApiResponse::error(400, u"REQUIRED_FIELD_MISSING"_s,
                                  u"At least 1 Id is required."_s);
    if (ids.size() > kMaxRecords)
        return tooMany();
    const bool allOrNone = call.request.queryValue(u"allOrNone"_s) == "true"_L1;
    const OrgData::Savepoint savepoint = m_org.data().savepoint();
    QList<SaveResult> results;
    for (const QString &id : ids) {
        const QString canonical = lb::salesforce::SalesforceId::normalize(id);
        const ObjectDef *object
            = canonical.isEmpty() ? nullptr : m_org.schema().objectForKeyPrefix(canonical.left(3));
        SaveResult r;
        if (!object || object->isPlatformEvent())
            r = SaveResult::failure(u"MALFORMED_ID"_s, u"malformed id "_s + id);
        else
            r = m_org.dml().remove(*object, canonical, call.writer);
        if (r.id.isEmpty())
            r.id = canonical.isEmpty() ? id : canonical;
        results.append(r);
    }
    settle(results, allOrNone, savepoint);
    return answer(results, false);
}

ApiResponse CollectionsResource::retrieve(const RestCall &call, const ObjectDef &object,
                                          const QStringList &ids, const QStringList &fields)
{
    if (ids.size() > kMaxRetrieveIds)
        return ApiResponse::error(400, u"EXCEEDED_ID_LIMIT"_s,
                                  u"record limit reached. cannot submit more than 2000 records "
                                  u"into this call"_s);
    QList<int> indexes;
    for (const QString &name : fields) {
        const int index = object.indexOf(name.trimmed());
        if (index < 0)
            return ApiResponse::error(
                400, u"INVALID_FIELD"_s,
                u"No such column '%1' on entity '%2'. If you are attempting to use a custom "
                u"field, be sure to append the '__c' after the custom field name. Please "
                u"reference your WSDL or the describe call for the appropriate names."_s.arg(
                    name.trimmed(), object.name()));
        indexes.append(index);
    }
    const RecordTable *table = m_org.data().table(object.name());
    const RecordRenderer renderer(m_org.data(), call.version);
    JsonWriter w;
    w.beginArray();
    for (const QString &id : ids) {
        const QString canonical = lb::salesforce::SalesforceId::normalize(id.trimmed());
        const int row = canonical.startsWith(object.keyPrefix()) ? table->rowOf(canonical) : -1;
        if (row < 0 || table->at(row).deleted) {
            w.null();
            continue;
        }
        const Record &rec = table->at(row);
        w.beginObject();
        renderer.writeAttributes(w, object, rec.id);
        for (int index : indexes)
            w.key(QStringView(object.field(index).name)).value(rec.values[index]);
        w.endObject();
    }
    w.endArray();
    return ApiResponse::json(200, w.take());
}

} // namespace lb::sandbox
