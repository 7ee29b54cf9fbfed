#include "QueryResource.h"

#include "RecordRenderer.h"
#include "SandboxOrg.h"
#include "SoqlBinder.h"
#include "SoqlEvaluator.h"
#include "SoqlParser.h"

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

namespace {

ApiResponse invalidLocator()
{
    return ApiResponse::error(400, u"INVALID_QUERY_LOCATOR"_s, u"invalid query locator"_s);
}

} // namespace

QueryResource::QueryResource(SandboxOrg &org)
    : m_org(org)
{ }

int QueryResource::requestedBatchSize(const QByteArray &header)
{
    for (QByteArray part : header.split(';')) {
        part = part.trimmed();
        if (!part.toLower().startsWith("batchsize="))
            continue;
        bool ok = false;
        const int n = part.mid(10).trimmed().toInt(&ok);
        if (ok)
            return qBound(kMinBatch, n, kMaxBatch);
    }
    return 0;
}

ApiResponse QueryResource::handle(const RestCall &call)
{
    if (call.method() != "GET" && call.method() != "HEAD")
        return ApiResponse::error(405, u"METHOD_NOT_ALLOWED"_s,
                                  u"HTTP Method '%1' not allowed. Allowed are HEAD,GET"_s.arg(
                                      QString::fromLatin1(call.method())));
    if (call.path.size() == 2) {
        const QString &tail = call.path[1];
        const qsizetype dash = tail.lastIndexOf(u'-');
        bool ok = false;
        const int offset = dash > 0 ? tail.mid(dash + 1).toInt(&ok) : 0;
        if (!ok || offset < 0)
            return invalidLocator();
        return page(call, tail.left(dash), offset);
    }
    if (call.path.size() != 1)
        return ApiResponse::error(404, u"NOT_FOUND"_s, u"The requested resource does not exist"_s);
    if (!call.request.hasQuery(u"q"_s))
        return ApiResponse::error(400, u"MALFORMED_QUERY"_s,
                                  u"A query string has to be specified"_s);
    const auto parsed = SoqlParser::parse(call.request.queryValue(u"q"_s));
    if (!parsed)
        return ApiResponse::error(400, parsed.error().code, parsed.error().message);
    const auto bound = SoqlBinder::bind(*parsed, m_org.schema(), m_org.nowMs());
    if (!bound)
        return ApiResponse::error(400, bound.error().code, bound.error().message);
    const bool all = call.path[0] == "queryAll"_L1;
    QueryCursorStore::Cursor cursor;
    cursor.query = *bound;
    cursor.ids = SoqlEvaluator(m_org.data()).run(**bound, all);
    const int batch = requestedBatchSize(call.request.header("sforce-query-options"));
    cursor.batchSize = batch > 0 ? batch : kMaxBatch;
    cursor.lastUsedMs = m_org.nowMs();
    if ((*bound)->count || cursor.ids.size() <= cursor.batchSize) {
        JsonWriter w;
        w.beginObject();
        w.key("totalSize"_L1).value(qint64(cursor.ids.size()));
        w.key("done"_L1).value(true);
        w.key("records"_L1).beginArray();
        if (!(*bound)->count) {
            const RecordRenderer renderer(m_org.data(), call.version);
            const RecordTable *table = m_org.data().table((*bound)->object->name());
            for (const QString &id : cursor.ids)
                renderer.writeQueryRecord(w, **bound, table->at(table->rowOf(id)));
        }
        w.endArray();
        w.endObject();
        return ApiResponse::json(200, w.take());
    }
    const QString locator = m_org.cursors().open(std::move(cursor), m_org.data().ids(u"01g"_s));
    return page(call, locator, 0);
}

ApiResponse QueryResource::page(const RestCall &call, const QString &locator, int offset)
{
    QueryCursorStore::Cursor *cursor = m_org.cursors().find(locator, m_org.nowMs());
    if (!cursor)
        return invalidLocator();
    const int requested = requestedBatchSize(call.request.header("sforce-query-options"));
    const int batch = requested > 0 ? requested : cursor->batchSize;
    const qsizetype total = cursor->ids.size();
    const qsizetype begin = qMin<qsizetype>(offset, total);
    const qsizetype end = qMin<qsizetype>(begin + batch, total);
    const RecordRenderer renderer(m_org.data(), call.version);
    const RecordTable *table = m_org.data().table(cursor->query->object->name());
    JsonWriter w;
    w.beginObject();
    w.key("totalSize"_L1).value(qint64(total));
    w.key("done"_L1).value(end >= total);
    if (end < total) {
        w.key("nextRecordsUrl"_L1)
            .value(QStringView(
                QString(call.base() + u"/query/"_s + locator + u'-' + QString::number(end))));
    }
    w.key("records"_L1).beginArray();
    for (qsizetype i = begin; i < end; ++i) {
        const int row = table->rowOf(cursor->ids[i]);
        if (row >= 0)
            renderer.writeQueryRecord(w, *cursor->query, table->at(row));
    }
    w.endArray();
    w.endObject();
    return ApiResponse::json(200, w.take());
}

} // namespace lb::sandbox
