#include "SetupWizard.h"

#include "auth/CredentialStore.h"
#include "auth/Pkce.h"
#include "credentials/SalesforceEnvironments.h"
#include "net/AllowedHostEntry.h"
#include "sync/SyncController.h"
#include "engine/adapters/EnginePorts.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace lb::ui {
namespace {

// A page whose Next/Finish waits for `complete`.
class CheckedPage : public QWizardPage
{
public:
    using QWizardPage::QWizardPage;
    std::function<bool()> complete;
    bool isComplete() const override { return complete ? complete() : true; }
    void recheck() { emit completeChanged(); }
};

QLineEdit *addLine(QFormLayout *form, QWidget *page, const QString &name, const QString &label,
                   const QString &value = {})
{
    auto *line = new QLineEdit(value, page);
    line->setObjectName(name);
    line->setAccessibleName(label);
    auto *caption = new QLabel(label + u':', page);
    caption->setBuddy(line);
    form->addRow(caption, line);
    return line;
}

QLabel *addState(QWidget *page, const QString &name, const QString &label)
{
    auto *state = new QLabel(page);
    state->setObjectName(name);
    state->setAccessibleName(label);
    state->setWordWrap(true);
    state->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return state;
}

bool isWebAddress(const QString &text)
{
    const QUrl url(text.trimmed(), QUrl::StrictMode);
    return url.isValid() && !url.host().isEmpty()
        && (url.scheme() == QLatin1String("https") || url.scheme() == QLatin1String("http"));
}

} // namespace

SetupWizard::SetupWizard(CredentialStore &keychain, std::function<bool(const QUrl &)> openBrowser,
                         int signInTimeoutMs, const QString &folder, QWidget *parent)
    : QWizard(parent)
    , m_keychain(keychain)
    , m_openBrowser(std::move(openBrowser))
    , m_signInTimeoutMs(signInTimeoutMs)
    , m_catalog(folder)
{
    setObjectName(QStringLiteral("setupWizard"));
    setWindowTitle(tr("Set up LeadBridge"));
    setAccessibleName(tr("Set up LeadBridge"));
    setWizardStyle(QWizard::ClassicStyle);
    setOption(QWizard::HaveCustomButton1);
    setButtonText(QWizard::CustomButton1, tr("Try the &demo"));
    button(QWizard::CustomButton1)->setObjectName(QStringLiteral("setupTryDemo"));
    connect(this, &QWizard::customButtonClicked, this, [this](int which) {
        if (which == QWizard::CustomButton1) {
            emit demoRequested();
            reject();
        }
    });
    for (QWizard::WizardButton b :
         {QWizard::BackButton, QWizard::NextButton, QWizard::CommitButton, QWizard::FinishButton,
          QWizard::CancelButton, QWizard::CustomButton1})
        button(b)->setAccessibleName(buttonText(b).remove(u'&'));
    addPage(buildSalesforce());
    addPage(buildPlatform());
    addPage(buildWebhook());
    addPage(buildHosts());
    addPage(buildTest());
    resize(720, 520);
}

void SetupWizard::recheck()
{
    for (QWizardPage *page : std::as_const(m_pages))
        static_cast<CheckedPage *>(page)->recheck();
}

QWizardPage *SetupWizard::buildSalesforce()
{
    auto *page = new CheckedPage(this);
    page->setTitle(tr("Salesforce"));
    page->setSubTitle(tr("Which org LeadBridge connects to, and your sign-in. Your password "
                         "goes to Salesforce only; LeadBridge keeps a refresh token in the "
                         "keychain."));
    auto *form = new QFormLayout(page);
    m_name = addLine(form, page, QStringLiteral("setupName"), tr("Profile name"),
                     QStringLiteral("production"));
    m_environment = new QComboBox(page);
    m_environment->setObjectName(QStringLiteral("setupEnvironment"));
    m_environment->setAccessibleName(tr("Salesforce environment"));
    form->addRow(tr("Environment:"), m_environment);
    m_loginUrl = addLine(form, page, QStringLiteral("setupLoginUrl"), tr("Login URL"));
    bindSalesforceEnvironments(m_environment, m_loginUrl);
    m_clientId
        = addLine(form, page, QStringLiteral("setupClientId"), tr("Connected app consumer key"));
    m_signInButton = new QPushButton(tr("Sign &in with Salesforce"), page);
    m_signInButton->setObjectName(QStringLiteral("setupSignIn"));
    m_signInButton->setAccessibleName(tr("Sign in with Salesforce"));
    form->addRow(QString(), m_signInButton);
    m_signInState = addState(page, QStringLiteral("setupSignInState"), tr("Sign-in state"));
    form->addRow(QString(), m_signInState);
    connect(m_signInButton, &QPushButton::clicked, this, &SetupWizard::signIn);
    page->complete = [this] { return m_signedIn.has_value(); };
    m_pages.append(page);
    return page;
}

