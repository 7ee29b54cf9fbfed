#include "CometdMessages.h"

#include <QJsonDocument>
#include <QRandomGenerator>

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox::cometd {

ApiResponse bayeux(int status, const QJsonArray &messages)
{
    return ApiResponse::json(status, QJsonDocument(messages).toJson(QJsonDocument::Compact));
}

QJsonObject reply(const QJsonObject &message, bool successful)
{
    QJsonObject r {{u"channel"_s, message.value(u"channel")}, {u"successful"_s, successful}};
    if (message.contains(u"id"))
        r.insert(u"id"_s, message.value(u"id"));
    if (message.contains(u"clientId"))
        r.insert(u"clientId"_s, message.value(u"clientId"));
    return r;
}

QJsonObject failure(const QJsonObject &message, const QString &error)
{
    QJsonObject r = reply(message, false);
    r.insert(u"error"_s, error);
    return r;
}

QJsonObject unknownClient(const QJsonObject &message)
{
    QJsonObject r = failure(message, u"403::Unknown client"_s);
    r.insert(u"advice"_s, QJsonObject {{u"interval"_s, 0}, {u"reconnect"_s, u"handshake"_s}});
    return r;
}

QJsonObject handshakeDenied(const QJsonObject &message)
{
    QJsonObject r = failure(message, u"403::Handshake denied"_s);
    r.insert(u"ext"_s,
             QJsonObject {
                 {u"sfdc"_s, QJsonObject {{u"failureReason"_s, u"401::Authentication invalid"_s}}},
                 {u"replay"_s, true},
                 {u"payload.format"_s, true},
             });
    r.insert(u"advice"_s, QJsonObject {{u"reconnect"_s, u"none"_s}});
    return r;
}

QString cookie(const ApiRequest &request, QByteArrayView name)
{
    for (QByteArray part : request.header("cookie").split(';')) {
        part = part.trimmed();
        if (part.startsWith(name) && part.size() > name.size() && part.at(name.size()) == '=')
            return QString::fromLatin1(part.mid(name.size() + 1));
    }
    return {};
}

QString randomId(int length)
{
    static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    QString out;
    out.reserve(length);
    for (int i = 0; i < length; ++i)
        out.append(QChar::fromLatin1(kAlphabet[QRandomGenerator::global()->bounded(36)]));
    return out;
}

namespace {

ApiResponse handshakeError(const QString &error)
{
    return bayeux(400,
                  {QJsonObject {
                      {u"channel"_s, u"/meta/handshake"_s},
                      {u"error"_s, error},
                      {u"successful"_s, false},
                  }});
}

} // namespace

BayeuxRequest readBayeuxRequest(const ApiRequest &request, int maxApiVersion,
                                qsizetype maxBodyBytes)
{
    BayeuxRequest out;
    const QString version = request.segments.value(1);
    bool versionOk = false;
    const double number = version.toDouble(&versionOk);
    if (request.segments.size() != 2 || !versionOk || !version.contains(u'.')) {
        out.refusal = handshakeError(u"400::API version in the URI is mandatory. "
                                     u"URI format: '/cometd/%1.0'"_s.arg(maxApiVersion));
        return out;
    }
    if (number < 37 || number > maxApiVersion) {
        out.refusal = handshakeError(u"400::API version %1 does not support "
                                     u"durable streaming. Use 37.0 to %2.0"_s.arg(version)
                                         .arg(maxApiVersion));
        return out;
    }
    if (request.method != "POST") {
        out.refusal = ApiResponse::error(405, u"METHOD_NOT_ALLOWED"_s,
                                         u"HTTP Method '%1' not allowed. Allowed are POST"_s.arg(
                                             QString::fromLatin1(request.method)));
        return out;
    }
    if (request.body.size() > maxBodyBytes) {
        ApiResponse tooLarge = ApiResponse::json(413, "Maximum Request Size Exceeded");
        tooLarge.setHeader("Content-Type", "text/plain;charset=UTF-8");
        out.refusal = tooLarge;
        return out;
    }

    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &parseError);
    if (doc.isArray())
        out.messages = doc.array();
    else if (doc.isObject())
        out.messages.append(doc.object());
    bool wellFormed = !doc.isNull() && !out.messages.isEmpty();
    for (const QJsonValue &m : std::as_const(out.messages))
        wellFormed = wellFormed && m.isObject();
    if (!wellFormed) {
        const QString why
            = doc.isNull() ? parseError.errorString() : u"expected an array of Bayeux messages"_s;
        out.refusal = bayeux(400,
                             {QJsonObject {
                                 {u"error"_s, QString(u"400::Malformed request: "_s + why)},
                                 {u"successful"_s, false},
                             }});
        out.messages = {};
    }
    return out;
}

} // namespace lb::sandbox::cometd
