#include "SoqlEvaluator.h"

#include "OrgData.h"
#include "SfDateTime.h"

#include <algorithm>
#include <limits>

namespace lb::sandbox {

namespace {

// The conjuncts of a WHERE (the top-level AND chain, or the single comparison).
std::vector<const BoundCondition *> conjuncts(const std::optional<BoundCondition> &where)
{
    std::vector<const BoundCondition *> out;
    if (!where)
        return out;
    if (where->kind == SoqlCondition::Kind::And) {
        for (const BoundCondition &c : where->children)
            out.push_back(&c);
    } else {
        out.push_back(&*where);
    }
    return out;
}

bool isBaseCompare(const BoundCondition *c)
{
    return c->kind == SoqlCondition::Kind::Compare && !c->field.isRelationship() && !c->isRange;
}

} // namespace

SoqlEvaluator::SoqlEvaluator(const OrgData &data)
    : m_data(data)
{ }

QJsonValue SoqlEvaluator::valueOf(const BoundField &field, const Record &record) const
{
    if (!field.isRelationship())
        return record.values[field.index];
    const QJsonValue ref = record.values[field.referenceIndex];
    if (!ref.isString())
        return QJsonValue();
    const RecordTable *table = m_data.table(field.object->name());
    const int row = table ? table->rowOf(ref.toString()) : -1;
    if (row < 0 || table->at(row).deleted)
        return QJsonValue();
    return table->at(row).values[field.index];
}

int SoqlEvaluator::compare(const FieldDef &field, const QJsonValue &a, const QJsonValue &b)
{
    switch (field.type) {
    case FieldType::Boolean:
        return int(a.toBool()) - int(b.toBool());
    case FieldType::Double:
    case FieldType::Currency: {
        const double x = a.toDouble();
        const double y = b.toDouble();
        return x < y ? -1 : (x > y ? 1 : 0);
    }
    case FieldType::Id:
    case FieldType::Reference:
    case FieldType::DateTime:
    case FieldType::Date:
        return a.toString().compare(b.toString());
    default:
        return a.toString().compare(b.toString(), Qt::CaseInsensitive);
    }
}

bool SoqlEvaluator::like(QStringView text, QStringView pattern)
{
    // Iterative wildcard match with one backtrack point ('%' = any run, '_' = one char).
    qsizetype t = 0, p = 0, starP = -1, starT = 0;
    auto literalAt = [&](qsizetype i, QChar *out, qsizetype *width) {
        if (pattern[i] == u'\\' && i + 1 < pattern.size()) {
            *out = pattern[i + 1];
            *width = 2;
            return true;
        }
        *out = pattern[i];
        *width = 1;
        return pattern[i] != u'%' && pattern[i] != u'_';
    };
    while (t < text.size()) {
        if (p < pattern.size()) {
            QChar c;
            qsizetype width = 1;
            const bool literal = literalAt(p, &c, &width);
            if (!literal && c == u'%') {
                starP = ++p;
                starT = t;
                continue;
            }
            if ((!literal && c == u'_') || (literal && c == text[t])) {
                p += width;
                ++t;
                continue;
            }
        }
        if (starP < 0)
            return false;
        p = starP;
        t = ++starT;
    }
    while (p < pattern.size() && pattern[p] == u'%')
        ++p;
    return p == pattern.size();
}

bool SoqlEvaluator::compareOne(const BoundCondition &c, const QJsonValue &v) const
{
    const FieldDef &def = c.field.def();
    if (c.isRange) {
        const bool inRange
            = !v.isNull() && v.toString() >= c.from.toString() && v.toString() < c.to.toString();
        switch (c.op) {
        case SoqlOp::Eq:
            return inRange;
        case SoqlOp::Ne:
            return !inRange;
        case SoqlOp::Lt:
            return !v.isNull() && v.toString() < c.from.toString();
        case SoqlOp::Le:
            return !v.isNull() && v.toString() < c.to.toString();
        case SoqlOp::Gt:
            return !v.isNull() && v.toString() >= c.to.toString();
        case SoqlOp::Ge:
            return !v.isNull() && v.toString() >= c.from.toString();
        default:
            return false;
        }
    }
    auto equal = [&](const QJsonValue &lit) {
        if (lit.isNull() || v.isNull())
            return lit.isNull() && v.isNull();
        return compare(def, v, lit) == 0;
    };
    switch (c.op) {
    case SoqlOp::Eq:
        return equal(c.values.front());
    case SoqlOp::Ne:
        return !equal(c.values.front());
    case SoqlOp::Lt:
    case SoqlOp::Le:
    case SoqlOp::Gt:
    case SoqlOp::Ge: {
        const QJsonValue &lit = c.values.front();
        if (v.isNull() || lit.isNull())
            return false;
        const int r = compare(def, v, lit);
        return c.op == SoqlOp::Lt ? r < 0
            : c.op == SoqlOp::Le  ? r <= 0
            : c.op == SoqlOp::Gt  ? r > 0
                                  : r >= 0;
    }
    case SoqlOp::Like:
        return v.isString() && like(v.toString().toLower(), c.likePattern);
    case SoqlOp::In:
        return std::any_of(c.values.begin(), c.values.end(), equal);
    case SoqlOp::NotIn:
        return std::none_of(c.values.begin(), c.values.end(), equal);
    case SoqlOp::Includes:
    case SoqlOp::Excludes: {
        bool any = false;
        if (v.isString()) {
            QStringList have;
            for (const QString &p : v.toString().split(u';'))
                have.append(p.trimmed().toLower());
            for (const QStringList &want : c.includes) {
                if (std::all_of(want.begin(), want.end(),
                                [&](const QString &w) { return have.contains(w); }))
                    any = true;
            }
        }
        return c.op == SoqlOp::Includes ? any : !any;
    }
    }
    return false;
}

bool SoqlEvaluator::matches(const BoundCondition &c, const Record &record) const
{
    switch (c.kind) {
    case SoqlCondition::Kind::And:
        return std::all_of(c.children.begin(), c.children.end(),
                           [&](const BoundCondition &child) { return matches(child, record); });
    case SoqlCondition::Kind::Or:
        return std::any_of(c.children.begin(), c.children.end(),
                           [&](const BoundCondition &child) { return matches(child, record); });
    case SoqlCondition::Kind::Not:
        return !matches(c.children.front(), record);
    case SoqlCondition::Kind::Compare:
        return compareOne(c, valueOf(c.field, record));
    }
    return false;
}

QStringList SoqlEvaluator::run(const BoundQuery &q, bool includeDeleted) const
{
    const RecordTable *table = m_data.table(q.object->name());
    QStringList out;
    if (!table)
        return out;
    const qint64 wanted = q.limit ? q.offset + *q.limit : -1;
    auto accept = [&](int row) {
        const Record &r = table->at(row);
        return (includeDeleted || !r.deleted) && (!q.where || matches(*q.where, r));
    };

    // Candidate rows from a hash index, when an AND-ed equality/IN names Id or an external id.
    std::optional<QList<int>> candidates;
    for (const BoundCondition *c : conjuncts(q.where)) {
        if (!isBaseCompare(c) || (c->op != SoqlOp::Eq && c->op != SoqlOp::In))
            continue;
        const FieldDef &def = c->field.def();
        if (def.type == FieldType::Id) {
            QList<int> rows;
            for (const QJsonValue &v : c->values) {
                const int row = v.isString() ? table->rowOf(v.toString()) : -1;
                if (row >= 0 && !rows.contains(row))
                    rows.append(row);
            }
            candidates = rows;
            break;
        }
        if (table->isIndexed(c->field.index)) {
            QList<int> rows;
            for (const QJsonValue &v : c->values) {
                if (!v.isString())
                    continue;
                for (int row : table->rowsWithExternalId(c->field.index, v.toString(), true)) {
                    if (!rows.contains(row))
                        rows.append(row);
                }
            }
            candidates = rows;
            break;
        }
    }
    if (candidates)
        std::sort(candidates->begin(), candidates->end());

    const ObjectDef &def = *q.object;
    const bool byModstamp = !q.orderBy.empty() && !q.orderBy[0].field.isRelationship()
        && q.orderBy[0].field.index == def.systemModstampIndex()
        && (q.orderBy.size() == 1
            || (q.orderBy.size() == 2 && !q.orderBy[1].field.isRelationship()
                && q.orderBy[1].field.index == def.idIndex()
                && q.orderBy[1].descending == q.orderBy[0].descending));

    // Bounds from "SystemModstamp >[=] / <[=] literal": where an index walk starts and stops.
    qint64 fromMs = std::numeric_limits<qint64>::min();
    qint64 toMs = std::numeric_limits<qint64>::max();
    for (const BoundCondition *c : conjuncts(q.where)) {
        if (!isBaseCompare(c) || c->field.index != def.systemModstampIndex()
            || !c->values.front().isString())
            continue;
        const auto ms = SfDateTime::parse(c->values.front().toString());
        if (!ms)
            continue;
        if (c->op == SoqlOp::Gt || c->op == SoqlOp::Ge || c->op == SoqlOp::Eq)
            fromMs = qMax(fromMs, *ms);
        if (c->op == SoqlOp::Lt || c->op == SoqlOp::Le || c->op == SoqlOp::Eq)
            toMs = qMin(toMs, *ms);
    }
    // Without ORDER BY any order will do, so a delta query walks the index too.
    const bool walkModstamp
        = byModstamp || (q.orderBy.empty() && fromMs != std::numeric_limits<qint64>::min());

    QList<int> rows;
    if (!candidates && (walkModstamp || q.orderBy.empty())) {
        // Already in result order: stop as soon as OFFSET + LIMIT rows matched.
        if (walkModstamp) {
            const auto &index = table->modstampIndex();
            if (!byModstamp || !q.orderBy[0].descending) {
                for (auto it = index.lower_bound({fromMs, QString()});
                     it != index.end() && it->first.first <= toMs; ++it) {
                    if (accept(it->second))
                        rows.append(it->second);
                    if (wanted >= 0 && rows.size() >= wanted)
                        break;
                }
            } else {
                for (auto it = index.rbegin(); it != index.rend(); ++it) {
                    if (it->first.first < fromMs)
                        break;
                    if (it->first.first > toMs)
                        continue;
                    if (accept(it->second))
                        rows.append(it->second);
                    if (wanted >= 0 && rows.size() >= wanted)
                        break;
                }
            }
        } else {
            for (int row = 0; row < table->rowCount(); ++row) {
                if (accept(row))
                    rows.append(row);
                if (wanted >= 0 && rows.size() >= wanted)
                    break;
            }
        }
    } else {
        if (candidates) {
            for (int row : *candidates) {
                if (accept(row))
                    rows.append(row);
            }
        } else {
            for (int row = 0; row < table->rowCount(); ++row) {
                if (accept(row))
                    rows.append(row);
            }
        }
        if (!q.orderBy.empty()) {
            std::stable_sort(rows.begin(), rows.end(), [&](int a, int b) {
                for (const BoundOrder &o : q.orderBy) {
                    const QJsonValue va = valueOf(o.field, table->at(a));
                    const QJsonValue vb = valueOf(o.field, table->at(b));
                    if (va.isNull() || vb.isNull()) {
                        if (va.isNull() == vb.isNull())
                            continue;
                        return va.isNull() == o.nullsFirst;
                    }
                    int r = compare(o.field.def(), va, vb);
                    if (o.descending)
                        r = -r;
                    if (r != 0)
                        return r < 0;
                }
                return false;
            });
        }
    }

    const qsizetype begin = qMin<qsizetype>(q.offset, rows.size());
    const qsizetype end = wanted >= 0 ? qMin<qsizetype>(wanted, rows.size()) : rows.size();
    out.reserve(end - begin);
    for (qsizetype i = begin; i < end; ++i)
        out.append(table->at(rows[i]).id);
    return out;
}

} // namespace lb::sandbox
