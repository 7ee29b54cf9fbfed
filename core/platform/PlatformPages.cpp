#include "PlatformPages.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace lb::platform::pages {
namespace {

// Any JSON value as compact text (QJsonDocument holds only objects and arrays, so the value is
// written inside a one-item array and the brackets are cut off).
QByteArray compactValue(const QJsonValue &v)
{
    return QJsonDocument(QJsonArray {v}).toJson(QJsonDocument::Compact).sliced(1).chopped(1);
}

template<typename T> Result<QList<T>> readList(const HttpResponse &r, const QJsonObject &body)
{
    const QJsonValue data = body.value(QStringLiteral("data"));
    if (!data.isArray())
        return invalidResponse(r, QStringLiteral("\"data\" is not a list."));
    const QJsonArray array = data.toArray();
    QList<T> items;
    items.reserve(array.size());
    for (const QJsonValue &v : array) {
        auto item = T::fromJson(v.toObject());
        if (!v.isObject() || !item)
            return invalidResponse(r,
                                   v.isObject() ? item.error().message
                                                : QStringLiteral("a list item is no object."));
        items.append(std::move(item).value());
    }
    return items;
}

} // namespace

Error invalidResponse(const HttpResponse &r, const QString &what)
{
    Error e = makeError(QStringLiteral("invalid_response"),
                        QStringLiteral("The platform's answer (HTTP %1) is not what the "
                                       "contract says: %2")
                            .arg(r.status)
                            .arg(what));
    e.httpStatus = r.status;
    return e;
}

QString nextCursorOf(const QJsonObject &body)
{
    const QJsonValue v = body.value(QStringLiteral("next_cursor"));
    return v.isString() ? v.toString() : QString();
}

Result<LeadPage> readLeadPage(const HttpResponse &r, const QJsonObject &body)
{
    const QJsonValue data = body.value(QStringLiteral("data"));
    if (!data.isArray())
        return invalidResponse(r, QStringLiteral("\"data\" is not a list."));
    LeadPage page;
    for (const QJsonValue &v : data.toArray()) {
        const auto reject = [&page, &v](Error error) {
            page.rejected.append({compactValue(v), std::move(error)});
        };
        if (!v.isObject()) {
            reject(makeError(QStringLiteral("invalid_record"),
                             QStringLiteral("The platform listed an item that is not a lead "
                                            "object.")));
            continue;
        }
        const QJsonObject o = v.toObject();
        if (PlatformTombstone::isTombstone(o)) {
            auto tombstone = PlatformTombstone::fromJson(o);
            if (tombstone)
                page.tombstones.append(std::move(tombstone).value());
            else
                reject(tombstone.error());
            continue;
        }
        // Observed, not contract, reading: a score of 130 is the mapping's to clamp.
        auto lead = PlatformLead::fromObserved(o);
        if (lead)
            page.leads.append(std::move(lead).value());
        else
            reject(lead.error());
    }
    page.nextCursor = nextCursorOf(body);
    return page;
}

Result<AgentPage> readAgentPage(const HttpResponse &r, const QJsonObject &body)
{
    auto agents = readList<PlatformAgent>(r, body);
    if (!agents)
        return agents.error();
    return AgentPage {std::move(agents).value(), nextCursorOf(body)};
}

Result<QList<BatchItemResult>> readBatchResults(const HttpResponse &r, const QJsonObject &body,
                                                const QStringList &ids)
{
    const QJsonArray results = body.value(QStringLiteral("results")).toArray();
    if (results.size() != ids.size())
        return invalidResponse(
            r, QStringLiteral("%1 results for %2 leads").arg(results.size()).arg(ids.size()));
    QList<BatchItemResult> out;
    out.reserve(results.size());
    for (qsizetype i = 0; i < results.size(); ++i) {
        const QJsonObject o = results.at(i).toObject();
        BatchItemResult item;
        item.id = o.value(QStringLiteral("id")).toString();
        item.status = o.value(QStringLiteral("status")).toInt();
        if (item.id != ids.at(i) || item.status < 100 || item.status > 599)
            return invalidResponse(
                r, QStringLiteral("result %1 does not answer for lead %2").arg(i).arg(ids.at(i)));
        const QJsonObject error = o.value(QStringLiteral("error")).toObject();
        item.errorCode = error.value(QStringLiteral("code")).toString();
        item.errorMessage = error.value(QStringLiteral("message")).toString();
        item.errorField = error.value(QStringLiteral("field")).toString();
        item.version = o.value(QStringLiteral("version")).toInteger();
        if (o.value(QStringLiteral("current")).isObject()) {
            const QJsonObject current = o.value(QStringLiteral("current")).toObject();
            if (PlatformTombstone::isTombstone(current)) {
                if (auto tombstone = PlatformTombstone::fromJson(current))
                    item.tombstone = std::move(tombstone).value();
            } else if (auto lead = PlatformLead::fromJson(current)) {
                item.current = std::move(lead).value();
            }
        }
        out.append(std::move(item));
    }
    return out;
}

} // namespace lb::platform::pages
