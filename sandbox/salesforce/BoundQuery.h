#pragma once

#include "ObjectDef.h"
#include "SoqlAst.h"

#include <QJsonValue>

#include <memory>

namespace lb::sandbox {

// A field resolved against the schema: on the queried object, or one lookup away
// (Assigned_Agent__r.Platform_Agent_Id__c).
struct BoundField
{
    const ObjectDef *object = nullptr; // where the value lives
    int index = -1; // in `object`
    int referenceIndex = -1; // the lookup on the queried object, for relationship fields
    QString relationshipName; // canonical, e.g. Assigned_Agent__r

    const FieldDef &def() const { return object->field(index); }
    bool isRelationship() const { return referenceIndex >= 0; }
};

struct BoundCondition
{
    SoqlCondition::Kind kind = SoqlCondition::Kind::Compare;
    std::vector<BoundCondition> children;
    BoundField field;
    SoqlOp op = SoqlOp::Eq;
    std::vector<QJsonValue> values; // canonical, comparable with stored values
    bool isRange = false; // a date literal: [from, to)
    QJsonValue from;
    QJsonValue to;
    QString likePattern; // lower case; \% and \_ are literal
    std::vector<QStringList> includes; // INCLUDES/EXCLUDES: each entry's ';' parts, lower case
};

struct BoundOrder
{
    BoundField field;
    bool descending = false;
    bool nullsFirst = true;
};

// A query checked against the schema and ready to run; shared by the cursor that pages it.
struct BoundQuery
{
    const ObjectDef *object = nullptr;
    bool count = false;
    std::vector<BoundField> select;
    std::optional<BoundCondition> where;
    std::vector<BoundOrder> orderBy;
    std::optional<qint64> limit;
    qint64 offset = 0;
};

} // namespace lb::sandbox
