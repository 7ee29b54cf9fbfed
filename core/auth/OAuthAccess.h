#pragma once

#include "OAuthTokenClient.h"
#include "config/Profile.h"
#include "net/HttpClient.h"

#include <QNetworkAccessManager>

#include <memory>

namespace lb::auth {

// Salesforce's OAuth endpoints for one profile, for what talks to them outside the engine
// (signing in and out from the console or `leadbridge login`, revoking on delete): the same
// host allowlist as the engine. Use it on the thread that creates it.
struct OAuthAccess
{
    std::unique_ptr<QNetworkAccessManager> nam;
    std::unique_ptr<HttpClient> http;
    std::unique_ptr<OAuthTokenClient> tokens;

    static Result<std::unique_ptr<OAuthAccess>> forProfile(const Profile &profile);
};

} // namespace lb::auth
