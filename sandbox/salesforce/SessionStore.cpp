#include "SessionStore.h"

#include <QRandomGenerator>

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

SessionStore::SessionStore(QString orgId15)
    : m_orgId15(std::move(orgId15))
{ }

QString SessionStore::randomToken(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    QRandomGenerator::system()->generate(raw.begin(), raw.end());
    return QString::fromLatin1(
        raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QString SessionStore::issueAccessToken(const SessionGrant &grant, const QString &refreshToken,
                                       qint64 nowMs)
{
    // Real tokens are "<15-char org id>!<opaque>".
    const QString token = m_orgId15 + u"!AQ4AQ"_s + randomToken(48);
    m_sessions.insert(token, Session {grant, refreshToken, nowMs});
    return token;
}

QString SessionStore::issueRefreshToken(const SessionGrant &grant)
{
    const QString token = u"5Aep861"_s + randomToken(60);
    m_refreshTokens.insert(token, grant);
    return token;
}

QString SessionStore::issueCode(AuthCode code)
{
    const QString value = u"aPrx"_s + randomToken(36);
    m_codes.insert(value, std::move(code));
    return value;
}

const Session *SessionStore::session(const QString &accessToken, qint64 nowMs, qint64 lifetimeMs)
{
    const auto it = m_sessions.find(accessToken);
    if (it == m_sessions.end())
        return nullptr;
    if (nowMs - it->issuedAtMs >= lifetimeMs) {
        m_sessions.erase(it);
        ++m_expired;
        return nullptr;
    }
    return &*it;
}

std::optional<SessionGrant> SessionStore::refreshGrant(const QString &refreshToken) const
{
    const auto it = m_refreshTokens.constFind(refreshToken);
    if (it == m_refreshTokens.cend())
        return std::nullopt;
    return *it;
}

std::optional<AuthCode> SessionStore::takeCode(const QString &code)
{
    const auto it = m_codes.find(code);
    if (it == m_codes.end())
        return std::nullopt;
    AuthCode out = *it;
    m_codes.erase(it);
    return out;
}

void SessionStore::revokeRefreshToken(const QString &token)
{
    m_refreshTokens.remove(token);
    for (auto it = m_sessions.begin(); it != m_sessions.end();) {
        if (it->refreshToken == token)
            it = m_sessions.erase(it);
        else
            ++it;
    }
}

bool SessionStore::revoke(const QString &token)
{
    if (m_sessions.remove(token) > 0)
        return true;
    if (!m_refreshTokens.contains(token))
        return false;
    revokeRefreshToken(token);
    return true;
}

void SessionStore::expireAllSessions()
{
    m_expired += m_sessions.size();
    m_sessions.clear();
}

void SessionStore::clear()
{
    m_sessions.clear();
    m_refreshTokens.clear();
    m_codes.clear();
}

} // namespace lb::sandbox
