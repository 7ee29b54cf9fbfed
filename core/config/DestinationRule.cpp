#include "DestinationRule.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace lb {
namespace {

using Op = RuleCondition::Op;

Error ruleError(const QString &message)
{
    return makeError(QStringLiteral("destination_rule"), message);
}

bool isOrdering(Op op)
{
    return op == Op::Greater || op == Op::GreaterOrEqual || op == Op::Less || op == Op::LessOrEqual;
}

std::optional<Op> opFromText(const QString &text)
{
    static const QList<QPair<QString, Op>> ops {
        {QStringLiteral("="), Op::Equal},           {QStringLiteral("=="), Op::Equal},
        {QStringLiteral("!="), Op::NotEqual},       {QStringLiteral(">"), Op::Greater},
        {QStringLiteral(">="), Op::GreaterOrEqual}, {QStringLiteral("<"), Op::Less},
        {QStringLiteral("<="), Op::LessOrEqual},    {QStringLiteral("in"), Op::OneOf}};
    for (const auto &[name, op] : ops) {
        if (text.compare(name, Qt::CaseInsensitive) == 0)
            return op;
    }
    return std::nullopt;
}

// A scalar of the rule: a JSON number stays a number, a string stays text.
std::optional<QVariant> scalar(const QJsonValue &v)
{
    if (v.isDouble())
        return QVariant(v.toDouble());
    if (v.isString())
        return QVariant(v.toString());
    return std::nullopt;
}

// The lead's value as a number, when it is one (a JSON number or text that reads as one).
std::optional<double> asNumber(const QJsonValue &v)
{
    if (v.isDouble())
        return v.toDouble();
    if (v.isString()) {
        bool ok = false;
        const double d = v.toString().trimmed().toDouble(&ok);
        if (ok)
            return d;
    }
    return std::nullopt;
}

QString asText(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return QString::number(v.toDouble(), 'g', 15);
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return {};
}

bool equalsValue(const QJsonValue &value, const QVariant &want)
{
    if (want.typeId() == QMetaType::Double) {
        const auto n = asNumber(value);
        return n && *n == want.toDouble();
    }
    return asText(value).compare(want.toString(), Qt::CaseInsensitive) == 0;
}

Result<RuleCondition> condition(const QString &field, Op op, const QList<QVariant> &values)
{
    if (field.isEmpty())
        return ruleError(QStringLiteral("a condition needs a field name"));
    if (values.isEmpty())
        return ruleError(QStringLiteral("%1: needs at least one value").arg(field));
    if (isOrdering(op)) {
        if (values.size() != 1 || values.first().typeId() != QMetaType::Double)
            return ruleError(QStringLiteral("%1: '%2' compares numbers, so it needs a number")
                                 .arg(field, RuleCondition::opText(op)));
    }
    return RuleCondition {field, op, values};
}

QString valueText(const QVariant &v)
{
    if (v.typeId() == QMetaType::Double)
        return QString::number(v.toDouble(), 'g', 15);
    const QString s = v.toString();
    static const QRegularExpression plain(QStringLiteral(R"(^[A-Za-z_][A-Za-z0-9_.@-]*$)"));
    if (plain.match(s).hasMatch() && s.compare(QStringLiteral("and"), Qt::CaseInsensitive) != 0
        && s.compare(QStringLiteral("in"), Qt::CaseInsensitive) != 0)
        return s;
    QString quoted = s;
    quoted.replace(u'"', QStringLiteral("\\\""));
    return u'"' + quoted + u'"';
}

} // namespace

QString RuleCondition::opText(Op op)
{
    switch (op) {
    case Op::OneOf:
        return QStringLiteral("in");
    case Op::Equal:
        return QStringLiteral("=");
    case Op::NotEqual:
        return QStringLiteral("!=");
    case Op::Greater:
        return QStringLiteral(">");
    case Op::GreaterOrEqual:
        return QStringLiteral(">=");
    case Op::Less:
        return QStringLiteral("<");
    case Op::LessOrEqual:
        return QStringLiteral("<=");
    }
    return {};
}

