#pragma once

#include "BoundQuery.h"
#include "JsonWriter.h"
#include "Record.h"

namespace lb::sandbox {

class OrgData;

// Writes records the way the REST API shows them: "attributes" {type, url} first, then the
// fields (all, a ?fields= list, or a SELECT list with nested relationship objects).
class RecordRenderer
{
public:
    RecordRenderer(const OrgData &data, QString apiVersion);

    void writeAttributes(JsonWriter &w, const ObjectDef &object, const QString &id) const;
    // fields: indexes to write (Id is added first when missing), empty = all fields.
    void writeRecord(JsonWriter &w, const ObjectDef &object, const Record &record,
                     const QList<int> &fields = {}) const;
    void writeQueryRecord(JsonWriter &w, const BoundQuery &query, const Record &record) const;

    QString recordUrl(const ObjectDef &object, const QString &id) const;

private:
    const OrgData &m_data;
    QString m_version;
};

} // namespace lb::sandbox
