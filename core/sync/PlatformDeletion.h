#pragma once

#include "mapping/FieldMapping.h"
#include "model/MirrorRecord.h"
#include "model/OutboxJob.h"

#include <optional>

namespace lb {

// What a lead deleted on the platform becomes in Salesforce (the profile's
// `lifecycle.platform_delete`: close_in_salesforce, delete_in_salesforce or ignore): the close or
// delete job of `tombstone`, or none (not a platform tombstone, not known in Salesforce, or
// ignored). Keyed on the deletion, so the same deletion queues it once, whoever notices it: the
// intake that took the deletion in, or a delivery that learnt only later that its first write
// of the lead had landed in Salesforce (the deletion came while that write was on the wire or
// while its outcome was lost to a crash). For a close, `tombstone`'s Salesforce side becomes
// what the close writes (a restore on the platform takes that status and eligibility).
std::optional<NewJob> salesforceDeletionJob(MirrorRecord &tombstone, const QString &action,
                                            const ObjectMapping &mapping);

// The deletion of a record an upsert of a lead's key created in Salesforce after a user deleted
// the lead there (a resend whose check read the lead before the deletion): Salesforce's undelete
// keeps a record's Id, so a live record under the key with another Id is not the lead back. The
// lead stays deleted and that record goes (keyed on its Id: queued once).
NewJob recreatedRecordDeletion(const QString &platformId, const QString &salesforceId);

} // namespace lb
