#include "SObjectResource.h"

#include "DescribeWriter.h"
#include "JsonBody.h"
#include "RecordRenderer.h"
#include "SandboxOrg.h"
#include "SaveResultJson.h"
#include "SfDateTime.h"
#include "salesforce/SalesforceId.h"

#include <QJsonArray>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

namespace {

ApiResponse notFound()
{
    return ApiResponse::error(404, u"NOT_FOUND"_s, u"The requested resource does not exist"_s);
}

ApiResponse badExternalField(const QString &name)
{
    return ApiResponse::error(404, u"NOT_FOUND"_s,
                              u"Provided external ID field does not exist or is not accessible: "_s
                                  + name);
}

ApiResponse methodNotAllowed(const QByteArray &method, const QString &allowed)
{
    return ApiResponse::error(405, u"METHOD_NOT_ALLOWED"_s,
                              u"HTTP Method '%1' not allowed. Allowed are %2"_s.arg(
                                  QString::fromLatin1(method), allowed));
}

ApiResponse jsonObject(const QJsonObject &o)
{
    return ApiResponse::json(200, QJsonDocument(o).toJson(QJsonDocument::Compact));
}

bool isRead(const QByteArray &m)
{
    return m == "GET" || m == "HEAD";
}

} // namespace

SObjectResource::SObjectResource(SandboxOrg &org)
    : m_org(org)
{ }

QString SObjectResource::usageKind(const RestCall &call)
{
    const QStringList &p = call.path;
    const QByteArray &m = call.method();
    if (p.size() <= 2 && isRead(m))
        return u"describe"_s;
    if (p.size() == 2)
        return p[1].endsWith("__e"_L1, Qt::CaseInsensitive) ? u"publish"_s : u"create"_s;
    if (p.size() == 3 && (p[2] == "describe"_L1 || p[2] == "updated"_L1 || p[2] == "deleted"_L1))
        return p[2] == "describe"_L1 ? u"describe"_s : u"replication"_s;
    if (isRead(m))
        return u"read"_s;
    if (m == "DELETE")
        return u"delete"_s;
    if (p.size() >= 4)
        return u"upsert"_s;
    return m == "POST" ? u"create"_s : u"update"_s;
}

ApiResponse SObjectResource::handle(const RestCall &call)
{
    const QStringList &p = call.path;
    const QByteArray &m = call.method();
    if (p.size() == 1) {
        if (!isRead(m))
            return methodNotAllowed(m, u"HEAD,GET"_s);
        return jsonObject(DescribeWriter(m_org.schema(), call.version).global());
    }
    const ObjectDef *object = m_org.schema().object(p[1]);
    if (!object)
        return notFound();
    if (p.size() == 2) {
        if (isRead(m))
            return jsonObject(DescribeWriter(m_org.schema(), call.version).basicInfo(*object));
        if (m == "POST")
            return create(call, *object);
        return methodNotAllowed(m, u"HEAD,GET,POST"_s);
    }
    if (p.size() == 3) {
        const QString &segment = p[2];
        if (segment == "describe"_L1) {
            if (!isRead(m))
                return methodNotAllowed(m, u"HEAD,GET"_s);
            return jsonObject(DescribeWriter(m_org.schema(), call.version).describe(*object));
        }
        if ((segment == "updated"_L1 || segment == "deleted"_L1) && !object->isPlatformEvent()) {
            if (!isRead(m))
                return methodNotAllowed(m, u"HEAD,GET"_s);
            return replication(call, *object, segment == "deleted"_L1);
        }
        if (segment.compare("Id"_L1, Qt::CaseInsensitive) == 0 && m == "POST")
            return create(call, *object);
        if (lb::salesforce::SalesforceId::looksLikeId(segment) && !object->isPlatformEvent())
            return record(call, *object, segment);
        return badExternalField(segment);
    }
    if (p.size() == 4 && !object->isPlatformEvent()) {
        const int field = object->indexOf(p[2]);
        if (field < 0
            || (!object->field(field).externalId && object->field(field).type != FieldType::Id))
            return badExternalField(p[2]);
        return byExternalId(call, *object, field, p[3]);
    }
    return notFound();
}

ApiResponse SObjectResource::writeAnswer(const RestCall &call, const ObjectDef &object,
                                         const SaveResult &result, bool upsert)
{
    const int status = result.httpStatus();
    if (status == 300) {
        QJsonArray urls;
        for (const QString &id : result.matchingIds)
            urls.append(QString(call.base() + u"/sobjects/"_s + object.name() + u'/' + id));
        return ApiResponse::json(300, QJsonDocument(urls).toJson(QJsonDocument::Compact));
    }
    if (!result.success) {
        QList<SfError> errors = result.errors;
        for (SfError &e : errors)
            e.hasFields = e.code != "NOT_FOUND"_L1;
        return ApiResponse::errors(status, errors);
    }
    const bool modern = call.versionMajor >= 46;
    if (upsert && status == 200 && !modern)
        return ApiResponse::noContent();
    ApiResponse r = ApiResponse::json(status, SaveResultJson::toJson(result, upsert && modern));
    if (status == 201 && !result.isEvent) {
        r.setHeader(
            "Location",
            QString(call.base() + u"/sobjects/"_s + object.name() + u'/' + result.id).toUtf8());
    }
    return r;
}

