#include "SalesforceSignIn.h"

#include "CredentialStore.h"
#include "OAuthAccess.h"
#include "SecretResolver.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace lb::auth {
namespace {

constexpr auto SignInAgain = "Sign in to Salesforce again"_L1;

bool signsInAsPerson(const QString &flow)
{
    return flow == "authorization_code"_L1 || flow == "refresh_token"_L1;
}

} // namespace

SalesforceSignIn::SalesforceSignIn(Profile profile, CredentialStore &keychain, QObject *parent)
    : QObject(parent)
    , m_profile(std::move(profile))
    , m_keychain(keychain)
{ }

SalesforceSignIn::~SalesforceSignIn() = default;

CredentialKey SalesforceSignIn::refreshTokenKey() const
{
    return {m_profile.name, u"salesforce"_s, u"refresh_token"_s};
}

QUrl SalesforceSignIn::authorizeUrl() const
{
    return m_flow ? m_flow->authorizeUrl() : QUrl();
}

QList<QPair<QString, QJsonValue>> SalesforceSignIn::profileChanges(const Outcome &outcome)
{
    QList<QPair<QString, QJsonValue>> changes;
    if (outcome.instanceUrl.isValid())
        changes.append({u"salesforce.instance_url"_s, outcome.instanceUrl.toString()});
    if (!outcome.username.isEmpty())
        changes.append({u"salesforce.username"_s, outcome.username});
    return changes;
}

Error SalesforceSignIn::refusedRefreshToken(const Error &refused)
{
    Error e = refused;
    e.message
        = u"Salesforce refused the refresh token (%1): it was revoked or has expired. %2."_s.arg(
            refused.message, SignInAgain);
    return e;
}

bool SalesforceSignIn::asksToSignInAgain(const QString &engineMessage)
{
    // Also the engine's word for a profile that never signed in.
    return engineMessage.contains(SignInAgain)
        || engineMessage.contains("Sign in to Salesforce in the browser first"_L1);
}

Result<void> SalesforceSignIn::check(const Profile &profile)
{
    if (profile.name.isEmpty())
        return makeError(u"profile"_s,
                         u"The profile has no name, so its secrets have no place "
                         "in the keychain."_s);
    if (!signsInAsPerson(profile.salesforce.authFlow))
        return makeError(
            u"profile"_s,
            u"Profile \"%1\" signs in with %2, which needs no browser sign-in. Set "
            "$.salesforce.auth_flow to \"authorization_code\" in %3 to sign in as "
            "yourself."_s.arg(profile.name, profile.salesforce.authFlow, profile.sourceFile));
    if (profile.salesforce.clientId.isEmpty())
        return makeError(u"profile"_s,
                         u"%1: $.salesforce.client_id (the connected app's "
                         "consumer key) is required."_s.arg(profile.sourceFile));
    const QUrl &login = profile.salesforce.loginUrl;
    if (!login.isValid() || login.host().isEmpty())
        return makeError(
            u"profile"_s,
            u"%1: $.salesforce.login_url is not a valid address."_s.arg(profile.sourceFile));
    return {};
}

void SalesforceSignIn::signIn(int timeoutMs, OpenBrowser openBrowser, QObject *context,
                              SignInCallback done)
{
    m_context = context;
    m_signInDone = std::move(done);
    m_busy = true;
    auto failLater = [this](const Error &error) {
        QMetaObject::invokeMethod(
            this, [this, error] { finishSignIn(error); }, Qt::QueuedConnection);
    };
    if (auto ok = check(m_profile); !ok)
        return failLater(ok.error());
    auto access = OAuthAccess::forProfile(m_profile);
    if (!access)
        return failLater(access.error());
    m_access = std::move(*access);

    // A connected app may or may not want its secret alongside PKCE: use it when there is one.
    auto *resolver = new SecretResolver(m_keychain, m_profile.name, this);
    resolver->resolve(
        {}, {u"salesforce/client_secret"_s}, this,
        [this, resolver, timeoutMs, openBrowser](Result<SecretResolver::Secrets> secrets) {
            resolver->deleteLater();
            if (!m_signInDone)
                return; // cancelled meanwhile
            if (!secrets)
                return finishSignIn(secrets.error());
            AuthorizationCodeFlow::Options options;
            options.loginUrl = m_profile.salesforce.loginUrl;
            options.clientId = m_profile.salesforce.clientId;
            options.clientSecret = secrets->value(u"salesforce/client_secret"_s);
            options.redirectUri = m_profile.salesforce.redirectUri;
            options.loginHint = m_profile.salesforce.username;
            options.timeoutMs = timeoutMs;
            m_flow = std::make_unique<AuthorizationCodeFlow>(*m_access->tokens, options);
            m_flow->start(openBrowser, this,
                          [this](Result<OAuthToken> token) { exchanged(std::move(token)); });
        });
}

