#include "ProfilePicker.h"

#include "auth/ProfileSecrets.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

namespace lb::ui {

ProfilePicker::ProfilePicker(CredentialStore *keychain, const QString &currentPath,
                             const QString &folder, QWidget *parent)
    : QDialog(parent)
    , m_keychain(keychain)
    , m_current(currentPath.isEmpty() ? QString() : QFileInfo(currentPath).absoluteFilePath())
    , m_catalog(folder)
{
    setObjectName(QStringLiteral("profilePicker"));
    setWindowTitle(tr("Profiles"));
    setAccessibleName(tr("Profiles"));
    if (m_keychain)
        m_secrets = new ProfileSecrets(*m_keychain, this);

    auto *layout = new QVBoxLayout(this);
    auto *about = new QLabel(tr("Each profile connects one Salesforce org and one lead platform, "
                                "with its own store and its own secrets in the keychain."),
                             this);
    about->setWordWrap(true);
    layout->addWidget(about);
    auto *body = new QHBoxLayout;
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("profileList"));
    m_list->setAccessibleName(tr("Profiles"));
    body->addWidget(m_list, 1);

    auto *side = new QVBoxLayout;
    auto *nameLabel = new QLabel(tr("&Name for a new, copied or renamed profile:"), this);
    nameLabel->setWordWrap(true);
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("profileNameEdit"));
    m_name->setAccessibleName(tr("Profile name"));
    m_name->setPlaceholderText(tr("e.g. production"));
    nameLabel->setBuddy(m_name);
    side->addWidget(nameLabel);
    side->addWidget(m_name);
    auto button = [this, side](const QString &name, const QString &text, const QString &help) {
        auto *b = new QPushButton(text, this);
        b->setObjectName(name);
        b->setAccessibleName(help);
        b->setToolTip(help);
        b->setAutoDefault(false);
        side->addWidget(b);
        return b;
    };
    m_create = button(QStringLiteral("profileCreate"), tr("&New"), tr("Create a new profile"));
    m_duplicate = button(QStringLiteral("profileDuplicate"), tr("D&uplicate"),
                         tr("Copy the selected profile under the new name"));
    m_rename = button(QStringLiteral("profileRename"), tr("&Rename"),
                      tr("Give the selected profile the new name"));
    m_delete = button(QStringLiteral("profileDelete"), tr("&Delete…"),
                      tr("Delete the selected profile and its secrets"));
    side->addStretch(1);
    m_open = button(QStringLiteral("profileOpen"), tr("&Switch to it"),
                    tr("Open the selected profile in the console"));
    m_open->setDefault(true);
    body->addLayout(side);
    layout->addLayout(body, 1);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("profileMessage"));
    m_message->setAccessibleName(tr("Profiles outcome"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_message);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->button(QDialogButtonBox::Close)->setAccessibleName(tr("Close the profiles"));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    connect(m_list, &QListWidget::currentRowChanged, this, &ProfilePicker::updateButtons);
    connect(m_list, &QListWidget::itemDoubleClicked, this, &ProfilePicker::switchToSelected);
    connect(m_name, &QLineEdit::textChanged, this, &ProfilePicker::updateButtons);
    connect(m_create, &QPushButton::clicked, this, &ProfilePicker::createProfile);
    connect(m_duplicate, &QPushButton::clicked, this, &ProfilePicker::duplicateProfile);
    connect(m_rename, &QPushButton::clicked, this, &ProfilePicker::renameProfile);
    connect(m_delete, &QPushButton::clicked, this, &ProfilePicker::deleteProfile);
    connect(m_open, &QPushButton::clicked, this, &ProfilePicker::switchToSelected);
    reload(m_current);
    resize(560, 360);
}

void ProfilePicker::reload(const QString &select)
{
    m_list->clear();
    for (const ProfileCatalog::Entry &e : m_catalog.entries(m_current)) {
        const bool current = e.path == m_current;
        auto *item = new QListWidgetItem(current ? tr("%1 (open)").arg(e.name) : e.name, m_list);
        item->setData(Qt::UserRole, e.path);
        item->setData(Qt::UserRole + 1, e.name);
        item->setToolTip(QDir::toNativeSeparators(e.path));
        if (e.path == select)
            m_list->setCurrentItem(item);
    }
    if (!m_list->currentItem() && m_list->count() > 0)
        m_list->setCurrentRow(0);
    updateButtons();
}

QString ProfilePicker::selectedPath() const
{
    const QListWidgetItem *item = m_list->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QString();
}

QString ProfilePicker::selectedName() const
{
    const QListWidgetItem *item = m_list->currentItem();
    return item ? item->data(Qt::UserRole + 1).toString() : QString();
}

void ProfilePicker::updateButtons()
{
    const bool selected = !selectedPath().isEmpty();
    const bool named = !m_name->text().trimmed().isEmpty();
    m_create->setEnabled(!m_busy && named);
    m_duplicate->setEnabled(!m_busy && named && selected);
    m_rename->setEnabled(!m_busy && named && selected);
    // The open profile is in use: switch away before deleting it.
    m_delete->setEnabled(!m_busy && selected && selectedPath() != m_current);
    m_open->setEnabled(!m_busy && selected && selectedPath() != m_current);
}

