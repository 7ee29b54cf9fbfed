#include "Transform.h"

#include "PhoneFormatter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <algorithm>

namespace lb {
namespace {

Error specError(const QString &what)
{
    return makeError(QStringLiteral("mapping"), what);
}

QString displayValue(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    const QByteArray json = QJsonDocument(QJsonArray {v}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(json.mid(1, json.size() - 2));
}

bool isEmpty(const QJsonValue &v)
{
    return v.isNull() || v.isUndefined() || (v.isString() && v.toString().trimmed().isEmpty());
}

} // namespace

QString Transform::name() const
{
    switch (m_kind) {
    case Kind::Trim:
        return QStringLiteral("trim");
    case Kind::Lower:
        return QStringLiteral("lower");
    case Kind::Default:
        return QStringLiteral("default");
    case Kind::E164:
        return QStringLiteral("e164");
    case Kind::Map:
        return QStringLiteral("map");
    case Kind::Clamp:
        return QStringLiteral("clamp");
    case Kind::Split:
        return QStringLiteral("split");
    }
    return {};
}

Result<Transform> Transform::fromJson(const QJsonValue &spec)
{
    Transform t;
    if (spec.isString()) {
        const QString name = spec.toString();
        if (name == QLatin1String("trim"))
            t.m_kind = Kind::Trim;
        else if (name == QLatin1String("lower"))
            t.m_kind = Kind::Lower;
        else
            return specError(
                QStringLiteral("unknown transform \"%1\" (known: trim, lower, default, "
                               "e164, map, clamp, split)")
                    .arg(name));
        return t;
    }
    if (!spec.isObject() || spec.toObject().size() != 1)
        return specError(QStringLiteral("a transform is a name or an object with one key"));
    const QJsonObject o = spec.toObject();
    const QString name = o.begin().key();
    t.m_argument = o.begin().value();
    if (name == QLatin1String("default")) {
        t.m_kind = Kind::Default;
    } else if (name == QLatin1String("e164")) {
        t.m_kind = Kind::E164;
        if (!t.m_argument.isString() || t.m_argument.toString().size() != 2)
            return specError(QStringLiteral("e164 needs a two-letter default region, e.g. \"US\""));
    } else if (name == QLatin1String("map")) {
        t.m_kind = Kind::Map;
        if (!t.m_argument.isObject())
            return specError(QStringLiteral("map needs an object of value pairs"));
        QSet<QString> targets;
        for (const QJsonValue &v : t.m_argument.toObject()) {
            if (!v.isString())
                return specError(QStringLiteral("map values must be strings"));
            if (targets.contains(v.toString()))
                return specError(QStringLiteral("map is not reversible: \"%1\" appears twice")
                                     .arg(v.toString()));
            targets.insert(v.toString());
        }
    } else if (name == QLatin1String("clamp")) {
        t.m_kind = Kind::Clamp;
        const QJsonArray a = t.m_argument.toArray();
        if (a.size() != 2 || !a.at(0).isDouble() || !a.at(1).isDouble()
            || a.at(0).toDouble() > a.at(1).toDouble())
            return specError(QStringLiteral("clamp needs [min, max] with min <= max"));
    } else if (name == QLatin1String("split")) {
        t.m_kind = Kind::Split;
        if (!t.m_argument.isString() || t.m_argument.toString().isEmpty())
            return specError(QStringLiteral("split needs a separator string"));
    } else {
        return specError(QStringLiteral("unknown transform \"%1\"").arg(name));
    }
    return t;
}

QJsonValue Transform::toJson() const
{
    if (m_kind == Kind::Trim || m_kind == Kind::Lower)
        return name();
    return QJsonObject {{name(), m_argument}};
}

Result<QJsonValue> Transform::forward(const QJsonValue &value) const
{
    switch (m_kind) {
    case Kind::Trim:
        return value.isString() ? QJsonValue(value.toString().trimmed()) : value;
    case Kind::Lower:
        return value.isString() ? QJsonValue(value.toString().toLower()) : value;
    case Kind::Default:
        return isEmpty(value) ? m_argument : value;
    case Kind::E164: {
        if (!value.isString() || value.toString().trimmed().isEmpty())
            return value;
        const auto e164 = PhoneFormatter::toE164(value.toString(), m_argument.toString());
        return e164 ? QJsonValue(*e164) : QJsonValue(value.toString().trimmed());
    }
    case Kind::Map: {
        if (!value.isString())
            return value;
        const QJsonObject map = m_argument.toObject();
        const auto it = map.constFind(value.toString());
        return it != map.constEnd() ? it.value() : value;
    }
    case Kind::Clamp: {
        if (value.isNull() || value.isUndefined())
            return value;
        if (!value.isDouble())
            return makeError(
                QStringLiteral("INVALID_TYPE_ON_FIELD_IN_RECORD"),
                QStringLiteral("value not of required type: %1").arg(displayValue(value)));
        const QJsonArray range = m_argument.toArray();
        return QJsonValue(
            std::clamp(value.toDouble(), range.at(0).toDouble(), range.at(1).toDouble()));
    }
    case Kind::Split: {
        if (!value.isArray())
            return value;
        QStringList parts;
        for (const QJsonValue &v : value.toArray())
            parts.append(v.toString());
        return QJsonValue(parts.join(m_argument.toString()));
    }
    }
    return value;
}

Result<QJsonValue> Transform::reverse(const QJsonValue &value) const
{
    switch (m_kind) {
    case Kind::Trim:
    case Kind::Lower:
    case Kind::Clamp:
        return forward(value);
    case Kind::Default:
    case Kind::E164:
        return value;
    case Kind::Map: {
        if (!value.isString())
            return value;
        const QJsonObject map = m_argument.toObject();
        for (auto it = map.begin(); it != map.end(); ++it) {
            if (it.value().toString() == value.toString())
                return QJsonValue(it.key());
        }
        return value;
    }
    case Kind::Split: {
        if (!value.isString())
            return value.isNull() ? QJsonValue(QJsonArray()) : value;
        QJsonArray out;
        for (const QString &part :
             value.toString().split(m_argument.toString(), Qt::SkipEmptyParts))
            out.append(part.trimmed());
        return QJsonValue(out);
    }
    }
    return value;
}

} // namespace lb
