#include "OAuthAccess.h"

#include "engine/adapters/EnginePorts.h"

namespace lb::auth {

Result<std::unique_ptr<OAuthAccess>> OAuthAccess::forProfile(const Profile &profile)
{
    if (profile.salesforce.loginUrl.isEmpty())
        return makeError(
            QStringLiteral("profile"),
            QStringLiteral("%1: $.salesforce.login_url is required").arg(profile.sourceFile));
    auto allowlist = HostAllowlist::fromEntries(effectiveAllowedHosts(profile));
    if (!allowlist)
        return makeError(QStringLiteral("profile"),
                         QStringLiteral("%1: $.allowed_hosts: %2")
                             .arg(profile.sourceFile, allowlist.error().message));
    auto access = std::make_unique<OAuthAccess>();
    access->nam = std::make_unique<QNetworkAccessManager>();
    access->http = std::make_unique<HttpClient>(access->nam.get(), *allowlist);
    access->tokens = std::make_unique<OAuthTokenClient>(*access->http);
    if (!profile.salesforce.callOptionsClient.isEmpty())
        access->tokens->setCallOptionsClient(profile.salesforce.callOptionsClient);
    return access;
}

} // namespace lb::auth
