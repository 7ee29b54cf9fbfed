#pragma once

#include "SalesforceTypes.h"
#include "net/RetryPolicy.h"
#include "util/Result.h"

namespace lb::salesforce {

// How the engine treats a Salesforce failure (SALESFORCE_API.md 0.4/0.5/6.3 and DESIGN.md):
// network errors, timeouts, 5xx, 429, REQUEST_LIMIT_EXCEEDED (a 403!) and UNABLE_TO_LOCK_ROW
// are transient; INVALID_SESSION_ID refreshes the token once; everything else (validation,
// malformed requests, unknown fields) is permanent.

bool isRetryableHttpStatus(int httpStatus);
// Salesforce error codes and our own transport codes ("network", "timeout", "http_503").
bool isRetryableCode(const QString &code);
bool isRetryable(const SfError &error);
// A record that failed only because another record or subrequest failed
// (ALL_OR_NONE_OPERATION_ROLLED_BACK, PROCESSING_HALTED): re-sending it on its own can work.
bool isCollateralFailure(const SfError &error);
bool isSessionInvalid(const SfError &error);

// A write refused because of the record's lifecycle, not its data: the lead is converted
// (CANNOT_UPDATE_CONVERTED_LEAD; it stays read-only for good) or the record is deleted
// (ENTITY_IS_DELETED). Both are permanent; the lifecycle rules decide what follows, so they
// are no data problem for the inbox.
enum class LifecycleRefusal { None, ConvertedLead, Deleted };
LifecycleRefusal lifecycleRefusal(const SfError &error);
LifecycleRefusal lifecycleRefusal(const Error &error);

FailureKind classify(const Error &error);

} // namespace lb::salesforce
