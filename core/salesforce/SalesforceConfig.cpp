#include "SalesforceConfig.h"

#include <array>
#include <utility>

namespace lb::salesforce {

namespace {

constexpr std::array<std::pair<AuthFlow, const char *>, 5> kNames {{
    {AuthFlow::JwtBearer, "jwt_bearer"},
    {AuthFlow::RefreshToken, "refresh_token"},
    {AuthFlow::Password, "password"},
    {AuthFlow::ClientCredentials, "client_credentials"},
    {AuthFlow::AuthorizationCode, "authorization_code"},
}};

} // namespace

QString authFlowName(AuthFlow flow)
{
    for (const auto &[f, name] : kNames) {
        if (f == flow)
            return QString::fromLatin1(name);
    }
    return {};
}

Result<AuthFlow> authFlowFromName(const QString &name)
{
    for (const auto &[f, n] : kNames) {
        if (name == QLatin1String(n))
            return f;
    }
    return makeError(QStringLiteral("bad_auth_flow"),
                     QStringLiteral("\"%1\" is not an authentication flow; use jwt_bearer, "
                                    "refresh_token, password, client_credentials or "
                                    "authorization_code.")
                         .arg(name));
}

} // namespace lb::salesforce