bool RuleCondition::holds(const QJsonValue &value) const
{
    const bool absent = value.isUndefined() || value.isNull();
    switch (op) {
    case Op::OneOf:
        return !absent && std::any_of(values.begin(), values.end(), [&](const QVariant &v) {
            return equalsValue(value, v);
        });
    case Op::Equal:
        return !absent && equalsValue(value, values.first());
    case Op::NotEqual:
        return absent || !equalsValue(value, values.first());
    default:
        break;
    }
    const auto n = absent ? std::nullopt : asNumber(value);
    if (!n)
        return false; // no number to compare: the condition cannot hold
    const double want = values.first().toDouble();
    switch (op) {
    case Op::Greater:
        return *n > want;
    case Op::GreaterOrEqual:
        return *n >= want;
    case Op::Less:
        return *n < want;
    case Op::LessOrEqual:
        return *n <= want;
    default:
        return false;
    }
}

Result<DestinationRule> DestinationRule::fromJson(const QJsonValue &when)
{
    DestinationRule rule;
    if (when.isUndefined() || when.isNull())
        return rule;
    if (!when.isObject())
        return ruleError(QStringLiteral("must be an object of field conditions"));
    const QJsonObject object = when.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString field = it.key();
        const QJsonValue v = it.value();
        if (v.isArray()) {
            QList<QVariant> options;
            for (const QJsonValue &item : v.toArray()) {
                auto s = scalar(item);
                if (!s)
                    return ruleError(
                        QStringLiteral("%1: a list holds strings or numbers").arg(field));
                options.append(*s);
            }
            auto c = condition(field, Op::OneOf, options);
            if (!c)
                return c.error();
            rule.m_conditions.append(*c);
        } else if (v.isObject()) {
            const QJsonObject comparisons = v.toObject();
            if (comparisons.isEmpty())
                return ruleError(QStringLiteral("%1: needs at least one comparison").arg(field));
            for (auto cmp = comparisons.begin(); cmp != comparisons.end(); ++cmp) {
                const auto op = opFromText(cmp.key());
                if (!op || *op == Op::OneOf)
                    return ruleError(QStringLiteral("%1: unknown comparison \"%2\" (use >=, <=, "
                                                    ">, <, =, !=)")
                                         .arg(field, cmp.key()));
                auto s = scalar(cmp.value());
                if (!s)
                    return ruleError(QStringLiteral("%1: '%2' needs a string or a number")
                                         .arg(field, cmp.key()));
                auto c = condition(field, *op, {*s});
                if (!c)
                    return c.error();
                rule.m_conditions.append(*c);
            }
        } else if (auto s = scalar(v)) {
            rule.m_conditions.append(RuleCondition {field, Op::Equal, {*s}});
        } else {
            return ruleError(
                QStringLiteral("%1: must be a value, a list of values or an object of comparisons")
                    .arg(field));
        }
    }
    return rule;
}

bool DestinationRule::matches(const QJsonObject &data) const
{
    return std::all_of(m_conditions.begin(), m_conditions.end(),
                       [&](const RuleCondition &c) { return c.holds(data.value(c.field)); });
}

QString DestinationRule::toText() const
{
    QStringList parts;
    for (const RuleCondition &c : m_conditions) {
        if (c.op == Op::OneOf) {
            QStringList options;
            for (const QVariant &v : c.values)
                options.append(valueText(v));
            parts.append(c.field + QStringLiteral(" in [") + options.join(QStringLiteral(", "))
                         + u']');
        } else {
            parts.append(c.field + u' ' + RuleCondition::opText(c.op) + u' '
                         + valueText(c.values.first()));
        }
    }
    return parts.join(QStringLiteral(" and "));
}

QJsonObject DestinationRule::toJson() const
{
    QJsonObject when;
    for (const RuleCondition &c : m_conditions) {
        if (c.op == Op::OneOf) {
            QJsonArray options;
            for (const QVariant &v : c.values)
                options.append(QJsonValue::fromVariant(v));
            when.insert(c.field, options);
            continue;
        }
        QJsonObject comparisons = when.value(c.field).toObject();
        comparisons.insert(RuleCondition::opText(c.op), QJsonValue::fromVariant(c.values.first()));
        when.insert(c.field, comparisons);
    }
    return when;
}

} // namespace lb
