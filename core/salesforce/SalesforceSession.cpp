#include "SalesforceSession.h"

#include "auth/JwtAssertion.h"
#include "auth/OAuthTokenClient.h"
#include "auth/SalesforceSignIn.h"
#include "log/Logging.h"
#include "net/HttpClient.h"
#include "util/Clock.h"

using namespace Qt::Literals::StringLiterals;

namespace lb::salesforce {

SalesforceSession::SalesforceSession(HttpClient &http, SalesforceConfig config,
                                     SalesforceSecrets secrets, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_secrets(std::move(secrets))
    , m_clock(&Clock::system())
    , m_tokens(std::make_unique<auth::OAuthTokenClient>(http))
{
    m_tokens->setTimeoutMs(m_config.timeoutMs);
    m_tokens->setCallOptionsClient(m_config.callOptionsClient);
}

SalesforceSession::~SalesforceSession() = default;

auth::AuthorizationCodeFlow::Options SalesforceSession::browserLoginOptions() const
{
    auth::AuthorizationCodeFlow::Options o;
    o.loginUrl = m_config.loginUrl;
    o.clientId = m_config.clientId;
    o.clientSecret = m_secrets.clientSecret;
    o.redirectUri = m_config.redirectUri;
    o.loginHint = m_config.username;
    return o;
}

void SalesforceSession::setToken(const auth::OAuthToken &token)
{
    m_token = token;
    if (!token.refreshToken.isEmpty() && token.refreshToken != m_secrets.refreshToken) {
        m_secrets.refreshToken = token.refreshToken;
        emit refreshTokenChanged(token.refreshToken);
    }
}

void SalesforceSession::clearToken()
{
    m_token = {};
}

void SalesforceSession::authenticate(QObject *context, DoneCallback done)
{
    m_waiters.append({context, std::move(done)});
    if (m_waiters.size() == 1)
        startGrant();
}

void SalesforceSession::ensureToken(QObject *context, DoneCallback done)
{
    if (hasToken() && !isRefreshing()) {
        QPointer<QObject> guard(context);
        QMetaObject::invokeMethod(
            this,
            [guard, done = std::move(done)] {
                if (guard)
                    done({});
            },
            Qt::QueuedConnection);
        return;
    }
    authenticate(context, std::move(done));
}

void SalesforceSession::refreshAfterRejection(const QString &rejectedToken, QObject *context,
                                              DoneCallback done)
{
    if (!isRefreshing() && hasToken() && m_token.accessToken != rejectedToken) {
        // Someone else refreshed while this request was in flight.
        ensureToken(context, std::move(done));
        return;
    }
    authenticate(context, std::move(done));
}

void SalesforceSession::startGrant()
{
    ++m_grants;
    auto finished = [this](Result<auth::OAuthToken> r) { finishGrant(std::move(r)); };
    const SalesforceConfig &c = m_config;
    switch (c.flow) {
    case AuthFlow::Password:
        m_tokens->password(c.loginUrl, c.clientId, m_secrets.clientSecret, c.username,
                           m_secrets.password, this, finished);
        return;
    case AuthFlow::RefreshToken:
        m_tokens->refreshToken(c.loginUrl, c.clientId, m_secrets.clientSecret,
                               m_secrets.refreshToken, this, finished);
        return;
    case AuthFlow::AuthorizationCode:
        if (m_secrets.refreshToken.isEmpty()) {
            QMetaObject::invokeMethod(
                this,
                [this] {
                    finishGrant(makeError(u"interactive_login_required"_s,
                                          u"Sign in to Salesforce in the browser first: run "
                                          u"`leadbridge login` for this profile."_s));
                },
                Qt::QueuedConnection);
            return;
        }
        m_tokens->refreshToken(c.loginUrl, c.clientId, m_secrets.clientSecret,
                               m_secrets.refreshToken, this, finished);
        return;
    case AuthFlow::JwtBearer: {
        Result<QByteArray> assertion = auth::JwtAssertion::create(
            c.clientId, c.username, c.loginUrl.toString(), m_secrets.privateKeyPem, *m_clock);
        if (!assertion) {
            const Error error = assertion.error();
            QMetaObject::invokeMethod(
                this, [this, error] { finishGrant(error); }, Qt::QueuedConnection);
            return;
        }
        m_tokens->jwtBearer(c.loginUrl, *assertion, this, finished);
        return;
    }
    case AuthFlow::ClientCredentials:
        if (c.instanceUrl.isEmpty()) {
            QMetaObject::invokeMethod(
                this,
                [this] {
                    finishGrant(makeError(u"missing_instance_url"_s,
                                          u"The client credentials flow needs the org's My "
                                          u"Domain URL (instance URL) in the profile."_s));
                },
                Qt::QueuedConnection);
            return;
        }
        m_tokens->clientCredentials(c.instanceUrl, c.clientId, m_secrets.clientSecret,
                                    auth::OAuthTokenClient::ClientAuth::FormFields, this, finished);
        return;
    }
}

void SalesforceSession::finishGrant(Result<auth::OAuthToken> result)
{
    const bool rotated = result && !result->refreshToken.isEmpty()
        && result->refreshToken != m_secrets.refreshToken;
    if (!rotated || !m_keeper) {
        completeGrant(std::move(result));
        return;
    }
    // Salesforce has already retired the old refresh token: keep the new one in memory at once
    // (a retry refreshes with it) and hand out the access token only once it is stored.
    const auth::OAuthToken token = *result;
    m_secrets.refreshToken = token.refreshToken;
    m_keeper(token.refreshToken, [this, token](Result<void> stored) {
        if (!stored) {
            qCWarning(lcSalesforce)
                << "the rotated refresh token could not be stored:" << stored.error().message;
            completeGrant(makeError(
                u"token_not_stored"_s,
                u"Salesforce issued a new refresh token, but it could not be stored in the "
                u"keychain (%1). LeadBridge retries; if this persists, sign in again once the "
                u"keychain works."_s.arg(stored.error().message)));
            return;
        }
        completeGrant(token);
    });
}

void SalesforceSession::completeGrant(Result<auth::OAuthToken> result)
{
    const bool signedInAsPerson
        = m_config.flow == AuthFlow::AuthorizationCode || m_config.flow == AuthFlow::RefreshToken;
    if (!result && signedInAsPerson && result.error().code == u"invalid_grant"_s)
        result = auth::SalesforceSignIn::refusedRefreshToken(result.error());
    const QList<Waiter> waiters = std::exchange(m_waiters, {});
    if (result) {
        setToken(*result);
        qCInfo(lcSalesforce) << "authenticated with" << authFlowName(m_config.flow) << "at"
                             << m_token.instanceUrl.host();
        emit authenticated();
    } else {
        qCWarning(lcSalesforce) << "authentication failed:" << result.error().code
                                << result.error().message;
        emit authenticationFailed(result.error());
    }
    for (const Waiter &w : waiters) {
        if (!w.context)
            continue;
        if (result)
            w.done({});
        else
            w.done(result.error());
    }
}

void SalesforceSession::revoke(QObject *context, DoneCallback done)
{
    const bool refresh = !m_secrets.refreshToken.isEmpty();
    const QString token = refresh ? m_secrets.refreshToken : m_token.accessToken;
    m_token = {};
    QPointer<QObject> guard(context);
    m_tokens->revoke(m_config.loginUrl, token, this,
                     [this, refresh, guard, done = std::move(done)](Result<void> r) {
                         if (r && refresh) {
                             m_secrets.refreshToken.clear();
                             emit refreshTokenChanged(QString());
                         }
                         if (guard)
                             done(std::move(r));
                     });
}

} // namespace lb::salesforce
