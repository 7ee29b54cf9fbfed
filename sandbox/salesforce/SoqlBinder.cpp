#include "SoqlBinder.h"

#include "OrgSchema.h"
#include "SfDateTime.h"
#include "SoqlParser.h"
#include "salesforce/SalesforceId.h"

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

namespace {

using Kind = SoqlValue::Kind;

struct Range
{
    qint64 fromDay;
    qint64 toDay; // exclusive
};

Range civilMonth(qint64 today, int monthDelta)
{
    const QString d = SfDateTime::formatDate(today);
    int year = d.left(4).toInt();
    int month = d.mid(5, 2).toInt() + monthDelta;
    while (month < 1) {
        month += 12;
        --year;
    }
    while (month > 12) {
        month -= 12;
        ++year;
    }
    const qint64 from = SfDateTime::daysFromCivil(year, month, 1);
    const qint64 to = month == 12 ? SfDateTime::daysFromCivil(year + 1, 1, 1)
                                  : SfDateTime::daysFromCivil(year, month + 1, 1);
    return {from, to};
}

Range civilYear(qint64 today, int yearDelta)
{
    const int year = SfDateTime::formatDate(today).left(4).toInt() + yearDelta;
    return {SfDateTime::daysFromCivil(year, 1, 1), SfDateTime::daysFromCivil(year + 1, 1, 1)};
}

Range dateLiteralRange(const SoqlValue &v, qint64 nowMs)
{
    const qint64 today = nowMs / SfDateTime::kMsPerDay;
    const qint64 weekStart = today - ((today + 4) % 7); // weeks start on Sunday (en_US)
    const QString &f = v.function;
    if (f == "TODAY"_L1)
        return {today, today + 1};
    if (f == "YESTERDAY"_L1)
        return {today - 1, today};
    if (f == "TOMORROW"_L1)
        return {today + 1, today + 2};
    if (f == "THIS_WEEK"_L1)
        return {weekStart, weekStart + 7};
    if (f == "LAST_WEEK"_L1)
        return {weekStart - 7, weekStart};
    if (f == "NEXT_WEEK"_L1)
        return {weekStart + 7, weekStart + 14};
    if (f == "THIS_MONTH"_L1)
        return civilMonth(today, 0);
    if (f == "LAST_MONTH"_L1)
        return civilMonth(today, -1);
    if (f == "NEXT_MONTH"_L1)
        return civilMonth(today, 1);
    if (f == "THIS_YEAR"_L1)
        return civilYear(today, 0);
    if (f == "LAST_YEAR"_L1)
        return civilYear(today, -1);
    if (f == "NEXT_YEAR"_L1)
        return civilYear(today, 1);
    if (f == "LAST_90_DAYS"_L1)
        return {today - 90, today + 1};
    if (f == "NEXT_90_DAYS"_L1)
        return {today + 1, today + 91};
    if (f == "LAST_N_DAYS"_L1)
        return {today - v.n, today + 1};
    if (f == "NEXT_N_DAYS"_L1)
        return {today + 1, today + 1 + v.n};
    return {today - v.n, today - v.n + 1}; // N_DAYS_AGO
}

QString typeName(const FieldDef &f)
{
    switch (f.type) {
    case FieldType::Boolean:
        return u"boolean"_s;
    case FieldType::Double:
    case FieldType::Currency:
        return u"double"_s;
    case FieldType::DateTime:
        return u"dateTime"_s;
    case FieldType::Date:
        return u"date"_s;
    case FieldType::Id:
    case FieldType::Reference:
        return u"id"_s;
    default:
        return u"string"_s;
    }
}

class Binder
{
public:
    Binder(const SoqlQuery &q, const OrgSchema &schema, qint64 now)
        : m_q(q)
        , m_schema(schema)
        , m_now(now)
    { }

    Result<std::shared_ptr<const BoundQuery>> run();

private:
    Error at(const QString &code, SoqlPos pos, const QString &message) const
    {
        return makeError(code, SoqlParser::positioned(m_q.text, pos, message));
    }
    Error noSuchColumn(const SoqlFieldRef &ref, const QString &name, const ObjectDef &o) const
    {
        return at(u"INVALID_FIELD"_s, ref.pos,
                  u"No such column '%1' on entity '%2'. If you are attempting to use a custom "
                  u"field, be sure to append the '__c' after the custom field name. Please "
                  u"reference your WSDL or the describe call for the appropriate names."_s.arg(
                      name, o.name()));
    }
    Result<BoundField> field(const SoqlFieldRef &ref) const;
    Result<BoundCondition> condition(const SoqlCondition &c) const;
    Result<QJsonValue> literal(const SoqlCondition &c, const BoundField &f,
                               const SoqlValue &v) const;

