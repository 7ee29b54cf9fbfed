#include "BayeuxMessage.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;

namespace lb::salesforce::streaming {

namespace {

Error malformed(const QString &why)
{
    return Error {u"bayeux_malformed"_s, u"Malformed Streaming API answer: "_s + why};
}

// A Bayeux "id" may be a string or a number; anything else is not an id.
std::optional<QString> textOrNumber(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return QString::number(v.toDouble(), 'g', 17);
    if (v.isUndefined() || v.isNull())
        return QString();
    return std::nullopt;
}

std::optional<qint64> wholeNumber(const QJsonValue &v)
{
    if (!v.isDouble())
        return std::nullopt;
    const double d = v.toDouble();
    if (d < 0 || d > 9e15 || d != double(qint64(d)))
        return std::nullopt;
    return qint64(d);
}

} // namespace

int BayeuxMessage::errorStatus() const
{
    const qsizetype sep = error.indexOf(u"::");
    bool ok = false;
    const int status = sep > 0 ? error.left(sep).toInt(&ok) : 0;
    return ok ? status : 0;
}

bool BayeuxMessage::isUnknownClient() const
{
    return error.contains(u"Unknown client"_s, Qt::CaseInsensitive)
        || (successful == false && advice && advice->reconnect == "handshake"_L1);
}

bool BayeuxMessage::isAuthenticationFailure() const
{
    return failureReason.startsWith(u"401::"_s) || error.startsWith(u"401::"_s)
        || error == "403::Handshake denied"_L1;
}

Result<BayeuxMessage> BayeuxMessage::fromJson(const QJsonObject &o)
{
    BayeuxMessage m;
    const QJsonValue channel = o.value(u"channel");
    if (!channel.isString() && !channel.isUndefined() && !channel.isNull())
        return malformed(u"channel is not text"_s);
    m.channel = channel.toString();
    const auto id = textOrNumber(o.value(u"id"));
    if (!id)
        return malformed(u"id is neither text nor a number"_s);
    m.id = *id;
    m.clientId = o.value(u"clientId").toString();
    if (o.contains(u"successful")) {
        if (!o.value(u"successful").isBool())
            return malformed(u"successful is not a boolean"_s);
        m.successful = o.value(u"successful").toBool();
    }
    if (o.contains(u"error") && !o.value(u"error").isString())
        return malformed(u"error is not text"_s);
    m.error = o.value(u"error").toString();
    m.subscription = o.value(u"subscription").toString();
    if (o.contains(u"advice")) {
        const QJsonValue a = o.value(u"advice");
        if (!a.isObject())
            return malformed(u"advice is not an object"_s);
        BayeuxAdvice advice;
        advice.reconnect = a.toObject().value(u"reconnect").toString();
        advice.intervalMs = wholeNumber(a.toObject().value(u"interval"));
        advice.timeoutMs = wholeNumber(a.toObject().value(u"timeout"));
        m.advice = advice;
    }
    const QJsonObject ext = o.value(u"ext").toObject();
    m.replaySupported = ext.value(u"replay").toBool();
    m.failureReason = ext.value(u"sfdc").toObject().value(u"failureReason").toString();
    if (o.contains(u"data")) {
        if (!o.value(u"data").isObject())
            return malformed(u"data is not an object"_s);
        m.data = o.value(u"data").toObject();
    }
    if (m.channel.isEmpty() && !m.successful.has_value())
        return malformed(u"a message without channel and outcome"_s);
    return m;
}

Result<QList<BayeuxMessage>> BayeuxMessage::parseAnswer(const QByteArray &body)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (doc.isNull())
        return malformed(parseError.errorString());
    QJsonArray array;
    if (doc.isArray())
        array = doc.array();
    else
        array.append(doc.object());
    QList<BayeuxMessage> out;
    out.reserve(array.size());
    for (const QJsonValue &v : std::as_const(array)) {
        if (!v.isObject())
            return malformed(u"an element is not an object"_s);
        auto m = fromJson(v.toObject());
        if (!m)
            return m.error();
        out.append(std::move(*m));
    }
    return out;
}

} // namespace lb::salesforce::streaming
