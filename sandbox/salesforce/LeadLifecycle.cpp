#include "LeadLifecycle.h"

#include "SandboxOrg.h"
#include "salesforce/SalesforceId.h"

#include <QDateTime>

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {
namespace {

Error errorOf(const SaveResult &r, const QString &context)
{
    const SfError first = r.errors.value(0);
    return makeError(first.code, context + first.message);
}

} // namespace

LeadLifecycle::LeadLifecycle(SandboxOrg &org)
    : m_org(org)
{ }

Result<LeadLifecycle::MergeOutcome> LeadLifecycle::merge(const QString &master,
                                                         const QStringList &losers,
                                                         const QJsonObject &masterFields,
                                                         const WriteContext &ctx)
{
    const ObjectDef *lead = m_org.schema().object(u"Lead");
    MergeOutcome out;
    out.masterId = lb::salesforce::SalesforceId::normalize(master);
    if (out.masterId.isEmpty())
        return makeError(u"MALFORMED_ID"_s, u"master: not a record id: "_s + master.left(40));
    if (losers.isEmpty() || losers.size() > MaxMergeLosers)
        return makeError(
            u"INVALID_OPERATION"_s,
            u"A merge takes 1 or 2 records besides the master, not %1"_s.arg(losers.size()));
    for (const QString &loser : losers) {
        const QString id = lb::salesforce::SalesforceId::normalize(loser);
        if (id.isEmpty())
            return makeError(u"MALFORMED_ID"_s, u"merge: not a record id: "_s + loser.left(40));
        if (id == out.masterId || out.mergedIds.contains(id))
            return makeError(u"INVALID_OPERATION"_s,
                             u"The master and the merged records must all differ: "_s + id);
        out.mergedIds.append(id);
    }

    const RecordTable *table = m_org.data().table(*lead);
    const int masterRow = table->rowOf(out.masterId);
    if (masterRow < 0 || !out.masterId.startsWith(lead->keyPrefix()))
        return makeError(u"NOT_FOUND"_s, u"master: no lead "_s + out.masterId);
    if (table->at(masterRow).deleted)
        return makeError(u"ENTITY_IS_DELETED"_s, u"master: entity is deleted"_s);
    const int converted = lead->indexOf(u"IsConverted");
    QStringList involved = out.mergedIds;
    involved.append(out.masterId);
    for (const QString &id : std::as_const(involved)) {
        const int row = table->rowOf(id);
        if (row >= 0 && table->at(row).values[converted].toBool())
            return makeError(u"CANNOT_UPDATE_CONVERTED_LEAD"_s,
                             id + u": cannot reference converted lead"_s);
    }

    auto input = RecordInput::parse(m_org.schema(), *lead, masterFields);
    if (!input) {
        const SfError error = RecordInput::errorOf(input.error());
        return makeError(error.code, u"fields: "_s + error.message);
    }

    const OrgData::Savepoint savepoint = m_org.data().savepoint();
    const auto fail = [&](const SaveResult &r, const QString &context) {
        m_org.data().rollbackTo(savepoint);
        return errorOf(r, context);
    };
    if (!input->writes.isEmpty() || !input->relationships.isEmpty()) {
        const SaveResult r = m_org.dml().update(*lead, out.masterId, *input, ctx);
        if (!r.success)
            return fail(r, u"master: "_s);
    }
    const int masterField = lead->indexOf(u"MasterRecordId");
    for (const QString &id : std::as_const(out.mergedIds)) {
        const SaveResult r
            = m_org.dml().systemWrite(*lead, id, {{masterField, out.masterId}}, true, ctx);
        if (!r.success)
            return fail(r, id + u": "_s);
    }
    m_org.data().clearJournal();
    return out;
}

Result<LeadLifecycle::ConvertOutcome> LeadLifecycle::convert(const QString &leadId,
                                                             const ConvertOptions &options,
                                                             const WriteContext &ctx)
{
    const ObjectDef *lead = m_org.schema().object(u"Lead");
    const int status = lead->indexOf(u"Status");
    if (!lead->field(status).picklistValues.contains(options.convertedStatus))
        return makeError(u"INVALID_STATUS"_s,
                         u"convertedStatus must be a lead status: "_s
                             + options.convertedStatus.left(80));
    ConvertOutcome out;
    out.leadId = lb::salesforce::SalesforceId::normalize(leadId);
    if (out.leadId.isEmpty())
        return makeError(u"MALFORMED_ID"_s, u"not a record id: "_s + leadId.left(40));
    const RecordTable *table = m_org.data().table(*lead);
    const int row = table->rowOf(out.leadId);
    if (row < 0)
        return makeError(u"NOT_FOUND"_s, u"no lead "_s + out.leadId);
    if (table->at(row).deleted)
        return makeError(u"ENTITY_IS_DELETED"_s, u"entity is deleted"_s);
    if (table->at(row).values[lead->indexOf(u"IsConverted")].toBool())
        return makeError(u"CANNOT_UPDATE_CONVERTED_LEAD"_s, u"cannot reference converted lead"_s);

    out.accountId = m_org.data().ids(u"001"_s).next();
    out.contactId = m_org.data().ids(u"003"_s).next();
    if (options.createOpportunity)
        out.opportunityId = m_org.data().ids(u"006"_s).next();
    const QString today
        = QDateTime::fromMSecsSinceEpoch(m_org.nowMs(), Qt::UTC).date().toString(Qt::ISODate);
    const auto orNull
        = [](const QString &id) { return id.isEmpty() ? QJsonValue() : QJsonValue(id); };
    const SaveResult r = m_org.dml().systemWrite(
        *lead, out.leadId,
        {{lead->indexOf(u"IsConverted"), true},
         {lead->indexOf(u"ConvertedDate"), today},
         {status, options.convertedStatus},
         {lead->indexOf(u"ConvertedAccountId"), out.accountId},
         {lead->indexOf(u"ConvertedContactId"), out.contactId},
         {lead->indexOf(u"ConvertedOpportunityId"), orNull(out.opportunityId)}},
        false, ctx);
    m_org.data().clearJournal();
    if (!r.success)
        return errorOf(r, QString());
    return out;
}

QList<SaveResult> LeadLifecycle::undelete(const QString &object, const QStringList &ids,
                                          const WriteContext &ctx)
{
    QList<SaveResult> results;
    const ObjectDef *def = m_org.schema().object(object);
    for (const QString &id : ids) {
        if (!def || !m_org.data().table(*def))
            results.append(SaveResult::failure(
                u"INVALID_TYPE"_s, u"sObject type '%1' is not supported."_s.arg(object.left(80))));
        else
            results.append(m_org.dml().undelete(*def, id, ctx));
    }
    m_org.data().clearJournal();
    return results;
}

} // namespace lb::sandbox
