#pragma once

#include <QHash>
#include <QString>

#include <optional>

namespace lb::sandbox {

// Who a token belongs to.
struct SessionGrant
{
    QString username;
    QString userId;
    QString clientId;
    QString scope;
};

struct Session
{
    SessionGrant grant;
    QString refreshToken; // the refresh token it was issued from, if any
    qint64 issuedAtMs = 0;
};

// An authorization code waiting to be exchanged (web-server flow).
struct AuthCode
{
    SessionGrant grant;
    QString redirectUri;
    QString codeChallenge; // S256 challenge, empty when the client sent none
    qint64 expiresAtMs = 0;
};

// Access tokens, refresh tokens and authorization codes of the org. Access tokens live for
// the configured session lifetime from their issue; "expire all" drops every access token
// (refresh tokens keep working, as after a real session timeout).
class SessionStore
{
public:
    explicit SessionStore(QString orgId15);

    QString issueAccessToken(const SessionGrant &grant, const QString &refreshToken, qint64 nowMs);
    QString issueRefreshToken(const SessionGrant &grant);
    QString issueCode(AuthCode code);

    // Null when unknown, revoked or older than lifetimeMs.
    const Session *session(const QString &accessToken, qint64 nowMs, qint64 lifetimeMs);
    std::optional<SessionGrant> refreshGrant(const QString &refreshToken) const;
    // One-time: the code is gone afterwards.
    std::optional<AuthCode> takeCode(const QString &code);

    // Access or refresh token; revoking a refresh token also ends its access tokens.
    bool revoke(const QString &token);
    void revokeRefreshToken(const QString &token);
    void expireAllSessions();
    void clear();

    qsizetype activeSessions() const { return m_sessions.size(); }
    qint64 sessionsExpired() const { return m_expired; }

private:
    static QString randomToken(int bytes);

    QString m_orgId15;
    QHash<QString, Session> m_sessions;
    QHash<QString, SessionGrant> m_refreshTokens;
    QHash<QString, AuthCode> m_codes;
    qint64 m_expired = 0;
};

} // namespace lb::sandbox