void ProfilePicker::say(const QString &text)
{
    m_message->setText(text);
}

void ProfilePicker::setBusy(bool busy)
{
    m_busy = busy;
    updateButtons();
}

void ProfilePicker::createProfile()
{
    const QString name = m_name->text().trimmed();
    auto path = m_catalog.create(name);
    if (!path) {
        say(path.error().message);
        return;
    }
    m_name->clear();
    reload(*path);
    say(tr("Created \"%1\". Switch to it to sign in and enter its settings.").arg(name));
}

void ProfilePicker::duplicateProfile()
{
    const QString from = selectedName();
    const QString name = m_name->text().trimmed();
    auto path = m_catalog.duplicate(selectedPath(), name);
    if (!path) {
        say(path.error().message);
        return;
    }
    m_name->clear();
    reload(*path);
    if (!m_secrets) {
        say(tr("Copied \"%1\" to \"%2\" without secrets (no keychain).").arg(from, name));
        return;
    }
    setBusy(true);
    say(tr("Copying the secrets…"));
    m_secrets->copy(from, name, {QStringLiteral("salesforce/refresh_token")}, this,
                    [this, from, name](Result<void> r) {
                        setBusy(false);
                        say(r ? tr("Copied \"%1\" to \"%2\" with its own store and secrets. "
                                   "Sign in to Salesforce in it: a sign-in belongs to one "
                                   "profile.")
                                    .arg(from, name)
                              : tr("Copied \"%1\" to \"%2\", but its secrets were not: %3")
                                    .arg(from, name, r.error().message));
                    });
}

void ProfilePicker::renameProfile()
{
    const QString from = selectedName();
    const QString oldPath = selectedPath();
    const QString name = m_name->text().trimmed();
    auto path = m_catalog.rename(oldPath, name);
    if (!path) {
        say(path.error().message);
        return;
    }
    m_name->clear();
    const bool wasOpen = oldPath == m_current;
    if (wasOpen)
        m_current = *path;
    reload(*path);
    auto finish = [this, wasOpen, path = *path](const QString &text) {
        setBusy(false);
        say(text);
        // The console holds the old file: it reopens on the renamed one.
        if (wasOpen)
            emit switchRequested(path);
    };
    if (!m_secrets)
        return finish(tr("Renamed \"%1\" to \"%2\"; its secrets were not moved (no keychain).")
                          .arg(from, name));
    setBusy(true);
    say(tr("Moving the secrets…"));
    m_secrets->copy(from, name, {}, this, [this, from, name, finish](Result<void> copied) {
        if (!copied)
            return finish(tr("Renamed \"%1\" to \"%2\", but its secrets could not be moved: %3")
                              .arg(from, name, copied.error().message));
        m_secrets->removeAll(from, this, [from, name, finish](Result<void> removed) {
            finish(removed ? tr("Renamed \"%1\" to \"%2\" with its secrets.").arg(from, name)
                           : tr("Renamed \"%1\" to \"%2\"; the old secrets could not all be "
                                "deleted: %3")
                                 .arg(from, name, removed.error().message));
        });
    });
}

void ProfilePicker::deleteProfile()
{
    const QString name = selectedName();
    if (selectedPath().isEmpty() || selectedPath() == m_current)
        return;
    auto *ask = new QMessageBox(QMessageBox::Warning, tr("Delete profile"),
                                tr("Delete the profile \"%1\" and its secrets in the keychain? "
                                   "Its store (the synced data) is kept.")
                                    .arg(name),
                                QMessageBox::Yes | QMessageBox::Cancel, this);
    ask->setObjectName(QStringLiteral("profileDeleteConfirm"));
    ask->setDefaultButton(QMessageBox::Cancel);
    ask->button(QMessageBox::Yes)->setText(tr("Delete"));
    ask->setAttribute(Qt::WA_DeleteOnClose);
    connect(ask, &QMessageBox::finished, this, [this](int answer) {
        if (answer == QMessageBox::Yes)
            removeSelected();
        else
            say(tr("Nothing was deleted."));
    });
    ask->open();
}

void ProfilePicker::removeSelected()
{
    const QString name = selectedName();
    const QString path = selectedPath();
    auto removeFile = [this, name, path](const QString &secretsSaid) {
        setBusy(false);
        auto removed = m_catalog.remove(path);
        reload(m_current);
        say(removed ? tr("Deleted \"%1\". %2").arg(name, secretsSaid)
                    : removed.error().message);
    };
    if (!m_secrets)
        return removeFile(tr("Its secrets could not be deleted (no keychain)."));
    setBusy(true);
    say(tr("Deleting the secrets…"));
    // Secrets first: if the keychain refuses, the profile stays so the delete can be retried.
    m_secrets->removeAll(name, this, [this, removeFile](Result<void> r) {
        if (!r) {
            setBusy(false);
            say(tr("Not deleted: its secrets could not be removed: %1").arg(r.error().message));
            return;
        }
        removeFile(tr("Its secrets are gone from the keychain."));
    });
}

void ProfilePicker::switchToSelected()
{
    const QString path = selectedPath();
    if (path.isEmpty() || path == m_current || m_busy)
        return;
    emit switchRequested(path);
    accept();
}

} // namespace lb::ui