ApiResponse SObjectResource::create(const RestCall &call, const ObjectDef &object)
{
    QJsonDocument doc;
    if (auto error = JsonBody::parse(call.request.body, &doc))
        return ApiResponse::error(400, *error);
    if (!doc.isObject())
        return ApiResponse::error(
            400, u"JSON_PARSER_ERROR"_s,
            u"Cannot deserialize instance of %1 from START_ARRAY value"_s.arg(object.name()));
    auto input = RecordInput::parse(m_org.schema(), object, doc.object());
    if (!input)
        return ApiResponse::error(400, RecordInput::errorOf(input.error()));
    return writeAnswer(call, object, m_org.dml().insert(object, *input, call.writer), false);
}

ApiResponse SObjectResource::read(const RestCall &call, const ObjectDef &object, int row)
{
    const RecordTable *table = m_org.data().table(object.name());
    const Record &rec = table->at(row);
    if (rec.deleted)
        return ApiResponse::error(
            404, SfError::withFields(u"ENTITY_IS_DELETED"_s, u"entity is deleted"_s));
    QList<int> fields;
    if (call.request.hasQuery(u"fields"_s)) {
        for (const QString &name : call.request.queryValue(u"fields"_s).split(u',')) {
            const QString trimmed = name.trimmed();
            if (trimmed.isEmpty())
                continue;
            const int index = object.indexOf(trimmed);
            if (index < 0) {
                return ApiResponse::error(
                    400, u"INVALID_FIELD"_s,
                    u"No such column '%1' on entity '%2'. If you are attempting to use a custom "
                    u"field, be sure to append the '__c' after the custom field name. Please "
                    u"reference your WSDL or the describe call for the appropriate names."_s.arg(
                        trimmed, object.name()));
            }
            if (!fields.contains(index))
                fields.append(index);
        }
    }
    const auto modified = SfDateTime::parse(rec.values[object.lastModifiedDateIndex()].toString());
    // Conditional GET: HTTP dates have whole seconds, so compare at that precision.
    const QByteArray since = call.request.header("if-modified-since");
    if (!since.isEmpty() && modified) {
        const auto sinceMs = SfDateTime::parseHttpDate(QString::fromLatin1(since));
        if (sinceMs && *modified / 1000 <= *sinceMs / 1000) {
            ApiResponse notModified;
            notModified.status = 304;
            return notModified;
        }
    }
    JsonWriter w;
    RecordRenderer(m_org.data(), call.version).writeRecord(w, object, rec, fields);
    ApiResponse r = ApiResponse::json(200, w.take());
    if (modified)
        r.setHeader("Last-Modified", SfDateTime::httpDate(*modified));
    return r;
}

ApiResponse SObjectResource::record(const RestCall &call, const ObjectDef &object,
                                    const QString &rawId)
{
    const QByteArray &m = call.method();
    const QString id = lb::salesforce::SalesforceId::normalize(rawId);
    if (id.isEmpty())
        return ApiResponse::error(400, DmlEngine::malformedId(rawId));
    const bool patch
        = m == "PATCH" || (m == "POST" && call.request.queryValue(u"_HttpMethod"_s) == "PATCH"_L1);
    if (!isRead(m) && !patch && m != "DELETE")
        return methodNotAllowed(m, u"GET,HEAD,PATCH,DELETE"_s);
    if (m == "DELETE") {
        const SaveResult result = m_org.dml().remove(object, id, call.writer);
        return result.success ? ApiResponse::noContent() : writeAnswer(call, object, result, false);
    }
    if (isRead(m)) {
        const RecordTable *table = m_org.data().table(object.name());
        const int row = id.startsWith(object.keyPrefix()) ? table->rowOf(id) : -1;
        if (row < 0)
            return notFound();
        return read(call, object, row);
    }
    QJsonDocument doc;
    if (auto error = JsonBody::parse(call.request.body, &doc))
        return ApiResponse::error(400, *error);
    if (!doc.isObject())
        return ApiResponse::error(
            400, u"JSON_PARSER_ERROR"_s,
            u"Cannot deserialize instance of %1 from START_ARRAY value"_s.arg(object.name()));
    auto input = RecordInput::parse(m_org.schema(), object, doc.object());
    if (!input)
        return ApiResponse::error(400, RecordInput::errorOf(input.error()));
    if (input->hasId)
        return ApiResponse::error(400, u"INVALID_FIELD"_s,
                                  u"The Id field should not be specified in the sobject data."_s);
    const QByteArray unmodifiedSince = call.request.header("if-unmodified-since");
    if (!unmodifiedSince.isEmpty()) {
        const auto sinceMs = SfDateTime::parseHttpDate(QString::fromLatin1(unmodifiedSince));
        if (!sinceMs)
            return ApiResponse::error(400, u"INVALID_HEADER_VALUE"_s,
                                      u"If-Unmodified-Since is not an HTTP date: "_s
                                          + QString::fromLatin1(unmodifiedSince));
        const RecordTable *table = m_org.data().table(object.name());
        const int row = id.startsWith(object.keyPrefix()) ? table->rowOf(id) : -1;
        const QJsonValue stamp
            = row < 0 ? QJsonValue() : table->at(row).values[object.lastModifiedDateIndex()];
        const auto modified = SfDateTime::parse(stamp.toString());
        if (modified && *modified / 1000 > *sinceMs / 1000)
            return ApiResponse::error(412, u"PRECONDITION_FAILED"_s,
                                      u"The record was modified after "_s
                                          + QString::fromLatin1(unmodifiedSince));
    }
    const SaveResult result = m_org.dml().update(object, id, *input, call.writer);
    if (result.success)
        return ApiResponse::noContent();
    return writeAnswer(call, object, result, false);
}

