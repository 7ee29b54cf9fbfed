#include "ResponseParser.h"

#include "ErrorEnvelope.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;

namespace lb::salesforce {

Error ResponseParser::unexpected(const QString &what, int httpStatus)
{
    return Error {u"unexpected_response"_s,
                  u"Salesforce's answer is not what the API promises: %1."_s.arg(what), httpStatus,
                  false};
}

Result<QJsonObject> ResponseParser::object(const QByteArray &body)
{
    QJsonParseError e;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &e);
    if (e.error != QJsonParseError::NoError)
        return unexpected(u"it is not valid JSON (%1 at byte %2 of %3)"_s.arg(e.errorString())
                              .arg(e.offset)
                              .arg(body.size()));
    if (!doc.isObject())
        return unexpected(u"expected a JSON object"_s);
    return doc.object();
}

Result<QJsonArray> ResponseParser::array(const QByteArray &body)
{
    QJsonParseError e;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &e);
    if (e.error != QJsonParseError::NoError || !doc.isArray())
        return unexpected(u"expected a JSON array"_s);
    return doc.array();
}

RecordResult ResponseParser::recordResult(const QJsonObject &o)
{
    RecordResult r;
    r.success = o.value("success"_L1).toBool(false);
    r.id = o.value("id"_L1).toString();
    r.created = o.value("created"_L1).toBool(false);
    r.errors = ErrorEnvelope::parseValue(o.value("errors"_L1));
    return r;
}

Result<QList<RecordResult>> ResponseParser::recordResults(const QJsonValue &value,
                                                          qsizetype expected)
{
    if (!value.isArray())
        return unexpected(u"expected an array of record results"_s);
    const QJsonArray a = value.toArray();
    if (expected >= 0 && a.size() != expected)
        return unexpected(u"%1 record results for %2 records"_s.arg(a.size()).arg(expected));
    QList<RecordResult> out;
    out.reserve(a.size());
    for (const QJsonValue &v : a) {
        if (!v.isObject())
            return unexpected(u"a record result is not an object"_s);
        out.append(recordResult(v.toObject()));
    }
    return out;
}

Result<QList<RecordResult>> ResponseParser::recordResults(const QByteArray &body,
                                                          qsizetype expected)
{
    const Result<QJsonArray> a = array(body);
    if (!a)
        return a.error();
    return recordResults(QJsonValue(*a), expected);
}

Result<QueryPage> ResponseParser::queryPage(const QByteArray &body)
{
    const Result<QJsonObject> o = object(body);
    if (!o)
        return o.error();
    if (!o->value("records"_L1).isArray())
        return unexpected(u"a query answer without records"_s);
    QueryPage page;
    // A number beyond qint64 (1e300) would make the conversion undefined: such a count is
    // unknown (0), not a crash.
    const double total = o->value("totalSize"_L1).toDouble();
    page.totalSize = total >= 0 && total < 9.0e18 ? qint64(total) : 0;
    page.done = o->value("done"_L1).toBool(true);
    // Absent when done in real answers, null in some docs and clients: accept both.
    page.nextRecordsUrl = o->value("nextRecordsUrl"_L1).toString();
    const QJsonArray records = o->value("records"_L1).toArray();
    page.records.reserve(records.size());
    for (const QJsonValue &v : records)
        page.records.append(v.toObject());
    if (!page.done && page.nextRecordsUrl.isEmpty())
        return unexpected(u"a query page that is not done but has no nextRecordsUrl"_s);
    return page;
}

Result<QList<CompositeSubresponse>>
ResponseParser::compositeResponse(const QByteArray &body, const QStringList &referenceIds)
{
    const Result<QJsonObject> o = object(body);
    if (!o)
        return o.error();
    const QJsonValue list = o->value("compositeResponse"_L1);
    if (!list.isArray())
        return unexpected(u"a Composite answer without compositeResponse"_s);
    QHash<QString, CompositeSubresponse> byReference;
    for (const QJsonValue &v : list.toArray()) {
        const QJsonObject sub = v.toObject();
        CompositeSubresponse s;
        s.referenceId = sub.value("referenceId"_L1).toString();
        s.httpStatusCode = sub.value("httpStatusCode"_L1).toInt();
        s.body = sub.value("body"_L1);
        s.httpHeaders = sub.value("httpHeaders"_L1).toObject();
        if (!s.isSuccess()) {
            s.errors = ErrorEnvelope::parseValue(s.body);
            if (s.errors.isEmpty())
                s.errors.append(ErrorEnvelope::statusItem(s.httpStatusCode));
        }
        byReference.insert(s.referenceId, s);
    }
    QList<CompositeSubresponse> out;
    out.reserve(referenceIds.size());
    for (const QString &ref : referenceIds) {
        if (!byReference.contains(ref))
            return unexpected(u"no subresponse for referenceId %1"_s.arg(ref));
        out.append(byReference.value(ref));
    }
    return out;
}

} // namespace lb::salesforce
