#pragma once

#include "SoqlToken.h"

#include <QStringList>

#include <optional>
#include <vector>

namespace lb::sandbox {

// A field as written: "Email", "Assigned_Agent__r.Platform_Agent_Id__c".
struct SoqlFieldRef
{
    QStringList path;
    QString text;
    SoqlPos pos;
};

struct SoqlValue
{
    enum class Kind { Null, Boolean, Number, String, Date, DateTime, DateLiteral };

    Kind kind = Kind::Null;
    QString text; // as written
    QString string; // String: decoded
    QString likePattern; // String: decoded except \% and \_
    double number = 0;
    bool boolean = false;
    qint64 ms = 0; // DateTime: UTC ms
    qint64 days = 0; // Date: days since epoch
    QString function; // DateLiteral: TODAY, LAST_N_DAYS, ... (upper case)
    int n = 0; // DateLiteral: the :n argument
    SoqlPos pos;
};

enum class SoqlOp { Eq, Ne, Lt, Le, Gt, Ge, Like, In, NotIn, Includes, Excludes };

struct SoqlCondition
{
    enum class Kind { And, Or, Not, Compare };

    Kind kind = Kind::Compare;
    std::vector<SoqlCondition> children; // And/Or: 2+, Not: 1
    SoqlFieldRef field;
    SoqlOp op = SoqlOp::Eq;
    std::vector<SoqlValue> values; // 1, or the IN/INCLUDES list
    SoqlPos opPos;
};

struct SoqlOrder
{
    SoqlFieldRef field;
    bool descending = false;
    std::optional<bool> nullsFirst;
};

struct SoqlQuery
{
    QString text;
    bool count = false; // SELECT COUNT()
    std::vector<SoqlFieldRef> fields;
    QString object;
    SoqlPos objectPos;
    std::optional<SoqlCondition> where;
    std::vector<SoqlOrder> orderBy;
    std::optional<qint64> limit;
    std::optional<qint64> offset;
};

} // namespace lb::sandbox
