#pragma once

#include "util/Result.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QVariant>

namespace lb {

// One condition of a destination's `when` rule over one field of the lead as the platform names
// it (after mapping). Values are typed at load: a number compares numerically, text compares
// case-insensitively, so "score >= 80" never compares "9" and "80" as text.
struct RuleCondition
{
    enum class Op { OneOf, Equal, NotEqual, Greater, GreaterOrEqual, Less, LessOrEqual };
    QString field;
    Op op = Op::Equal;
    QList<QVariant> values; // OneOf: the options; the others: exactly one. double or QString.

    bool holds(const QJsonValue &value) const;
    static QString opText(Op op);
};

// Which events a destination wants beyond their type (PROFILE.md "Destinations and alerts"):
// every condition must hold; no condition = every event. Parsed once when the profile loads,
// so a bad rule is refused with its reason before any event is matched.
class DestinationRule
{
public:
    // The profile's form: {"status": ["won", "working"], "score": {">=": 80}, "state": "TX"}.
    // Errors name the key ("score: ...") for the caller to prefix with the JSON path.
    static Result<DestinationRule> fromJson(const QJsonValue &when);
    // The text form typed in the console: "status in [won, working] and score >= 80 and
    // state = TX" (also "==", "!=", "<", "<=", ">"; quotes for values with blanks).
    static Result<DestinationRule> parse(const QString &text);

    bool matches(const QJsonObject &data) const;
    bool isEmpty() const { return m_conditions.isEmpty(); }
    const QList<RuleCondition> &conditions() const { return m_conditions; }

    QString toText() const; // parse(toText()) gives the same rule
    QJsonObject toJson() const; // fromJson(toJson()) gives the same rule

private:
    QList<RuleCondition> m_conditions;
};

} // namespace lb
