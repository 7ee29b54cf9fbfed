#include "SaveResultJson.h"

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

void SaveResultJson::write(JsonWriter &w, const SaveResult &r, bool withCreated)
{
    w.beginObject();
    if (!r.id.isEmpty())
        w.key("id"_L1).value(QStringView(r.id));
    w.key("success"_L1).value(r.success);
    w.key("errors"_L1).beginArray();
    if (r.isEvent) {
        // Publishing only queues the event; newer versions say so inside "errors".
        w.beginObject();
        w.key("statusCode"_L1).value("OPERATION_ENQUEUED"_L1);
        w.key("message"_L1).value(QStringView(r.eventUuid));
        w.key("fields"_L1).beginArray().endArray();
        w.endObject();
    }
    for (const SfError &e : r.errors) {
        w.beginObject();
        w.key("statusCode"_L1).value(QStringView(e.code));
        w.key("message"_L1).value(QStringView(e.message));
        w.key("fields"_L1).beginArray();
        for (const QString &f : e.fields)
            w.value(QStringView(f));
        w.endArray();
        w.endObject();
    }
    w.endArray();
    if (withCreated && r.created)
        w.key("created"_L1).value(*r.created);
    w.endObject();
}

QByteArray SaveResultJson::toJson(const SaveResult &result, bool withCreated)
{
    JsonWriter w;
    write(w, result, withCreated);
    return w.take();
}

} // namespace lb::sandbox