ApiResponse SObjectResource::byExternalId(const RestCall &call, const ObjectDef &object, int field,
                                          const QString &value)
{
    const QByteArray &m = call.method();
    const RecordTable *table = m_org.data().table(object.name());
    const FieldDef &key = object.field(field);
    if (isRead(m) || m == "DELETE") {
        QList<int> rows;
        if (key.type == FieldType::Id) {
            const int row = table->rowOf(lb::salesforce::SalesforceId::normalize(value));
            if (row >= 0 && !table->at(row).deleted)
                rows.append(row);
        } else {
            rows = table->rowsWithExternalId(field, value);
        }
        if (rows.isEmpty())
            return notFound();
        if (rows.size() > 1) {
            SaveResult multiple;
            for (int row : rows)
                multiple.matchingIds.append(table->at(row).id);
            return writeAnswer(call, object, multiple, false);
        }
        if (isRead(m))
            return read(call, object, rows.first());
        const SaveResult result
            = m_org.dml().remove(object, table->at(rows.first()).id, call.writer);
        return result.success ? ApiResponse::noContent() : writeAnswer(call, object, result, false);
    }
    if (m != "PATCH" && m != "POST")
        return methodNotAllowed(m, u"GET,HEAD,PATCH,POST,DELETE"_s);
    QJsonDocument doc;
    if (auto error = JsonBody::parse(call.request.body, &doc))
        return ApiResponse::error(400, *error);
    if (!doc.isObject())
        return ApiResponse::error(
            400, u"JSON_PARSER_ERROR"_s,
            u"Cannot deserialize instance of %1 from START_ARRAY value"_s.arg(object.name()));
    auto input = RecordInput::parse(m_org.schema(), object, doc.object());
    if (!input)
        return ApiResponse::error(400, RecordInput::errorOf(input.error()));
    if (input->hasId)
        return ApiResponse::error(400, u"INVALID_FIELD"_s,
                                  u"The Id field should not be specified in the sobject data."_s);
    const bool updateOnly = call.request.queryValue(u"updateOnly"_s) == "true"_L1;
    const SaveResult result
        = m_org.dml().upsert(object, field, value, *input, call.writer, updateOnly);
    return writeAnswer(call, object, result, true);
}

ApiResponse SObjectResource::replication(const RestCall &call, const ObjectDef &object,
                                         bool deleted)
{
    const auto start = SfDateTime::parse(call.request.queryValue(u"start"_s));
    const auto end = SfDateTime::parse(call.request.queryValue(u"end"_s));
    if (!start || !end || *end < *start)
        return ApiResponse::error(400, u"INVALID_REPLICATION_DATE"_s,
                                  u"start and end must be valid dateTimes with start <= end"_s);
    // Coverage ends at a whole minute, as Salesforce reports it.
    const qint64 covered = qMin(*end, m_org.nowMs()) / 60'000 * 60'000;
    const RecordTable *table = m_org.data().table(object.name());
    const auto &index = table->modstampIndex();
    JsonWriter w;
    w.beginObject();
    w.key(deleted ? "deletedRecords"_L1 : "ids"_L1).beginArray();
    qint64 earliest = covered;
    for (auto it = index.lower_bound({*start, QString()});
         it != index.end() && it->first.first <= *end; ++it) {
        const Record &rec = table->at(it->second);
        if (rec.deleted != deleted)
            continue;
        if (deleted) {
            earliest = qMin(earliest, rec.systemModstampMs);
            w.beginObject();
            w.key("id"_L1).value(QStringView(rec.id));
            w.key("deletedDate"_L1).value(QStringView(SfDateTime::format(rec.systemModstampMs)));
            w.endObject();
        } else {
            w.value(QStringView(rec.id));
        }
    }
    w.endArray();
    if (deleted)
        w.key("earliestDateAvailable"_L1).value(QStringView(SfDateTime::format(earliest)));
    w.key("latestDateCovered"_L1).value(QStringView(SfDateTime::format(covered)));
    w.endObject();
    return ApiResponse::json(200, w.take());
}

} // namespace lb::sandbox
