#pragma once

#include "auth/SalesforceSignIn.h"
#include "config/ProfileCatalog.h"

#include <QPointer>
#include <QWizard>

#include <functional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace lb {
class CredentialStore;
class SyncController;
struct SyncStatus;
} // namespace lb

namespace lb::ui {

// The first-run setup, shown instead of an error when there is no profile yet: Salesforce
// environment and browser sign-in, the lead platform's URL and API key, the webhook address and
// a generated secret, the allowed hosts filled in from all that for review, then the profile
// is written (secrets to the keychain only), the console starts the engine on it
// (profileWritten -> attachEngine), both connections are tested and the first sync runs.
// "Try the demo" stays one click away.
class SetupWizard : public QWizard
{
    Q_OBJECT
public:
    SetupWizard(CredentialStore &keychain, std::function<bool(const QUrl &)> openBrowser,
                int signInTimeoutMs, const QString &folder = ProfileCatalog::defaultFolder(),
                QWidget *parent = nullptr);

    // The engine running on the written profile: tests both connections, watches the first
    // sync.
    // Null: the engine could not start on the profile, for `problem`.
    void attachEngine(SyncController *controller, const QString &problem = {});
    QString profilePath() const { return m_profilePath; }

signals:
    void profileWritten(const QString &path);
    void demoRequested();

private:
    QWizardPage *buildSalesforce();
    QWizardPage *buildPlatform();
    QWizardPage *buildWebhook();
    QWizardPage *buildHosts();
    QWizardPage *buildTest();
    Profile draft() const;
    QJsonObject profileJson(const QStringList &allowedHosts) const;
    void signIn();
    void writeProfile();
    void storeSecrets(QList<std::pair<QString, QString>> secrets);
    void showStatus(const SyncStatus &status);
    void recheck();

    CredentialStore &m_keychain;
    std::function<bool(const QUrl &)> m_openBrowser;
    int m_signInTimeoutMs;
    ProfileCatalog m_catalog;
    QPointer<auth::SalesforceSignIn> m_signIn;
    std::optional<auth::SalesforceSignIn::Outcome> m_signedIn;
    QString m_profilePath;
    QPointer<SyncController> m_controller;
    bool m_salesforceOk = false;
    bool m_platformOk = false;
    bool m_synced = false;

    QLineEdit *m_name = nullptr;
    QComboBox *m_environment = nullptr;
    QLineEdit *m_loginUrl = nullptr;
    QLineEdit *m_clientId = nullptr;
    QPushButton *m_signInButton = nullptr;
    QLabel *m_signInState = nullptr;
    QLineEdit *m_platformUrl = nullptr;
    QLineEdit *m_apiKey = nullptr;
    QLineEdit *m_webhookListen = nullptr;
    QLineEdit *m_webhookSecret = nullptr;
    QPlainTextEdit *m_hosts = nullptr;
    QLabel *m_hostsCheck = nullptr;
    QLabel *m_progress = nullptr;
    QLabel *m_salesforceTest = nullptr;
    QLabel *m_platformTest = nullptr;
    QLabel *m_firstSync = nullptr;
    QList<QWizardPage *> m_pages;
};

} // namespace lb::ui
