#include "SalesforceTypes.h"

namespace lb::salesforce {

std::optional<AuthFlow> authFlowFromName(const QString &name)
{
    if (name == QLatin1String("jwt_bearer"))
        return AuthFlow::JwtBearer;
    if (name == QLatin1String("refresh_token"))
        return AuthFlow::RefreshToken;
    if (name == QLatin1String("password"))
        return AuthFlow::Password;
    if (name == QLatin1String("client_credentials"))
        return AuthFlow::ClientCredentials;
    if (name == QLatin1String("authorization_code"))
        return AuthFlow::AuthorizationCode;
    return std::nullopt;
}

} // namespace lb::salesforce
