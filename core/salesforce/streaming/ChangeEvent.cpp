#include "ChangeEvent.h"

#include "BayeuxMessage.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace lb::salesforce::streaming {

namespace {

constexpr std::pair<ChangeType, const char *> kNames[] = {
    {ChangeType::Create, "CREATE"},
    {ChangeType::Update, "UPDATE"},
    {ChangeType::Delete, "DELETE"},
    {ChangeType::Undelete, "UNDELETE"},
    {ChangeType::GapCreate, "GAP_CREATE"},
    {ChangeType::GapUpdate, "GAP_UPDATE"},
    {ChangeType::GapDelete, "GAP_DELETE"},
    {ChangeType::GapUndelete, "GAP_UNDELETE"},
    {ChangeType::GapOverflow, "GAP_OVERFLOW"},
};

Error bad(const QString &why)
{
    return Error {u"change_event_malformed"_s, u"Malformed change event: "_s + why};
}

std::optional<qint64> integer(const QJsonValue &v)
{
    if (!v.isDouble())
        return std::nullopt;
    const double d = v.toDouble();
    if (d < -9e15 || d > 9e15 || d != double(qint64(d)))
        return std::nullopt;
    return qint64(d);
}

std::optional<QStringList> texts(const QJsonValue &v)
{
    if (v.isUndefined() || v.isNull())
        return QStringList();
    if (!v.isArray())
        return std::nullopt;
    QStringList out;
    for (const QJsonValue &e : v.toArray()) {
        if (!e.isString())
            return std::nullopt;
        out.append(e.toString());
    }
    return out;
}

} // namespace

QString changeTypeName(ChangeType type)
{
    for (const auto &[t, name] : kNames) {
        if (t == type)
            return QString::fromLatin1(name);
    }
    return {};
}

std::optional<ChangeType> changeTypeFromName(const QString &name)
{
    for (const auto &[t, text] : kNames) {
        if (name == QLatin1StringView(text))
            return t;
    }
    return std::nullopt;
}

QString ChangeEvent::clientOf(const QString &changeOrigin)
{
    const qsizetype at = changeOrigin.indexOf(u"client="_s);
    if (at < 0)
        return {};
    QString client = changeOrigin.mid(at + 7);
    const qsizetype end = client.indexOf(u';');
    return (end >= 0 ? client.left(end) : client).trimmed();
}

Result<ChangeEvent> ChangeEvent::fromDelivery(const BayeuxMessage &message)
{
    if (!message.isDelivery())
        return bad(u"not an event delivery"_s);
    ChangeEvent e;
    e.channel = message.channel;
    const QJsonObject &data = message.data;
    const auto replayId = integer(data.value(u"event").toObject().value(u"replayId"));
    if (!replayId || *replayId < 0)
        return bad(u"event.replayId is missing or not a whole number"_s);
    e.replayId = *replayId;
    e.schemaId = data.value(u"schema").toString();
    if (!data.value(u"payload").isObject())
        return bad(u"payload is missing"_s);
    QJsonObject payload = data.value(u"payload").toObject();
    const QJsonValue headerValue = payload.take(u"ChangeEventHeader");
    if (!headerValue.isObject())
        return bad(u"ChangeEventHeader is missing"_s);
    const QJsonObject h = headerValue.toObject();
    e.entityName = h.value(u"entityName").toString();
    if (e.entityName.isEmpty())
        return bad(u"entityName is missing"_s);
    const auto type = changeTypeFromName(h.value(u"changeType").toString());
    if (!type)
        return bad(u"unknown changeType "_s + h.value(u"changeType").toString().left(40));
    e.changeType = *type;
    const auto ids = texts(h.value(u"recordIds"));
    if (!ids)
        return bad(u"recordIds is not a list of ids"_s);
    e.recordIds = *ids;
    if (e.recordIds.isEmpty() && e.changeType != ChangeType::GapOverflow)
        return bad(u"recordIds is empty"_s);
    const auto changed = texts(h.value(u"changedFields"));
    if (!changed)
        return bad(u"changedFields is not a list of names"_s);
    e.changedFields = *changed;
    e.changeOrigin = h.value(u"changeOrigin").toString();
    e.originClient = clientOf(e.changeOrigin);
    e.transactionKey = h.value(u"transactionKey").toString();
    e.sequenceNumber = int(integer(h.value(u"sequenceNumber")).value_or(0));
    e.commitTimestampMs = integer(h.value(u"commitTimestamp")).value_or(0);
    e.commitNumber = integer(h.value(u"commitNumber")).value_or(0);
    e.commitUser = h.value(u"commitUser").toString();
    e.fields = payload;
    return e;
}

} // namespace lb::salesforce::streaming
