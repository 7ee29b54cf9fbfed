#pragma once

#include "util/Result.h"

#include <QString>

namespace lb {

// Names one secret in the OS keychain: service "LeadBridge", account
// "<profile>/<system>/<secret>", e.g. "production/salesforce/client_secret".
struct CredentialKey
{
    QString profile;
    QString system; // "salesforce", "platform", "store"
    QString secret; // "client_secret", "password", "refresh_token", "private_key", "api_key", ...

    QString account() const;
    // Parts may not be empty or contain '/' or control characters.
    Result<void> validate() const;

    friend bool operator==(const CredentialKey &, const CredentialKey &) = default;
};

inline constexpr const char *KeychainService = "LeadBridge";

} // namespace lb