    const SoqlQuery &m_q;
    const OrgSchema &m_schema;
    qint64 m_now;
    const ObjectDef *m_object = nullptr;
};

Result<BoundField> Binder::field(const SoqlFieldRef &ref) const
{
    QStringList parts = ref.path;
    // "Lead.Email" names the queried object explicitly.
    if (parts.size() >= 2 && parts.first().compare(m_object->name(), Qt::CaseInsensitive) == 0
        && m_object->relationshipIndex(parts.first()) < 0)
        parts.removeFirst();
    BoundField bound;
    if (parts.size() == 1) {
        bound.object = m_object;
        bound.index = m_object->indexOf(parts.first());
        if (bound.index < 0)
            return noSuchColumn(ref, parts.first(), *m_object);
        return bound;
    }
    const int refIndex = m_object->relationshipIndex(parts.first());
    const ObjectDef *target
        = refIndex >= 0 ? m_schema.object(m_object->field(refIndex).referenceTo) : nullptr;
    if (!target || parts.size() > 2) {
        const QString rel = target ? parts[1] : parts.first();
        return at(u"INVALID_FIELD"_s, ref.pos,
                  u"Didn't understand relationship '%1' in field path. If you are attempting to "
                  u"use a custom relationship, be sure to append the '__r' after the custom "
                  u"relationship name. Please reference your WSDL or the describe call for the "
                  u"appropriate names."_s.arg(rel));
    }
    bound.object = target;
    bound.referenceIndex = refIndex;
    bound.relationshipName = m_object->field(refIndex).relationshipName;
    bound.index = target->indexOf(parts[1]);
    if (bound.index < 0)
        return noSuchColumn(ref, parts[1], *target);
    return bound;
}

Result<QJsonValue> Binder::literal(const SoqlCondition &c, const BoundField &f,
                                   const SoqlValue &v) const
{
    const FieldDef &def = f.def();
    if (v.kind == Kind::Null)
        return QJsonValue();
    auto wrongType = [&]() -> Error {
        const bool quoted = v.kind == Kind::String;
        const bool wantsQuotes = def.isText() || def.isIdLike();
        return at(
            u"INVALID_QUERY_FILTER_OPERATOR"_s, v.pos,
            u"value of filter criterion for field '%1' must be of type %2 and should %3"_s.arg(
                def.name, typeName(def),
                wantsQuotes || quoted ? u"be enclosed in quotes"_s
                                      : u"not be enclosed in quotes"_s));
    };
    switch (def.type) {
    case FieldType::Boolean:
        if (v.kind != Kind::Boolean)
            return wrongType();
        return QJsonValue(v.boolean);
    case FieldType::Double:
    case FieldType::Currency:
        if (v.kind != Kind::Number)
            return wrongType();
        return QJsonValue(v.number);
    case FieldType::DateTime:
        if (v.kind != Kind::DateTime)
            return wrongType();
        return QJsonValue(SfDateTime::format(v.ms));
    case FieldType::Date:
        if (v.kind == Kind::Date)
            return QJsonValue(SfDateTime::formatDate(v.days));
        if (v.kind == Kind::DateTime)
            return QJsonValue(SfDateTime::formatDate(v.ms / SfDateTime::kMsPerDay));
        return wrongType();
    case FieldType::Id:
    case FieldType::Reference: {
        if (v.kind != Kind::String)
            return wrongType();
        if (v.string.isEmpty())
            return QJsonValue();
        const QString canonical = lb::salesforce::SalesforceId::normalize(v.string);
        if (canonical.isEmpty() && c.op != SoqlOp::Like)
            return at(u"INVALID_QUERY_FILTER_OPERATOR"_s, v.pos,
                      u"invalid ID field: "_s + v.string);
        return QJsonValue(canonical);
    }
    default:
        if (v.kind != Kind::String)
            return wrongType();
        return v.string.isEmpty() ? QJsonValue() : QJsonValue(v.string);
    }
}

Result<BoundCondition> Binder::condition(const SoqlCondition &c) const
{
    BoundCondition b;
    b.kind = c.kind;
    if (c.kind != SoqlCondition::Kind::Compare) {
        for (const SoqlCondition &child : c.children) {
            auto bound = condition(child);
            if (!bound)
                return bound.error();
            b.children.push_back(std::move(*bound));
        }
        return b;
    }
    auto f = field(c.field);
    if (!f)
        return f.error();
    b.field = *f;
    b.op = c.op;
    const FieldDef &def = f->def();
    if (!def.filterable) {
        return at(u"INVALID_FIELD"_s, c.field.pos,
                  u"field '%1' can not be filtered in a query call"_s.arg(def.name));
    }
    const bool includes = c.op == SoqlOp::Includes || c.op == SoqlOp::Excludes;
    if (includes && def.type != FieldType::MultiPicklist) {
        return at(u"INVALID_QUERY_FILTER_OPERATOR"_s, c.opPos,
                  u"includes or excludes operator only valid on multipicklist field"_s);
    }
    if (c.op == SoqlOp::Like && !def.isText()) {
        return at(u"INVALID_QUERY_FILTER_OPERATOR"_s, c.opPos,
                  u"invalid operator on %1 field"_s.arg(typeName(def)));
    }
    for (const SoqlValue &v : c.values) {
        if (v.kind == Kind::DateLiteral) {
            const bool dateField = def.type == FieldType::Date || def.type == FieldType::DateTime;
            if (!dateField || c.values.size() != 1 || c.op == SoqlOp::In || c.op == SoqlOp::NotIn)
                return at(u"INVALID_QUERY_FILTER_OPERATOR"_s, v.pos,
                          u"value of filter criterion for field '%1' must be of type %2 and "
                          u"should not be enclosed in quotes"_s.arg(def.name, typeName(def)));
            const Range r = dateLiteralRange(v, m_now);
            b.isRange = true;
            if (def.type == FieldType::Date) {
                b.from = SfDateTime::formatDate(r.fromDay);
                b.to = SfDateTime::formatDate(r.toDay);
            } else {
                b.from = SfDateTime::format(r.fromDay * SfDateTime::kMsPerDay);
                b.to = SfDateTime::format(r.toDay * SfDateTime::kMsPerDay);
            }
            continue;
        }
        if (c.op == SoqlOp::Like) {
            b.likePattern = v.likePattern.toLower();
            b.values.push_back(QJsonValue(v.string));
            continue;
        }
        auto lit = literal(c, *f, v);
        if (!lit)
            return lit.error();
        if (c.op == SoqlOp::Includes || c.op == SoqlOp::Excludes) {
            QStringList parts;
            for (const QString &p : lit->toString().split(u';'))
                parts.append(p.trimmed().toLower());
            b.includes.push_back(parts);
        }
        b.values.push_back(*lit);
    }
    return b;
}

Result<std::shared_ptr<const BoundQuery>> Binder::run()
{
    m_object = m_schema.object(m_q.object);
    if (!m_object || m_object->isPlatformEvent()) {
        return at(u"INVALID_TYPE"_s, m_q.objectPos,
                  u"sObject type '%1' is not supported. If you are attempting to use a custom "
                  u"object, be sure to append the '__c' after the entity name. Please reference "
                  u"your WSDL or the describe call for the appropriate names."_s.arg(m_q.object));
    }
    auto bound = std::make_shared<BoundQuery>();
    bound->object = m_object;
    bound->count = m_q.count;
    for (const SoqlFieldRef &ref : m_q.fields) {
        auto f = field(ref);
        if (!f)
            return f.error();
        bound->select.push_back(*f);
    }
    if (m_q.where) {
        auto where = condition(*m_q.where);
        if (!where)
            return where.error();
        bound->where = std::move(*where);
    }
    for (const SoqlOrder &o : m_q.orderBy) {
        auto f = field(o.field);
        if (!f)
            return f.error();
        if (!f->def().sortable) {
            return at(u"INVALID_FIELD"_s, o.field.pos,
                      u"field '%1' can not be sorted in a query call"_s.arg(f->def().name));
        }
        bound->orderBy.push_back({*f, o.descending, o.nullsFirst.value_or(true)});
    }
    bound->limit = m_q.limit;
    if (m_q.offset) {
        if (*m_q.offset > 2000) {
            return makeError(u"NUMBER_OUTSIDE_VALID_RANGE"_s,
                             u"Maximum SOQL offset allowed is 2000"_s);
        }
        bound->offset = *m_q.offset;
    }
    return std::shared_ptr<const BoundQuery>(std::move(bound));
}

} // namespace

Result<std::shared_ptr<const BoundQuery>> SoqlBinder::bind(const SoqlQuery &query,
                                                           const OrgSchema &schema, qint64 nowMs)
{
    return Binder(query, schema, nowMs).run();
}

} // namespace lb::sandbox
