#pragma once

#include "DmlEngine.h"
#include "util/Result.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace lb::sandbox {

class SandboxOrg;

// What a Salesforce user does to records in the UI that the REST API cannot: merge duplicate
// leads, convert a lead, restore records from the Recycle Bin. The admin endpoint plays that
// user (/__sandbox/merge, /convert, /undelete). Every step is an ordinary write of the org:
// journaled, in the write log (the feed of change events), and all-or-nothing per call.
class LeadLifecycle
{
public:
    static constexpr int MaxMergeLosers = 2; // Salesforce merges up to three records

    struct MergeOutcome
    {
        QString masterId;
        QStringList mergedIds; // canonical 18-character ids, now deleted
    };

    struct ConvertOptions
    {
        QString convertedStatus = QStringLiteral("Closed - Converted");
        bool createOpportunity = true;
    };

    struct ConvertOutcome
    {
        QString leadId;
        QString accountId;
        QString contactId;
        QString opportunityId; // empty without an opportunity
    };

    explicit LeadLifecycle(SandboxOrg &org);

    // Merges `losers` into `master`: `masterFields` (API names, the values the user kept)
    // are written to the master as an update; each loser gets MasterRecordId = master and
    // goes to the Recycle Bin (IsDeleted, in queryAll and the deleted resource).
    Result<MergeOutcome> merge(const QString &master, const QStringList &losers,
                               const QJsonObject &masterFields, const WriteContext &ctx);
    // Converts a lead: IsConverted, ConvertedDate (today, UTC), Status = the converted status
    // and the ids of the account, contact and opportunity it became. Afterwards every update
    // fails with CANNOT_UPDATE_CONVERTED_LEAD.
    Result<ConvertOutcome> convert(const QString &leadId, const ConvertOptions &options,
                                   const WriteContext &ctx);
    // Recycle Bin "Undelete", one result per id (any object with records).
    QList<SaveResult> undelete(const QString &object, const QStringList &ids,
                               const WriteContext &ctx);

private:
    SandboxOrg &m_org;
};

} // namespace lb::sandbox
