#pragma once

#include "util/Result.h"

#include <QJsonValue>

namespace lb {

// One step of a field's conversion. Written in the platform -> Salesforce direction; each
// transform also knows its reverse for Salesforce -> platform:
//   trim, lower          both ways
//   default(v)           forward: empty -> v; reverse: unchanged
//   e164(region)         forward: phone to E.164 (unparsable numbers pass unchanged); reverse:
//   unchanged map{a: b}            forward a -> b, reverse b -> a; unknown values pass unchanged
//   clamp[min, max]      both ways; a non-number is an error
//   split(sep)           platform list <-> Salesforce "a;b" text (multi-select picklists)
class Transform
{
public:
    enum class Kind { Trim, Lower, Default, E164, Map, Clamp, Split };

    static Result<Transform> fromJson(const QJsonValue &spec);
    QJsonValue toJson() const;

    Result<QJsonValue> forward(const QJsonValue &value) const;
    Result<QJsonValue> reverse(const QJsonValue &value) const;

    Kind kind() const { return m_kind; }
    QString name() const;

private:
    Kind m_kind = Kind::Trim;
    QJsonValue m_argument;
};

} // namespace lb
