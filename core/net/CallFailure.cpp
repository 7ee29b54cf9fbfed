#include "CallFailure.h"

#include <QStringList>

namespace lb {

bool isThrottling(const Error &e)
{
    return e.code == QLatin1String("REQUEST_LIMIT_EXCEEDED") || e.httpStatus == 429
        || e.code == QLatin1String("rate_limited");
}

bool isAuthFailure(const Error &e)
{
    static const QStringList codes {
        QStringLiteral("INVALID_SESSION_ID"), QStringLiteral("invalid_grant"),
        QStringLiteral("invalid_client"), QStringLiteral("invalid_client_id"),
        QStringLiteral("unauthorized")};
    return codes.contains(e.code) || e.httpStatus == 401;
}

} // namespace lb
