#pragma once

#include "util/Result.h"

#include <QHash>
#include <QJsonObject>

namespace lb::sandbox {

class SandboxOrg;

// Seeds records from JSON ({"People__c":[{...}], "Lead":[{...}]}) or CSV (header = API names,
// relationship paths such as Assigned_Agent__r.Platform_Agent_Id__c allowed). Records pass
// the same validation as API writes, but may carry system fields (Id, CreatedDate, ...),
// are not faulted, not counted and not in the write log. A load is all or nothing; the
// error names the object and the record index or CSV line.
class SeedLoader
{
public:
    explicit SeedLoader(SandboxOrg &org);

    Result<QHash<QString, int>> loadJson(const QByteArray &json);
    Result<int> loadCsv(const QString &object, const QByteArray &csv);
    // .json, or .csv named after its object (Lead.csv) unless `object` is given.
    Result<QHash<QString, int>> loadFile(const QString &path, const QString &object = {});

private:
    Result<void> insert(const QString &object, const QJsonObject &fields, const QString &where);

    SandboxOrg &m_org;
};

} // namespace lb::sandbox
