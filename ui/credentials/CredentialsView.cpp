#include "CredentialsView.h"

#include "AllowedHostsEditor.h"
#include "SalesforceEnvironments.h"
#include "SalesforceSignInPanel.h"
#include "auth/CredentialStore.h"
#include "common/FileDialog.h"
#include "config/ProfileFile.h"
#include "sync/SyncController.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

#include <memory>

namespace lb::ui {
namespace {

QString flowTitle(const QString &flow)
{
    if (flow == QLatin1String("jwt_bearer"))
        return QObject::tr("JWT bearer (certificate; recommended)");
    if (flow == QLatin1String("refresh_token"))
        return QObject::tr("Refresh token");
    if (flow == QLatin1String("password"))
        return QObject::tr("Username and password");
    if (flow == QLatin1String("client_credentials"))
        return QObject::tr("Client credentials");
    if (flow == QLatin1String("authorization_code"))
        return QObject::tr("Authorization code (browser sign-in, PKCE)");
    return flow;
}

// Which non-secret Salesforce fields a flow uses (besides login URL and client id).
bool flowUses(const QString &flow, const QString &field)
{
    if (field == QLatin1String("sfUsername"))
        return flow == QLatin1String("jwt_bearer") || flow == QLatin1String("password");
    if (field == QLatin1String("sfInstanceUrl"))
        return flow == QLatin1String("client_credentials");
    if (field == QLatin1String("sfRedirectUri"))
        return flow == QLatin1String("authorization_code");
    return true;
}

bool signsInAsPerson(const QString &flow)
{
    return flow == QLatin1String("authorization_code") || flow == QLatin1String("refresh_token");
}

} // namespace

CredentialsView::CredentialsView(const ConsoleContext &context, QWidget *parent)
    : QWidget(parent)
    , m_context(context)
    , m_profileName(context.profile.name)
{
    setAccessibleName(tr("Credentials"));
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto *scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("credentialsScroll"));
    scroll->setAccessibleName(tr("Credentials"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *content = new QWidget(scroll);
    auto *layout = new QVBoxLayout(content);
    scroll->setWidget(content);
    outer->addWidget(scroll);

    m_keychain = new QLabel(content);
    m_keychain->setObjectName(QStringLiteral("keychainBackend"));
    m_keychain->setAccessibleName(tr("Where secrets are kept"));
    m_keychain->setWordWrap(true);
    m_keychain->setText(
        m_context.credentials
            ? tr("Secrets are kept in the %1 only, never in a file. Settings that are not "
                 "secret are saved in the profile %2.")
                  .arg(m_context.credentials->backendName(),
                       QDir::toNativeSeparators(m_context.profilePath))
            : tr("No keychain is available to this console, so secrets cannot be stored."));
    layout->addWidget(m_keychain);
    m_notice = new QLabel(content);
    m_notice->setObjectName(QStringLiteral("keychainNotice"));
    m_notice->setAccessibleName(tr("Keychain problem"));
    m_notice->setWordWrap(true);
    m_notice->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_notice->hide();
    layout->addWidget(m_notice);
    if (m_context.profilePath.isEmpty() || m_profileName.isEmpty()) {
        m_notice->setText(tr("No profile is loaded, so there is nothing to configure here. Start "
                             "the console with --profile FILE. %1")
                              .arg(m_context.problem));
        m_notice->show();
    }

    layout->addWidget(buildSalesforce());
    layout->addWidget(buildPlatform());
    if (m_context.storeConfig.backend == StoreConfig::Backend::Postgres)
        layout->addWidget(buildStore());
    auto *allowedHosts = new AllowedHostsEditor(m_context.profile, m_context.profilePath, content);
    connect(allowedHosts, &AllowedHostsEditor::profileChanged, this,
            &CredentialsView::adoptProfile);
    layout->addWidget(allowedHosts);
    layout->addStretch(1);
    updateFlowFields();

    if (SyncController *c = m_context.controller) {
        connect(c, &SyncController::connectionTested, this,
                [this](const QString &system, bool ok, const QString &message) {
                    if (QPushButton *b = m_testButtons.value(system))
                        b->setEnabled(true);
                    setResult(system,
                              ok ? tr("Connection works. %1").arg(message)
                                 : tr("Connection failed: %1").arg(message));
                    if (!ok && system == QLatin1String("salesforce"))
                        watchForRefusedSignIn(message);
                });
        connect(c, &SyncController::statusChanged, this, [this](const SyncStatus &status) {
            watchForRefusedSignIn(status.detail);
            watchForRefusedSignIn(status.streamProblem);
        });
    }
}

void CredentialsView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    // Asked when first seen, not at start-up: a locked keychain may prompt to be unlocked.
    if (!m_checked) {
        m_checked = true;
        refreshSecretStates();
    }
}

QLineEdit *CredentialsView::addLine(QFormLayout *form, QWidget *parent, const QString &name,
                                    const QString &label, const QString &value)
{
    auto *line = new QLineEdit(value, parent);
    line->setObjectName(name);
    line->setAccessibleName(label);
    auto *caption = new QLabel(label + u':', parent);
    caption->setBuddy(line);
    form->addRow(caption, line);
    m_lines.insert(name, line);
    m_lineLabels.insert(name, caption);
    return line;
}

QGroupBox *CredentialsView::buildSalesforce()
{
    const Profile::Salesforce &sf = m_context.profile.salesforce;
    auto *box = new QGroupBox(tr("Salesforce"), this);
    box->setObjectName(QStringLiteral("salesforceCredentials"));
    auto *form = new QFormLayout(box);
    m_flow = new QComboBox(box);
    m_flow->setObjectName(QStringLiteral("sfAuthFlow"));
    m_flow->setAccessibleName(tr("Salesforce sign-in method"));
    for (const QString &flow : Profile::authFlows())
        m_flow->addItem(flowTitle(flow), flow);
    m_flow->setCurrentIndex(std::max(0, m_flow->findData(sf.authFlow)));
    form->addRow(tr("Sign-in method:"), m_flow);
    m_environment = new QComboBox(box);
    m_environment->setObjectName(QStringLiteral("sfEnvironment"));
    m_environment->setAccessibleName(tr("Salesforce environment"));
    auto *environmentCaption = new QLabel(tr("Environment:"), box);
    environmentCaption->setBuddy(m_environment);
    form->addRow(environmentCaption, m_environment);
    QLineEdit *login
        = addLine(form, box, QStringLiteral("sfLoginUrl"), tr("Login URL"), sf.loginUrl.toString());
    bindSalesforceEnvironments(m_environment, login);
    addLine(form, box, QStringLiteral("sfInstanceUrl"), tr("My Domain URL"),
            sf.instanceUrl.toString());
    addLine(form, box, QStringLiteral("sfClientId"), tr("Consumer key (client id)"), sf.clientId);
    addLine(form, box, QStringLiteral("sfUsername"), tr("Integration user"), sf.username);
    addLine(form, box, QStringLiteral("sfRedirectUri"), tr("Redirect URI"),
            sf.redirectUri.toString());
    addSecretRows(form, box, QStringLiteral("salesforce"));

    m_signInPanel = new SalesforceSignInPanel(
        m_context,
        [this]() -> Result<Profile> {
            auto saved = ProfileFile::update(m_context.profilePath,
                                             profileChanges(QStringLiteral("salesforce")));
            if (saved)
                adoptProfile(*saved);
            return saved;
        },
        box);
    auto *signInCaption = new QLabel(tr("Sign-in:"), box);
    signInCaption->setBuddy(m_signInPanel->signInButton());
    m_signInCaption = signInCaption;
    form->addRow(signInCaption, m_signInPanel);
    connect(m_signInPanel, &SalesforceSignInPanel::busyChanged, this, [this](bool busy) {
        if (busy)
            m_notice->hide();
        m_flow->setEnabled(!busy);
        m_environment->setEnabled(!busy);
    });
    connect(m_signInPanel, &SalesforceSignInPanel::signedIn, this, [this](const Profile &profile) {
        adoptProfile(profile);
        m_lines.value(QStringLiteral("sfUsername"))->setText(profile.salesforce.username);
        m_lines.value(QStringLiteral("sfInstanceUrl"))
            ->setText(profile.salesforce.instanceUrl.toString());
    });
    connect(m_signInPanel, &SalesforceSignInPanel::secretsChanged, this, [this] {
        refreshSecretStates();
        emit secretsChanged(QStringLiteral("salesforce"));
    });

    addButtons(form, box, QStringLiteral("salesforce"));
    connect(m_flow, &QComboBox::currentIndexChanged, this, &CredentialsView::updateFlowFields);
    return box;
}

QGroupBox *CredentialsView::buildPlatform()
{
    auto *box = new QGroupBox(tr("Lead platform"), this);
    box->setObjectName(QStringLiteral("platformCredentials"));
    auto *form = new QFormLayout(box);
    addLine(form, box, QStringLiteral("platformBaseUrl"), tr("API base URL"),
            m_context.profile.platform.baseUrl.toString());
    addLine(form, box, QStringLiteral("platformWebhook"), tr("Webhook listen address"),
            m_context.profile.platform.webhookListen);
    addSecretRows(form, box, QStringLiteral("platform"));
    addButtons(form, box, QStringLiteral("platform"));
    return box;
}

QGroupBox *CredentialsView::buildStore()
{
    auto *box = new QGroupBox(tr("PostgreSQL store"), this);
    box->setObjectName(QStringLiteral("storeCredentials"));
    auto *form = new QFormLayout(box);
    auto *url = new QLabel(m_context.storeConfig.displayUrl(), box);
    url->setAccessibleName(tr("Store"));
    form->addRow(tr("Store:"), url);
    addSecretRows(form, box, QStringLiteral("store"));
    addButtons(form, box, QStringLiteral("store"));
    return box;
}

void CredentialsView::addSecretRows(QFormLayout *form, QWidget *parent, const QString &system)
{
    for (const SecretSpec &spec : SecretResolver::allSpecs()) {
        if (spec.system != system)
            continue;
        SecretRow row;
        row.spec = spec;
        auto *cell = new QWidget(parent);
        auto *h = new QHBoxLayout(cell);
        h->setContentsMargins(0, 0, 0, 0);
        row.field = new QLineEdit(cell);
        row.field->setObjectName(QStringLiteral("secret_%1_%2").arg(spec.system, spec.secret));
        row.field->setAccessibleName(spec.label);
        row.field->setEchoMode(QLineEdit::Password);
        row.field->setClearButtonEnabled(true);
        h->addWidget(row.field, 1);
        if (spec.isFilePath) {
            row.load = new QPushButton(tr("Load file…"), cell);
            row.load->setObjectName(QStringLiteral("load_%1_%2").arg(spec.system, spec.secret));
            row.load->setAccessibleName(tr("Load %1 from a file").arg(spec.label));
            QLineEdit *field = row.field;
            connect(row.load, &QPushButton::clicked, this, [this, field] {
                FileDialog::openFile(
                    this, tr("Private key"), QDir::homePath(),
                    tr("PEM files (*.pem *.key);;All files (*)"), [this, field](const QString &p) {
                        QFile file(p);
                        if (file.size() > 64 * 1024 || !file.open(QIODevice::ReadOnly)) {
                            m_notice->setText(tr("Cannot read %1 as a key: %2")
                                                  .arg(QDir::toNativeSeparators(p),
                                                       file.errorString().isEmpty()
                                                           ? tr("it is too large")
                                                           : file.errorString()));
                            m_notice->show();
                            return;
                        }
                        field->setText(QString::fromUtf8(file.readAll()));
                    });
            });
            h->addWidget(row.load);
        }
        row.state = new QLabel(cell);
        row.state->setObjectName(QStringLiteral("state_%1_%2").arg(spec.system, spec.secret));
        row.state->setAccessibleName(tr("%1 state").arg(spec.label));
        row.state->setMinimumWidth(row.state->fontMetrics().horizontalAdvance(tr("checking…"))
                                   + 12);
        h->addWidget(row.state);
        QString caption = spec.label;
        caption[0] = caption.at(0).toUpper();
        auto *label = new QLabel(caption + u':', parent);
        label->setBuddy(row.field);
        row.label = label;
        form->addRow(label, cell);
        m_secretFields.insert(spec.id(), row.field);
        m_secrets.append(row);
    }
}

QPushButton *CredentialsView::addButtons(QFormLayout *form, QWidget *parent, const QString &system)
{
    auto *cell = new QWidget(parent);
    auto *h = new QHBoxLayout(cell);
    h->setContentsMargins(0, 0, 0, 0);
    const QString prefix = system == QLatin1String("salesforce") ? QStringLiteral("sf") : system;
    auto *saveButton = new QPushButton(tr("&Save"), cell);
    saveButton->setObjectName(prefix + QStringLiteral("Save"));
    saveButton->setAccessibleName(tr("Save %1 settings").arg(system));
    h->addWidget(saveButton);
    connect(saveButton, &QPushButton::clicked, this, [this, system] { save(system); });
    m_saveButtons.insert(system, saveButton);
    if (system != QLatin1String("store")) {
        auto *test = new QPushButton(tr("&Test connection"), cell);
        test->setObjectName(prefix + QStringLiteral("Test"));
        test->setAccessibleName(tr("Test the %1 connection").arg(system));
        test->setToolTip(tr("Asks the engine for a real token and one API call with what is "
                            "saved."));
        test->setEnabled(m_context.controller != nullptr);
        connect(test, &QPushButton::clicked, this, [this, system] { testConnection(system); });
        h->addWidget(test);
        m_testButtons.insert(system, test);
    }
    auto *result = new QLabel(cell);
    result->setObjectName(prefix + QStringLiteral("Result"));
    result->setAccessibleName(tr("%1 outcome").arg(system));
    result->setWordWrap(true);
    result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    h->addWidget(result, 1);
    m_results.insert(system, result);
    form->addRow(QString(), cell);
    const bool usable = !m_context.profilePath.isEmpty() && !m_profileName.isEmpty();
    saveButton->setEnabled(usable);
    return saveButton;
}

void CredentialsView::updateFlowFields()
{
    const QString flow = m_flow->currentData().toString();
    for (const QString &name : {QStringLiteral("sfUsername"), QStringLiteral("sfInstanceUrl"),
                                QStringLiteral("sfRedirectUri")}) {
        const bool used = flowUses(flow, name);
        m_lines.value(name)->setVisible(used);
        m_lineLabels.value(name)->setVisible(used);
    }
    const bool person = signsInAsPerson(flow);
    m_signInPanel->setVisible(person);
    m_signInCaption->setVisible(person);
    const QStringList required = SecretResolver::requiredFor(flow);
    const QStringList optional = SecretResolver::optionalFor(flow);
    for (SecretRow &row : m_secrets) {
        if (row.spec.system != QLatin1String("salesforce"))
            continue;
        const bool needed = required.contains(row.spec.id());
        const bool used = needed || optional.contains(row.spec.id());
        row.field->setVisible(used);
        row.label->setVisible(used);
        row.state->setVisible(used);
        if (row.load)
            row.load->setVisible(used);
        row.field->setToolTip(needed ? tr("Required for this sign-in method.")
                                     : tr("Optional for this sign-in method."));
    }
}

void CredentialsView::watchForRefusedSignIn(const QString &engineMessage)
{
    if (signsInAsPerson(m_flow->currentData().toString()))
        m_signInPanel->noticeRefusal(engineMessage);
}

void CredentialsView::adoptProfile(const Profile &profile)
{
    m_context.profile = profile;
    m_signInPanel->setProfile(profile);
    emit profileChanged(profile);
}

void CredentialsView::showKeychainProblem(const Error &error)
{
    m_notice->setText(error.message);
    m_notice->show();
}

void CredentialsView::setResult(const QString &system, const QString &text)
{
    if (QLabel *l = m_results.value(system))
        l->setText(text);
}

void CredentialsView::refreshSecretStates()
{
    for (SecretRow &row : m_secrets) {
        if (qEnvironmentVariableIsSet(row.spec.environment.toLatin1().constData())) {
            row.state->setText(tr("set by %1 (wins)").arg(row.spec.environment));
            continue;
        }
        if (!m_context.credentials || m_profileName.isEmpty()) {
            row.state->setText(tr("unknown"));
            continue;
        }
        row.state->setText(tr("checking…"));
        QLabel *state = row.state;
        QLineEdit *field = row.field;
        m_context.credentials->read({m_profileName, row.spec.system, row.spec.secret}, state,
                                    [this, state, field](Result<QString> r) {
                                        if (r) {
                                            state->setText(tr("stored"));
                                            field->setPlaceholderText(
                                                tr("stored; type to replace"));
                                        } else if (r.error().code == QLatin1String("not_found")) {
                                            state->setText(tr("not set"));
                                            field->setPlaceholderText(tr("not set"));
                                        } else {
                                            state->setText(tr("unknown"));
                                            showKeychainProblem(r.error());
                                        }
                                    });
    }
}

QList<QPair<QString, QJsonValue>> CredentialsView::profileChanges(const QString &system) const
{
    auto text = [this](const char *name) {
        return QJsonValue(m_lines.value(QLatin1String(name))->text().trimmed());
    };
    if (system == QLatin1String("salesforce")) {
        const QString flow = m_flow->currentData().toString();
        QList<QPair<QString, QJsonValue>> changes {
            {QStringLiteral("salesforce.auth_flow"), flow},
            {QStringLiteral("salesforce.login_url"), text("sfLoginUrl")},
            {QStringLiteral("salesforce.client_id"), text("sfClientId")}};
        for (const auto &[name, key] : {std::pair {"sfUsername", "salesforce.username"},
                                        std::pair {"sfInstanceUrl", "salesforce.instance_url"},
                                        std::pair {"sfRedirectUri", "salesforce.redirect_uri"}}) {
            if (flowUses(flow, QLatin1String(name)))
                changes.append({QLatin1String(key), text(name)});
        }
        return changes;
    }
    if (system == QLatin1String("platform"))
        return {{QStringLiteral("platform.base_url"), text("platformBaseUrl")},
                {QStringLiteral("platform.webhook_listen"), text("platformWebhook")}};
    return {};
}

void CredentialsView::save(const QString &system)
{
    if (m_context.profilePath.isEmpty() || m_profileName.isEmpty())
        return;
    m_notice->hide();
    const auto changes = profileChanges(system);
    if (!changes.isEmpty()) {
        auto profile = ProfileFile::update(m_context.profilePath, changes);
        if (!profile) {
            setResult(system, tr("Not saved: %1").arg(profile.error().message));
            return;
        }
        adoptProfile(*profile);
    }
    QList<SecretRow> toWrite;
    for (const SecretRow &row : std::as_const(m_secrets)) {
        if (row.spec.system == system && row.field->isVisibleTo(this)
            && !row.field->text().isEmpty())
            toWrite.append(row);
    }
    if (toWrite.isEmpty()) {
        setResult(system, tr("Saved."));
        return;
    }
    if (!m_context.credentials) {
        setResult(system, tr("Settings saved; secrets were not (no keychain)."));
        return;
    }
    QPushButton *button = m_saveButtons.value(system);
    button->setEnabled(false);
    setResult(system, tr("Saving to the keychain…"));
    struct Pending
    {
        int left = 0;
        QStringList failed;
    };
    auto pending = std::make_shared<Pending>();
    pending->left = int(toWrite.size());
    for (const SecretRow &row : toWrite) {
        QLineEdit *field = row.field;
        QLabel *state = row.state;
        const QString label = row.spec.label;
        m_context.credentials->write(
            {m_profileName, row.spec.system, row.spec.secret}, field->text(), this,
            [this, pending, field, state, label, system, button](Result<void> r) {
                if (r) {
                    field->clear(); // the secret leaves the widget once it is stored
                    field->setPlaceholderText(tr("stored; type to replace"));
                    state->setText(tr("stored"));
                } else {
                    pending->failed.append(label);
                    showKeychainProblem(r.error());
                }
                if (--pending->left > 0)
                    return;
                button->setEnabled(true);
                if (pending->failed.isEmpty()) {
                    setResult(system, tr("Saved; secrets are in the keychain."));
                    emit secretsChanged(system);
                } else {
                    setResult(system,
                              tr("Not stored: %1. See the message above.")
                                  .arg(pending->failed.join(QStringLiteral(", "))));
                }
            });
    }
}

void CredentialsView::testConnection(const QString &system)
{
    if (!m_context.controller)
        return;
    if (QPushButton *b = m_testButtons.value(system))
        b->setEnabled(false);
    setResult(system, tr("Testing…"));
    m_context.controller->testConnection(system);
}

} // namespace lb::ui
