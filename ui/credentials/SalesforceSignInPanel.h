#pragma once

#include "ConsoleContext.h"
#include "util/Result.h"

#include <QPointer>
#include <QWidget>

#include <functional>

class QLabel;
class QPushButton;

namespace lb::auth {
class SalesforceSignIn;
}

namespace lb::ui {

// "Sign in with Salesforce" / "Cancel sign-in" / "Sign out" and what they said: runs the
// browser sign-in of core/auth/SalesforceSignIn (PKCE through the loopback listener, the
// refresh token to the keychain) and the sign-out (revoke first, then delete the token).
class SalesforceSignInPanel : public QWidget
{
    Q_OBJECT
public:
    // `saveSettings` writes the settings on screen to the profile before a sign-in (never a
    // secret) and returns the profile as saved.
    SalesforceSignInPanel(ConsoleContext context, std::function<Result<Profile>()> saveSettings,
                          QWidget *parent = nullptr);

    // The profile a sign-out revokes the token of (the view's current one).
    void setProfile(const Profile &profile) { m_context.profile = profile; }
    void signIn();
    void cancel();
    void signOut();
    // Offers to sign in again when `engineMessage` says Salesforce refused this profile's
    // sign-in (revoked or expired).
    void noticeRefusal(const QString &engineMessage);
    QPushButton *signInButton() const { return m_signIn; }

signals:
    // A sign-in or sign-out started (true) or finished (false).
    void busyChanged(bool busy);
    // Signed in: the profile now names the user and the instance.
    void signedIn(const lb::Profile &profile);
    // The refresh token was stored or removed.
    void secretsChanged();

private:
    void setBusy(bool busy, const QString &state);

    ConsoleContext m_context;
    std::function<Result<Profile>()> m_saveSettings;
    QPushButton *m_signIn = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_signOut = nullptr;
    QLabel *m_state = nullptr;
    QPointer<auth::SalesforceSignIn> m_session;
};

} // namespace lb::ui
