#include "ApiResponse.h"

#include "JsonWriter.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

QByteArray ApiResponse::header(const QByteArray &name) const
{
    for (const auto &[k, v] : headers) {
        if (k.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    }
    return {};
}

void ApiResponse::setHeader(const QByteArray &name, const QByteArray &value)
{
    for (auto &[k, v] : headers) {
        if (k.compare(name, Qt::CaseInsensitive) == 0) {
            v = value;
            return;
        }
    }
    headers.append({name, value});
}

ApiResponse ApiResponse::json(int status, QByteArray body)
{
    ApiResponse r;
    r.status = status;
    r.body = std::move(body);
    r.headers.append({"Content-Type", kJsonType.toByteArray()});
    return r;
}

ApiResponse ApiResponse::noContent()
{
    ApiResponse r;
    r.status = 204;
    return r;
}

QByteArray ApiResponse::errorsJson(const QList<SfError> &errors)
{
    JsonWriter w;
    w.beginArray();
    for (const SfError &e : errors) {
        w.beginObject();
        w.key("message"_L1).value(QStringView(e.message));
        w.key("errorCode"_L1).value(QStringView(e.code));
        if (e.hasFields) {
            w.key("fields"_L1).beginArray();
            for (const QString &f : e.fields)
                w.value(QStringView(f));
            w.endArray();
        }
        w.endObject();
    }
    w.endArray();
    return w.take();
}

ApiResponse ApiResponse::errors(int status, const QList<SfError> &errors)
{
    return json(status, errorsJson(errors));
}

ApiResponse ApiResponse::oauthError(int status, const QString &error, const QString &description)
{
    return json(
        status,
        QJsonDocument(QJsonObject {{u"error"_s, error}, {u"error_description"_s, description}})
            .toJson(QJsonDocument::Compact));
}

} // namespace lb::sandbox
