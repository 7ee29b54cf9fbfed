#pragma once

#include "auth/OAuthTokenClient.h"
#include "config/Profile.h"
#include "net/HttpClient.h"

#include <QNetworkAccessManager>

#include <memory>

namespace lb::cli {

// Salesforce's OAuth endpoints for one profile, for the commands that talk to them directly
// (login, revoking on delete): the same host allowlist as the engine.
struct OAuthAccess
{
    std::unique_ptr<QNetworkAccessManager> nam;
    std::unique_ptr<HttpClient> http;
    std::unique_ptr<auth::OAuthTokenClient> tokens;

    static Result<std::unique_ptr<OAuthAccess>> forProfile(const Profile &profile);
};

} // namespace lb::cli