Profile SetupWizard::draft() const
{
    Profile p;
    p.name = m_name->text().trimmed();
    p.sourceFile = m_catalog.folder() + u'/' + p.name + QStringLiteral(".json");
    p.salesforce.authFlow = QStringLiteral("authorization_code");
    p.salesforce.loginUrl = QUrl(m_loginUrl->text().trimmed());
    p.salesforce.clientId = m_clientId->text().trimmed();
    if (m_signedIn) {
        p.salesforce.instanceUrl = m_signedIn->instanceUrl;
        p.salesforce.username = m_signedIn->username;
    }
    if (m_platformUrl)
        p.platform.baseUrl = QUrl(m_platformUrl->text().trimmed());
    return p;
}

void SetupWizard::signIn()
{
    if (m_signIn)
        return;
    const Profile profile = draft();
    if (auto name = m_catalog.checkNewName(profile.name); !name) {
        m_signInState->setText(name.error().message);
        return;
    }
    if (auto usable = auth::SalesforceSignIn::check(profile); !usable) {
        m_signInState->setText(tr("Not signed in: %1").arg(usable.error().message));
        return;
    }
    m_signIn = new auth::SalesforceSignIn(profile, m_keychain, this);
    m_signInButton->setEnabled(false);
    m_signIn->signIn(
        m_signInTimeoutMs,
        [this](const QUrl &url) {
            m_signInState->setText(signInWaitingText(m_openBrowser(url), url, m_signInTimeoutMs));
        },
        this,
        [this](Result<auth::SalesforceSignIn::Outcome> outcome) {
            m_signIn->deleteLater();
            m_signIn = nullptr;
            m_signInButton->setEnabled(true);
            m_signInState->setText(signInOutcomeText(outcome));
            if (outcome) {
                m_signedIn = *outcome;
                // The refresh token is kept under this name and this org from now on.
                for (QLineEdit *line : {m_name, m_loginUrl, m_clientId})
                    line->setReadOnly(true);
                m_environment->setEnabled(false);
            }
            recheck();
        });
}

QWizardPage *SetupWizard::buildPlatform()
{
    auto *page = new CheckedPage(this);
    page->setTitle(tr("Lead platform"));
    page->setSubTitle(tr("The platform's API address and the API key it gave you."));
    auto *form = new QFormLayout(page);
    m_platformUrl = addLine(form, page, QStringLiteral("setupPlatformUrl"), tr("API base URL"));
    m_platformUrl->setPlaceholderText(QStringLiteral("https://api.leadplatform.example"));
    m_apiKey = addLine(form, page, QStringLiteral("setupApiKey"), tr("API key"));
    m_apiKey->setEchoMode(QLineEdit::Password);
    page->complete
        = [this] { return isWebAddress(m_platformUrl->text()) && !m_apiKey->text().isEmpty(); };
    for (QLineEdit *line : {m_platformUrl, m_apiKey})
        connect(line, &QLineEdit::textChanged, page, &CheckedPage::recheck);
    m_pages.append(page);
    return page;
}

