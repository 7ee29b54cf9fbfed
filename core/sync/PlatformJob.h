#pragma once

#include "model/MirrorRecord.h"
#include "model/OutboxJob.h"

namespace lb {

// The one shape of a job that writes a record to the platform (kind platform.*): keyed on the
// record, its idempotency variant the hash of the state it is planned to write, so one decision
// about one record's content is one job. The payload names the record (`key`, the part of
// `recordKey` after "lead:" or "agent:") and its platform id; the Dispatcher plans the write
// from the mirror when it sends it.
NewJob platformJob(const QString &kind, const QString &recordKey, const QString &platformId,
                   const QByteArray &hash);

// The kind of the write that brings an agent to `planned` (SyncPlanner's platform write): an
// agent active on the platform that Salesforce wants inactive (its People__c deleted or
// Active__c false) is deactivated there (DELETE /v1/agents/{id}, SALESFORCE_ORG.md); any other
// change is a PUT of the whole agent.
const QString &agentWriteKind(const MirrorRecord &record, const QJsonObject &planned);

} // namespace lb
