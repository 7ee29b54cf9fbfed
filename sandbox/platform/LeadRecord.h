#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace lb::sandbox {

// A lead as the platform sandbox stores it. The sandbox has its own representation and JSON
// writer (not core's PlatformLead) so that it checks the client against the contract rather
// than against the client's own idea of it.
struct LeadRecord
{
    QString id;
    QString firstName;
    QString lastName;
    QString company;
    QString email;
    QString phone;
    QString status = QStringLiteral("new");
    QString source;
    int score = 0;
    double value = 0;
    std::optional<QString> agentId;
    bool eligible = false;
    std::optional<QString> salesforceId;
    qint64 updatedAt = 0; // epoch ms
    QString updatedBy = QStringLiteral("platform");
    qint64 version = 0;
    // A deleted lead stays as a tombstone (contract v1.1): its data is gone, its id, version
    // and updated_at remain so pollers and webhook receivers see the deletion in order.
    bool deleted = false;
    qint64 deletedAt = 0; // epoch ms

    // The lead, or for a tombstone {"id", "deleted": true, "deleted_at", "updated_at",
    // "updated_by", "version"}.
    QJsonObject toJson() const;
    // The tombstone that deleting this lead at `nowMs` by `user` leaves (version and
    // updated_at are set by the table's write).
    LeadRecord tombstone(qint64 nowMs, const QString &user) const;
    // Names (contract spelling) of the data fields whose values differ from `other`'s.
    QStringList differences(const LeadRecord &other) const;
};

} // namespace lb::sandbox
