#include "SalesforceSignInPanel.h"

#include "SalesforceEnvironments.h"
#include "auth/SalesforceSignIn.h"
#include "config/ProfileFile.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace lb::ui {

SalesforceSignInPanel::SalesforceSignInPanel(ConsoleContext context,
                                             std::function<Result<Profile>()> saveSettings,
                                             QWidget *parent)
    : QWidget(parent)
    , m_context(std::move(context))
    , m_saveSettings(std::move(saveSettings))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_signIn = new QPushButton(tr("Sign &in with Salesforce"), this);
    m_signIn->setObjectName(QStringLiteral("sfSignIn"));
    m_signIn->setAccessibleName(tr("Sign in with Salesforce"));
    m_signIn->setToolTip(tr("Opens Salesforce's login page in your browser; the refresh token "
                            "goes to the keychain."));
    m_cancel = new QPushButton(tr("Cancel sign-in"), this);
    m_cancel->setObjectName(QStringLiteral("sfCancelSignIn"));
    m_cancel->setAccessibleName(tr("Cancel the Salesforce sign-in"));
    m_cancel->hide();
    m_signOut = new QPushButton(tr("Sign &out"), this);
    m_signOut->setObjectName(QStringLiteral("sfSignOut"));
    m_signOut->setAccessibleName(tr("Sign out of Salesforce"));
    m_signOut->setToolTip(tr("Revokes the refresh token at Salesforce, then deletes it from the "
                             "keychain."));
    m_state = new QLabel(this);
    m_state->setObjectName(QStringLiteral("sfSignInState"));
    m_state->setAccessibleName(tr("Salesforce sign-in state"));
    m_state->setWordWrap(true);
    m_state->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_signIn);
    layout->addWidget(m_cancel);
    layout->addWidget(m_signOut);
    layout->addWidget(m_state, 1);
    const bool usable = m_context.credentials && !m_context.profilePath.isEmpty()
        && !m_context.profile.name.isEmpty();
    m_signIn->setEnabled(usable);
    m_signOut->setEnabled(usable);
    connect(m_signIn, &QPushButton::clicked, this, &SalesforceSignInPanel::signIn);
    connect(m_cancel, &QPushButton::clicked, this, &SalesforceSignInPanel::cancel);
    connect(m_signOut, &QPushButton::clicked, this, &SalesforceSignInPanel::signOut);
}

void SalesforceSignInPanel::setBusy(bool busy, const QString &state)
{
    m_signIn->setEnabled(!busy);
    m_signOut->setEnabled(!busy);
    m_cancel->setVisible(busy && m_session && !state.isEmpty());
    m_state->setText(state);
    emit busyChanged(busy);
}

void SalesforceSignInPanel::noticeRefusal(const QString &engineMessage)
{
    if (m_session || !auth::SalesforceSignIn::asksToSignInAgain(engineMessage))
        return;
    m_state->setText(tr("Salesforce no longer accepts this profile's sign-in (revoked or "
                        "expired): sign in again with the button."));
    m_signIn->setText(tr("Sign &in again"));
}

void SalesforceSignInPanel::signIn()
{
    if (m_session || !m_context.credentials || m_context.profilePath.isEmpty())
        return;
    // The sign-in uses what is on screen: saved first.
    auto saved = m_saveSettings();
    if (!saved) {
        m_state->setText(tr("Not signed in: %1").arg(saved.error().message));
        return;
    }
    m_context.profile = *saved;
    if (auto usable = auth::SalesforceSignIn::check(*saved); !usable) {
        m_state->setText(tr("Not signed in: %1").arg(usable.error().message));
        return;
    }
    m_session = new auth::SalesforceSignIn(*saved, *m_context.credentials, this);
    setBusy(true, tr("Starting the sign-in…"));
    auto open = [this](const QUrl &url) {
        const bool opened = m_context.openInBrowser(url);
        setBusy(true, signInWaitingText(opened, url, m_context.signInTimeoutMs));
    };
    m_session->signIn(
        m_context.signInTimeoutMs, open, this,
        [this](Result<auth::SalesforceSignIn::Outcome> outcome) {
            m_session->deleteLater();
            m_session = nullptr;
            setBusy(false, QString());
            if (!outcome) {
                m_state->setText(signInOutcomeText(outcome));
                return;
            }
            m_signIn->setText(tr("Sign &in with Salesforce"));
            auto profile = ProfileFile::update(m_context.profilePath,
                                               auth::SalesforceSignIn::profileChanges(*outcome));
            if (profile) {
                m_context.profile = *profile;
                emit signedIn(*profile);
            }
            m_state->setText(
                signInOutcomeText(outcome)
                + (profile ? QString()
                           : tr(" The profile was not updated: %1").arg(profile.error().message)));
            emit secretsChanged();
        });
}

void SalesforceSignInPanel::cancel()
{
    if (m_session)
        m_session->cancel();
}

void SalesforceSignInPanel::signOut()
{
    if (m_session || !m_context.credentials || m_context.profile.name.isEmpty())
        return;
    m_session = new auth::SalesforceSignIn(m_context.profile, *m_context.credentials, this);
    setBusy(true, tr("Signing out…"));
    m_session->signOut(this, [this](Result<QString> said) {
        m_session->deleteLater();
        m_session = nullptr;
        setBusy(false, QString());
        if (!said) {
            m_state->setText(tr("Still signed in: %1").arg(said.error().message));
            return;
        }
        m_state->setText(tr("Signed out. %1").arg(*said));
        emit secretsChanged();
    });
}

} // namespace lb::ui
