#pragma once

#include "model/OutboxJob.h"

namespace lb {

// The one shape of a job that writes a record to the platform (kind platform.*): keyed on the
// record, its idempotency variant the hash of the state it is planned to write, so one decision
// about one record's content is one job. The payload names the record (`key`, the part of
// `recordKey` after "lead:" or "agent:") and its platform id; the Dispatcher plans the write
// from the mirror when it sends it.
NewJob platformJob(const QString &kind, const QString &recordKey, const QString &platformId,
                   const QByteArray &hash);

} // namespace lb
