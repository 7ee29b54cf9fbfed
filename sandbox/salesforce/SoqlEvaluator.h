#pragma once

#include "BoundQuery.h"

#include <QStringList>

namespace lb::sandbox {

class OrgData;
struct Record;

// Runs a bound query over the org's records and returns the matching ids in result order
// (OFFSET and LIMIT applied). It avoids full scans where the incremental-sync and upsert
// paths need it: Id and external-id equality/IN use the hash indexes, and
// "ORDER BY SystemModstamp[, Id]" walks the ordered index from the WHERE's lower bound and
// stops once LIMIT rows matched.
class SoqlEvaluator
{
public:
    explicit SoqlEvaluator(const OrgData &data);

    QStringList run(const BoundQuery &query, bool includeDeleted) const;

    // The value of a (possibly relationship) field for a record; null when the lookup is empty.
    QJsonValue valueOf(const BoundField &field, const Record &record) const;
    bool matches(const BoundCondition &condition, const Record &record) const;

    static int compare(const FieldDef &field, const QJsonValue &a, const QJsonValue &b);
    static bool like(QStringView text, QStringView pattern);

private:
    bool compareOne(const BoundCondition &c, const QJsonValue &v) const;

    const OrgData &m_data;
};

} // namespace lb::sandbox
