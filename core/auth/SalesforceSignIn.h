#pragma once

#include "AuthorizationCodeFlow.h"
#include "CredentialKey.h"
#include "config/Profile.h"

#include <QJsonValue>
#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>

namespace lb {
class CredentialStore;
}

namespace lb::auth {

struct OAuthAccess;

// Signs one profile in to Salesforce as a person and out again; the one implementation behind
// the console's "Sign in with Salesforce" / "Sign out" and `leadbridge login` / `credentials
// delete`. Sign-in runs the authorization-code flow with PKCE (the caller opens the address in
// a browser: core cannot), asks the identity URL who signed in and stores the refresh token
// in the keychain before it reports success. Sign-out revokes the refresh token at
// /services/oauth2/revoke first, then deletes it from the keychain. Main thread only (the
// keychain's jobs must run there). One operation at a time.
class SalesforceSignIn : public QObject
{
    Q_OBJECT
public:
    using OpenBrowser = AuthorizationCodeFlow::OpenBrowser;

    struct Outcome
    {
        QUrl instanceUrl;
        QString username; // empty when the identity URL could not be read
        QString account; // the keychain entry the refresh token went to
    };
    using SignInCallback = std::function<void(Result<Outcome>)>;
    // Sign-out: what happened at Salesforce, said for people.
    using SignOutCallback = std::function<void(Result<QString>)>;

    SalesforceSignIn(Profile profile, CredentialStore &keychain, QObject *parent = nullptr);
    ~SalesforceSignIn() override;

    // Whether `profile` signs in as a person and has what that needs, or why not.
    static Result<void> check(const Profile &profile);

    // Error codes besides the flow's: "profile", "no_refresh_token", "token_not_stored";
    // "cancelled" and "timeout" from the flow.
    void signIn(int timeoutMs, OpenBrowser openBrowser, QObject *context, SignInCallback done);
    void cancel();
    bool isBusy() const { return m_busy; }
    // The address the browser is sent to (valid once signIn has opened it).
    QUrl authorizeUrl() const;

    void signOut(QObject *context, SignOutCallback done);

    CredentialKey refreshTokenKey() const;
    // What a sign-in teaches the profile (ProfileFile::update paths): where the org lives and
    // who signed in (the login hint of the next sign-in).
    static QList<QPair<QString, QJsonValue>> profileChanges(const Outcome &outcome);

    // A refresh token Salesforce refuses (invalid_grant: revoked or expired) can only be
    // replaced by signing in again; the engine says so in these words, and the console shows
    // its Sign in button when an engine message carries them.
    static Error refusedRefreshToken(const Error &refused);
    static bool asksToSignInAgain(const QString &engineMessage);

private:
    void exchanged(Result<OAuthToken> token);
    void store(const OAuthToken &token, const QString &username);
    void finishSignIn(Result<Outcome> result);

    Profile m_profile;
    CredentialStore &m_keychain;
    std::unique_ptr<OAuthAccess> m_access;
    std::unique_ptr<AuthorizationCodeFlow> m_flow;
    QPointer<QObject> m_context;
    SignInCallback m_signInDone;
    bool m_busy = false;
};

} // namespace lb::auth
