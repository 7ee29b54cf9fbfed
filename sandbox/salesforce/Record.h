#pragma once

#include <QJsonValue>
#include <QList>
#include <QString>

namespace lb::sandbox {

// One stored row. `values` follow the object's field order and hold canonical JSON: text,
// doubles, booleans, 18-character ids, datetimes as SfDateTime::format() text, or null.
struct Record
{
    QString id;
    QList<QJsonValue> values;
    qint64 systemModstampMs = 0;
    bool deleted = false;
    QString lastClient; // Sforce-Call-Options client of the last write (for CDC changeOrigin)
};

} // namespace lb::sandbox
