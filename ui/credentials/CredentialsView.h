#pragma once

#include "ConsoleContext.h"
#include "auth/SecretResolver.h"

#include <QHash>
#include <QWidget>

class QComboBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace lb::ui {

class SalesforceSignInPanel;

// Connection settings per system. The fields of the chosen Salesforce auth flow and of the
// platform are written to the profile file; secrets go to the OS keychain only (never a file,
// never shown again: a stored secret reads "stored"). "Test connection" asks the engine for a
// real token request and API call and shows what happened. A missing or locked keychain is
// said plainly, with what to do. The browser sign-in is a SalesforceSignInPanel of its own, the
// allowed hosts an AllowedHostsEditor.
class CredentialsView : public QWidget
{
    Q_OBJECT
public:
    explicit CredentialsView(const ConsoleContext &context, QWidget *parent = nullptr);

    void save(const QString &system);
    void testConnection(const QString &system);
    void refreshSecretStates();
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
    void addSecretRows(QFormLayout *form, QWidget *parent, const QString &system);
    QPushButton *addButtons(QFormLayout *form, QWidget *parent, const QString &system);
    void updateFlowFields();
    void watchForRefusedSignIn(const QString &engineMessage);
    // The profile as just saved: kept, handed to the sign-in panel, announced.
    void adoptProfile(const lb::Profile &profile);
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
    SalesforceSignInPanel *m_signInPanel = nullptr;
    QWidget *m_signInCaption = nullptr;
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
