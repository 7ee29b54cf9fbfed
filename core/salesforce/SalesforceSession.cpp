#include "SalesforceSession.h"

#include "log/Logging.h"

namespace lb::salesforce {

SalesforceSession::SalesforceSession(OAuthTokenClient &oauth, QObject *parent)
    : QObject(parent)
    , m_oauth(oauth)
{ }

void SalesforceSession::token(QObject *context, Callback done)
{
    if (hasToken()) {
        QMetaObject::invokeMethod(
            context, [done = std::move(done), t = m_token] { done(t); }, Qt::QueuedConnection);
        return;
    }
    m_waiting.append({QPointer<QObject>(context), std::move(done)});
    if (m_granting)
        return;
    m_granting = true;
    ++m_grants;
    m_oauth.requestToken(this, [this](Result<TokenResponse> r) {
        m_granting = false;
        const auto waiting = std::exchange(m_waiting, {});
        if (!r) {
            emit authenticationFailed(r.error());
            for (const auto &[ctx, cb] : waiting) {
                if (ctx)
                    cb(r.error());
            }
            return;
        }
        m_token = {r->accessToken, r->instanceUrl};
        if (!r->refreshToken.isEmpty()) {
            m_oauth.setRefreshToken(r->refreshToken);
            emit refreshTokenIssued(r->refreshToken);
        }
        qCInfo(lcAuth) << "Salesforce session established for" << r->instanceUrl.host();
        for (const auto &[ctx, cb] : waiting) {
            if (ctx)
                cb(m_token);
        }
    });
}

void SalesforceSession::invalidate(const QString &accessToken)
{
    if (m_token.accessToken == accessToken)
        m_token = {};
}

} // namespace lb::salesforce
