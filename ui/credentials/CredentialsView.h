#pragma once

#include "ConsoleContext.h"
#include "auth/SecretResolver.h"

#include <QHash>
#include <QPointer>
#include <QWidget>

#include <optional>

class QComboBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace lb::auth {
class SalesforceSignIn;
}

namespace lb::ui {

// Connection settings per system. The fields of the chosen Salesforce auth flow and of the
// platform are written to the profile file; secrets go to the OS keychain only (never a file,
// never shown again: a stored secret reads "stored"). "Test connection" asks the engine for a
// real token request and API call and shows what happened. A missing or locked keychain is
// said plainly, with what to do.
class CredentialsView : public QWidget
{
    Q_OBJECT
public:
    explicit CredentialsView(const ConsoleContext &context, QWidget *parent = nullptr);

    void save(const QString &system);
    void testConnection(const QString &system);
    void refreshSecretStates();
    // "Sign in with Salesforce": saves the Salesforce settings, runs the browser sign-in of
    // core/auth/SalesforceSignIn, writes the instance URL and user to the profile.
    void signIn();
    void cancelSignIn();
    // "Sign out": revokes the refresh token at Salesforce, then deletes it from the keychain.
    void signOut();
    // Checks the allowed hosts as typed (one per line); returns the entries, or none when a
    // line is refused (each refusal is shown).
    std::optional<QStringList> checkAllowedHosts();
    void saveAllowedHosts();
    QLineEdit *secretField(const QString &specId) const { return m_secretFields.value(specId); }

protected:
    void showEvent(QShowEvent *event) override;

signals:
    void profileChanged(const lb::Profile &profile);
    void secretsChanged(const QString &system);

private:
    struct SecretRow
    {
        SecretSpec spec;
        QWidget *label = nullptr;
        QLineEdit *field = nullptr;
        QLabel *state = nullptr;
        QPushButton *load = nullptr;
    };
    QGroupBox *buildSalesforce();
    QGroupBox *buildPlatform();
    QGroupBox *buildStore();
    QGroupBox *buildAllowedHosts();
    void addSecretRows(QFormLayout *form, QWidget *parent, const QString &system);
    QPushButton *addButtons(QFormLayout *form, QWidget *parent, const QString &system);
    void updateFlowFields();
    void setSignInBusy(bool busy, const QString &state);
    void showSignInState(const QString &text);
    void watchForRefusedSignIn(const QString &engineMessage);
    void showKeychainProblem(const Error &error);
    void setResult(const QString &system, const QString &text);
    QLineEdit *addLine(QFormLayout *form, QWidget *parent, const QString &name,
                       const QString &label, const QString &value);
    QList<QPair<QString, QJsonValue>> profileChanges(const QString &system) const;

    ConsoleContext m_context;
    QString m_profileName;
    QLabel *m_keychain = nullptr;
    QLabel *m_notice = nullptr;
    QComboBox *m_flow = nullptr;
    QComboBox *m_environment = nullptr;
    QWidget *m_signInRow = nullptr;
    QWidget *m_signInCaption = nullptr;
    QPushButton *m_signIn = nullptr;
    QPushButton *m_cancelSignIn = nullptr;
    QPushButton *m_signOut = nullptr;
    QLabel *m_signInState = nullptr;
    QPlainTextEdit *m_allowedHosts = nullptr;
    QLabel *m_allowedHostsCheck = nullptr;
    QPushButton *m_allowedHostsSave = nullptr;
    QPointer<auth::SalesforceSignIn> m_session;
    QHash<QString, QLineEdit *> m_lines; // objectName -> field
    QHash<QString, QWidget *> m_lineLabels;
    QList<SecretRow> m_secrets;
    QHash<QString, QLineEdit *> m_secretFields; // "salesforce/client_secret" -> field
    QHash<QString, QLabel *> m_results; // system -> outcome label
    QHash<QString, QPushButton *> m_saveButtons;
    QHash<QString, QPushButton *> m_testButtons;
    bool m_checked = false;
};

} // namespace lb::ui
