#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace lb {

// One lead or agent as LeadBridge last knew it on each side.
//  platformState:   the platform record (platform field names) last seen from or written to
//                   the platform, without its volatile fields (updated_at, version, updated_by);
//  salesforceState: the mapped Salesforce fields last seen from or written to Salesforce.
// The hashes are of those states; an incoming change whose hash matches is an echo.
struct MirrorRecord
{
    QString platformId;
    QString salesforceId;
    QJsonObject platformState;
    QJsonObject salesforceState;
    QByteArray platformHash;
    QByteArray salesforceHash;
    qint64 platformUpdatedAt = 0; // epoch ms of the newest platform change seen
    qint64 platformVersion = 0;
    qint64 salesforceModstamp = 0; // epoch ms of the newest SystemModstamp seen
    QString lastSource; // "platform" | "salesforce"
    QString syncState = QStringLiteral("pending"); // "synced" | "pending" | "error"
    qint64 lastSyncedAt = 0;
    QString lastError;
    // A tombstone. When (epoch ms) and on which side ("platform" | "salesforce") the lead was
    // deleted (an agent: its People__c, always "salesforce"); 0 while it lives. See
    // MirrorObservation.h.
    qint64 deletedAt = 0;
    QString deletedOn;
    // Leads only: merged away in Salesforce, the Id of the lead it was merged into (a tombstone
    // deleted on the Salesforce side). Cleared with the tombstone.
    QString mergedInto;

    bool existsOnPlatform() const { return !platformHash.isEmpty(); }
    bool existsInSalesforce() const { return !salesforceHash.isEmpty(); }
    bool isDeleted() const { return deletedAt != 0; }
    // Converted in Salesforce (SalesforceState keeps "IsConverted" only when true).
    bool isConverted() const
    {
        return salesforceState.value(QStringLiteral("IsConverted")).toBool();
    }
};

} // namespace lb
