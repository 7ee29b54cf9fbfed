#include "ErrorClassification.h"

using namespace Qt::Literals::StringLiterals;

namespace lb::salesforce {

bool isRetryableHttpStatus(int httpStatus)
{
    return httpStatus == 429 || (httpStatus >= 500 && httpStatus <= 599);
}

bool isRetryableCode(const QString &code)
{
    static const QStringList retryable {
        u"UNABLE_TO_LOCK_ROW"_s,
        u"REQUEST_LIMIT_EXCEEDED"_s,
        u"SERVER_UNAVAILABLE"_s,
        u"network"_s,
        u"timeout"_s,
        u"ALL_OR_NONE_OPERATION_ROLLED_BACK"_s,
        u"PROCESSING_HALTED"_s,
    };
    if (retryable.contains(code))
        return true;
    if (code.startsWith("http_"_L1))
        return isRetryableHttpStatus(code.mid(5).toInt());
    return false;
}

bool isRetryable(const SfError &error)
{
    return isRetryableCode(error.code);
}

bool isCollateralFailure(const SfError &error)
{
    return error.code == "ALL_OR_NONE_OPERATION_ROLLED_BACK"_L1
        || error.code == "PROCESSING_HALTED"_L1;
}

bool isSessionInvalid(const SfError &error)
{
    return error.code == "INVALID_SESSION_ID"_L1;
}

LifecycleRefusal lifecycleRefusal(const SfError &error)
{
    if (error.code == "CANNOT_UPDATE_CONVERTED_LEAD"_L1)
        return LifecycleRefusal::ConvertedLead;
    if (error.code == "ENTITY_IS_DELETED"_L1)
        return LifecycleRefusal::Deleted;
    return LifecycleRefusal::None;
}

LifecycleRefusal lifecycleRefusal(const Error &error)
{
    return lifecycleRefusal(SfError {error.code, error.message, {}});
}

FailureKind classify(const Error &error)
{
    if (error.code == "INVALID_SESSION_ID"_L1)
        return FailureKind::AuthExpired;
    // However it arrived (e.g. inside a 5xx Composite answer): retrying never helps.
    if (lifecycleRefusal(error) != LifecycleRefusal::None)
        return FailureKind::Permanent;
    if (error.retryable)
        return FailureKind::Transient;
    static const QStringList authFailed {
        u"invalid_grant"_s,       u"invalid_client_id"_s,
        u"invalid_client"_s,      u"unsupported_grant_type"_s,
        u"inactive_user"_s,       u"inactive_org"_s,
        u"INVALID_AUTH_HEADER"_s, u"invalid_signature"_s,
        u"missing_secret"_s,      u"interactive_login_required"_s,
    };
    if (authFailed.contains(error.code))
        return FailureKind::AuthFailed;
    return FailureKind::Permanent;
}

} // namespace lb::salesforce
