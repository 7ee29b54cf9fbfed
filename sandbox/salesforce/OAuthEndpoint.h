#pragma once

#include "ApiRequest.h"
#include "ApiResponse.h"

#include <QMap>

namespace lb::sandbox {

class SandboxOrg;
struct SandboxUser;
struct SessionGrant;

// /services/oauth2/token, /authorize, /revoke and the /id/ identity URL, on both hosts.
// Bodies, error codes and descriptions as SALESFORCE_API.md section 1 records them: no
// expires_in, issued_at in ms as a string, signature = HMAC-SHA256(id + issued_at).
class OAuthEndpoint
{
public:
    explicit OAuthEndpoint(SandboxOrg &org);

    // True for the paths this endpoint answers.
    static bool handles(const ApiRequest &request);
    ApiResponse handle(const ApiRequest &request, bool onInstanceHost);

    // S256 code challenge of a verifier (base64url of SHA-256, no padding).
    static QString s256(const QString &verifier);

private:
    ApiResponse token(const ApiRequest &request, bool onInstanceHost);
    ApiResponse password(const QMap<QString, QString> &form, const QString &clientId,
                         const QString &clientSecret);
    ApiResponse refresh(const QMap<QString, QString> &form, const QString &clientId,
                        const QString &clientSecret);
    ApiResponse jwtBearer(const QMap<QString, QString> &form);
    ApiResponse clientCredentials(const QString &clientId, const QString &clientSecret,
                                  bool onInstanceHost);
    ApiResponse authorizationCode(const QMap<QString, QString> &form, const QString &clientId,
                                  const QString &clientSecret);
    ApiResponse authorize(const ApiRequest &request);
    ApiResponse revoke(const ApiRequest &request);
    ApiResponse identity(const ApiRequest &request);

    // The success body; fields are "signature", "issued_at", "scope", "refresh_token" as wanted.
    ApiResponse success(const SandboxUser &user, const SessionGrant &grant,
                        const QString &refreshToken, bool withSignature, bool withScope,
                        bool returnRefreshToken);
    std::optional<ApiResponse> checkClient(const QString &clientId, const QString &clientSecret,
                                           bool secretRequired) const;

    SandboxOrg &m_org;
};

} // namespace lb::sandbox