QWizardPage *SetupWizard::buildWebhook()
{
    auto *page = new CheckedPage(this);
    page->setTitle(tr("Webhooks"));
    page->setSubTitle(tr("Where the platform's webhooks reach LeadBridge, and the secret that "
                         "signs them (generated; enter the same one at the platform)."));
    auto *form = new QFormLayout(page);
    m_webhookListen = addLine(form, page, QStringLiteral("setupWebhookListen"),
                              tr("Listen address"), QStringLiteral("127.0.0.1:8787"));
    m_webhookSecret = addLine(form, page, QStringLiteral("setupWebhookSecret"),
                              tr("Webhook secret"), auth::Pkce::randomToken(32));
    m_webhookSecret->setReadOnly(true);
    m_webhookSecret->setEchoMode(QLineEdit::PasswordEchoOnEdit);
    auto *row = new QHBoxLayout;
    auto *another = new QPushButton(tr("&Generate another"), page);
    another->setObjectName(QStringLiteral("setupNewSecret"));
    another->setAccessibleName(tr("Generate another webhook secret"));
    auto *show = new QPushButton(tr("&Show"), page);
    show->setObjectName(QStringLiteral("setupShowSecret"));
    show->setAccessibleName(tr("Show the webhook secret"));
    show->setCheckable(true);
    row->addWidget(another);
    row->addWidget(show);
    row->addStretch(1);
    form->addRow(QString(), row);
    connect(another, &QPushButton::clicked, this,
            [this] { m_webhookSecret->setText(auth::Pkce::randomToken(32)); });
    connect(show, &QPushButton::toggled, this, [this](bool on) {
        m_webhookSecret->setEchoMode(on ? QLineEdit::Normal : QLineEdit::PasswordEchoOnEdit);
    });
    page->complete = [this] { return !m_webhookListen->text().trimmed().isEmpty(); };
    connect(m_webhookListen, &QLineEdit::textChanged, page, &CheckedPage::recheck);
    m_pages.append(page);
    return page;
}

QWizardPage *SetupWizard::buildHosts()
{
    auto *page = new CheckedPage(this);
    page->setTitle(tr("Allowed hosts"));
    page->setSubTitle(tr("LeadBridge connects to these hosts only. They are filled in from what "
                         "you entered: review them, one per line."));
    auto *layout = new QVBoxLayout(page);
    m_hosts = new QPlainTextEdit(page);
    m_hosts->setObjectName(QStringLiteral("setupAllowedHosts"));
    m_hosts->setAccessibleName(tr("Allowed hosts, one per line"));
    m_hosts->setTabChangesFocus(true);
    layout->addWidget(m_hosts);
    m_hostsCheck = addState(page, QStringLiteral("setupHostsCheck"), tr("Allowed hosts check"));
    layout->addWidget(m_hostsCheck);
    page->setCommitPage(true); // the profile is written on leaving this page
    page->setButtonText(QWizard::CommitButton, tr("&Save and test"));
    page->complete = [this] {
        QStringList refused;
        int count = 0;
        for (const QString &line : m_hosts->toPlainText().split(u'\n')) {
            if (line.trimmed().isEmpty())
                continue;
            auto entry = allowedHostEntryFromTyped(line);
            if (entry)
                ++count;
            else
                refused.append(entry.error().message);
        }
        m_hostsCheck->setText(refused.isEmpty() ? tr("%1 host(s) will be allowed.").arg(count)
                                                : refused.join(u'\n'));
        return refused.isEmpty() && count > 0;
    };
    connect(m_hosts, &QPlainTextEdit::textChanged, page, &CheckedPage::recheck);
    connect(this, &QWizard::currentIdChanged, this, [this, page](int) {
        if (currentPage() == page && m_hosts->toPlainText().isEmpty())
            m_hosts->setPlainText(effectiveAllowedHosts(draft()).join(u'\n'));
    });
    m_pages.append(page);
    return page;
}

QWizardPage *SetupWizard::buildTest()
{
    auto *page = new CheckedPage(this);
    page->setTitle(tr("Test and first sync"));
    page->setSubTitle(tr("The profile is saved; LeadBridge now tests both connections and runs "
                         "its first sync."));
    auto *form = new QFormLayout(page);
    m_progress = addState(page, QStringLiteral("setupProgress"), tr("Setup progress"));
    form->addRow(m_progress);
    m_salesforceTest
        = addState(page, QStringLiteral("setupSalesforceTest"), tr("Salesforce connection test"));
    form->addRow(tr("Salesforce:"), m_salesforceTest);
    m_platformTest
        = addState(page, QStringLiteral("setupPlatformTest"), tr("Lead platform connection test"));
    form->addRow(tr("Lead platform:"), m_platformTest);
    m_firstSync = addState(page, QStringLiteral("setupFirstSync"), tr("First sync"));
    form->addRow(tr("First sync:"), m_firstSync);
    page->complete = [this] { return m_salesforceOk && m_platformOk && m_synced; };
    connect(this, &QWizard::currentIdChanged, this, [this, page](int) {
        if (currentPage() == page && m_profilePath.isEmpty())
            writeProfile();
    });
    m_pages.append(page);
    return page;
}

