#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace lb::sandbox {

// A roster entry as the platform sandbox stores it.
struct AgentRecord
{
    QString id;
    QString name;
    QString email;
    bool active = true;
    bool eligible = false;
    QStringList states;
    int capacity = 0;
    std::optional<QString> salesforceId;
    qint64 updatedAt = 0;
    qint64 version = 0;

    QJsonObject toJson() const;
    QStringList differences(const AgentRecord &other) const;
};

} // namespace lb::sandbox
