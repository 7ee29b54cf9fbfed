#pragma once

#include "util/Result.h"

#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace lb::salesforce::streaming {

struct BayeuxMessage;

enum class ChangeType {
    Create,
    Update,
    Delete,
    Undelete,
    GapCreate,
    GapUpdate,
    GapDelete,
    GapUndelete,
    GapOverflow,
};

QString changeTypeName(ChangeType type); // "CREATE", "GAP_OVERFLOW", ...
std::optional<ChangeType> changeTypeFromName(const QString &name);

// One Change Data Capture event (SALESFORCE_API.md 8.5), typed at the edge whatever the
// transport (CometD JSON today, Pub/Sub later).
struct ChangeEvent
{
    QString channel; // the subscription it arrived on, /data/LeadChangeEvent
    qint64 replayId = 0;
    QString schemaId;
    QString entityName; // Lead
    ChangeType changeType = ChangeType::Update;
    QStringList recordIds;
    QString changeOrigin; // com/salesforce/api/rest/62.0;client=LeadBridge
    QString originClient; // the client= part of changeOrigin, empty without one
    QString transactionKey;
    int sequenceNumber = 0;
    qint64 commitTimestampMs = 0;
    qint64 commitNumber = 0;
    QString commitUser;
    QStringList changedFields; // UPDATE only
    QJsonObject fields; // the payload besides the header

    bool isGap() const { return changeType >= ChangeType::GapCreate; }

    // A delivery of the Streaming API (channel + data{schema, event{replayId}, payload}).
    static Result<ChangeEvent> fromDelivery(const BayeuxMessage &message);
    // The client in a changeOrigin ("...;client=X" -> X).
    static QString clientOf(const QString &changeOrigin);
};

} // namespace lb::salesforce::streaming

Q_DECLARE_METATYPE(lb::salesforce::streaming::ChangeEvent)
