#pragma once

#include "AgentRecord.h"
#include "LeadRecord.h"
#include "platform/PlatformTypes.h"

#include <QJsonObject>
#include <QList>

namespace lb::sandbox {

using platform::FieldIssue;

// How the platform sandbox reads request bodies into records, with the platform's own rules
// (422 details): unknown fields, types, lengths, formats, enumerations, required fields.
class PlatformRecordInput
{
public:
    enum class Mode {
        Replace, // PUT: fields the body leaves out go back to their defaults
        Merge, // PATCH: only the fields the body names change
    };

    static const QStringList &leadStatuses(); // new, working, won, lost

    // Applies `body` to `lead` (whose id is already set). Returns every issue; on issues
    // `lead` is left in an unspecified state and must be discarded. `written` receives the
    // data fields the body named.
    static QList<FieldIssue> applyLead(const QJsonObject &body, Mode mode, LeadRecord &lead,
                                       QStringList &written);
    static QList<FieldIssue> applyAgent(const QJsonObject &body, AgentRecord &agent,
                                        QStringList &written);

    static bool isValidEmail(const QString &email);
    static bool isValidSalesforceId(const QString &id);
};

} // namespace lb::sandbox