QJsonObject SetupWizard::profileJson(const QStringList &allowedHosts) const
{
    const Profile p = draft();
    return QJsonObject {
        {QStringLiteral("name"), p.name},
        {QStringLiteral("salesforce"),
         QJsonObject {{QStringLiteral("login_url"), p.salesforce.loginUrl.toString()},
                      {QStringLiteral("auth_flow"), p.salesforce.authFlow},
                      {QStringLiteral("client_id"), p.salesforce.clientId},
                      {QStringLiteral("instance_url"), p.salesforce.instanceUrl.toString()},
                      {QStringLiteral("username"), p.salesforce.username}}},
        {QStringLiteral("platform"),
         QJsonObject {{QStringLiteral("base_url"), p.platform.baseUrl.toString()},
                      {QStringLiteral("webhook_listen"), m_webhookListen->text().trimmed()}}},
        {QStringLiteral("store"), ProfileCatalog::defaultStoreUrl(p.name)},
        {QStringLiteral("allowed_hosts"), QJsonArray::fromStringList(allowedHosts)}};
}

void SetupWizard::writeProfile()
{
    QStringList hosts;
    for (const QString &line : m_hosts->toPlainText().split(u'\n')) {
        if (auto entry = allowedHostEntryFromTyped(line); entry && !hosts.contains(*entry))
            hosts.append(*entry);
    }
    auto path = m_catalog.add(profileJson(hosts));
    if (!path) {
        m_progress->setText(tr("The profile was not saved: %1").arg(path.error().message));
        return;
    }
    m_profilePath = *path;
    m_progress->setText(tr("Saved the profile %1; storing the secrets…").arg(*path));
    storeSecrets({{QStringLiteral("api_key"), m_apiKey->text()},
                  {QStringLiteral("webhook_secret"), m_webhookSecret->text()}});
}

void SetupWizard::storeSecrets(QList<std::pair<QString, QString>> secrets)
{
    if (secrets.isEmpty()) {
        m_apiKey->clear(); // the secrets leave the widgets once stored
        m_progress->setText(tr("Saved; starting the engine…"));
        emit profileWritten(m_profilePath);
        return;
    }
    const auto [name, value] = secrets.takeFirst();
    m_keychain.write(
        {m_name->text().trimmed(), QStringLiteral("platform"), name}, value, this,
        [this, secrets](Result<void> stored) {
            if (!stored) {
                m_progress->setText(
                    tr("A secret could not be stored: %1").arg(stored.error().message));
                return;
            }
            storeSecrets(secrets);
        });
}

void SetupWizard::attachEngine(SyncController *controller, const QString &problem)
{
    m_controller = controller;
    if (!controller) {
        m_progress->setText(
            tr("The engine could not start on the new profile: %1. Finish the setup from "
               "the Credentials view.")
                .arg(problem));
        return;
    }
    m_progress->setText(tr("Testing the connections…"));
    connect(controller, &SyncController::connectionTested, this,
            [this](const QString &system, bool ok, const QString &message) {
                QLabel *label
                    = system == QLatin1String("salesforce") ? m_salesforceTest : m_platformTest;
                label->setText(ok ? tr("Connection works. %1").arg(message)
                                  : tr("Connection failed: %1").arg(message));
                (system == QLatin1String("salesforce") ? m_salesforceOk : m_platformOk) = ok;
                recheck();
            });
    connect(controller, &SyncController::statusChanged, this, &SetupWizard::showStatus);
    controller->testConnection(QStringLiteral("salesforce"));
    controller->testConnection(QStringLiteral("platform"));
}

void SetupWizard::showStatus(const SyncStatus &status)
{
    if (status.state == SyncStatus::State::Error) {
        m_firstSync->setText(tr("The engine stopped: %1").arg(status.detail));
        return;
    }
    if (status.lastPollSalesforce > 0 && status.lastPollPlatform > 0 && !m_synced) {
        m_synced = true;
        m_firstSync->setText(tr("The first sync ran: both systems were read; %1 record(s) "
                                "delivered so far. Finish opens the console.")
                                 .arg(status.delivered));
        m_progress->setText(tr("LeadBridge is set up."));
        recheck();
    } else if (!m_synced) {
        m_firstSync->setText(tr("Running…"));
    }
}

} // namespace lb::ui