void SalesforceSignIn::cancel()
{
    if (m_flow)
        m_flow->cancel();
    else if (m_signInDone)
        finishSignIn(makeError(u"cancelled"_s, u"The browser login was cancelled."_s));
}

void SalesforceSignIn::exchanged(Result<OAuthToken> token)
{
    if (!token)
        return finishSignIn(token.error());
    if (token->refreshToken.isEmpty())
        return finishSignIn(
            makeError(u"no_refresh_token"_s,
                      u"Salesforce answered without a refresh token: give the connected app the "
                      "\"refresh_token\" scope (Perform requests at any time)."_s));
    // Who signed in, for the profile; without it the sign-in still counts.
    const QUrl identity(token->identityUrl);
    if (!identity.isValid() || !m_access->http->allowlist().allows(identity))
        return store(*token, {});
    HttpRequest request;
    request.url = identity;
    request.setHeader("Authorization", "Bearer " + token->accessToken.toUtf8());
    request.timeoutMs = 30'000;
    const OAuthToken kept = *token;
    m_access->http->send(request, this, [this, kept](const HttpResponse &response) {
        const QString username = response.isSuccess()
            ? QJsonDocument::fromJson(response.body).object().value("username"_L1).toString()
            : QString();
        store(kept, username);
    });
}

void SalesforceSignIn::store(const OAuthToken &token, const QString &username)
{
    const CredentialKey key = refreshTokenKey();
    Outcome outcome {token.instanceUrl, username, key.account()};
    m_keychain.write(key, token.refreshToken, this, [this, outcome](Result<void> stored) {
        if (!stored)
            return finishSignIn(Error {u"token_not_stored"_s,
                                       u"Signed in, but the refresh token could not be stored: "_s
                                           + stored.error().message,
                                       0, false});
        finishSignIn(outcome);
    });
}

void SalesforceSignIn::finishSignIn(Result<Outcome> result)
{
    m_busy = false;
    auto done = std::move(m_signInDone);
    m_signInDone = nullptr;
    if (done && m_context)
        done(std::move(result));
}

void SalesforceSignIn::signOut(QObject *context, SignOutCallback done)
{
    m_busy = true;
    QPointer<QObject> guard(context);
    auto finish = [this, guard, done](Result<QString> result) {
        m_busy = false;
        if (guard)
            done(std::move(result));
    };
    const CredentialKey key = refreshTokenKey();
    m_keychain.read(key, this, [this, key, finish](Result<QString> token) {
        if (!token) {
            if (token.error().code == "not_found"_L1)
                return finish(
                    u"Not signed in: no refresh token is stored for profile \"%1\"."_s.arg(
                        m_profile.name));
            return finish(token.error());
        }
        auto access = OAuthAccess::forProfile(m_profile);
        if (!access)
            return finish(Error {access.error().code,
                                 u"Cannot revoke the refresh token: "_s + access.error().message, 0,
                                 false});
        m_access = std::move(*access);
        const QString host = m_profile.salesforce.loginUrl.host();
        m_access->tokens->revoke(
            m_profile.salesforce.loginUrl, *token, this,
            [this, key, host, finish](Result<void> revoked) {
                QString said;
                if (revoked) {
                    said = u"Revoked the refresh token at %1."_s.arg(host);
                } else if (revoked.error().code == "invalid_token"_L1
                           || revoked.error().code == "invalid_request"_L1) {
                    // Salesforce no longer knows it (revoked, expired, another org).
                    said = u"Salesforce no longer accepted the refresh token (%1)."_s.arg(
                        revoked.error().message);
                } else {
                    return finish(Error {revoked.error().code,
                                         u"Could not revoke the refresh token at %1: %2. It is "
                                         "kept; try again when Salesforce is reachable."_s.arg(
                                             host, revoked.error().message),
                                         0, revoked.error().retryable});
                }
                m_keychain.remove(key, this, [key, said, finish](Result<void> removed) {
                    if (!removed)
                        return finish(removed.error());
                    finish(
                        QString(said + u" Deleted "_s + key.account() + u" from the keychain."_s));
                });
            });
    });
}

} // namespace lb::auth
