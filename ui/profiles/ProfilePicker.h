#pragma once

#include "config/ProfileCatalog.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace lb {
class CredentialStore;
class ProfileSecrets;
} // namespace lb

namespace lb::ui {

// The profiles of this console (File > Profiles): create, duplicate, rename, delete and switch.
// Each profile's secrets stay under its own keychain entries: a duplicate copies them (not the
// Salesforce sign-in, which belongs to one profile), a rename moves them, and deleting a
// profile deletes them after a confirmation. Switching is asked of the console
// (switchRequested), which restarts the engine on the other profile.
class ProfilePicker : public QDialog
{
    Q_OBJECT
public:
    ProfilePicker(CredentialStore *keychain, const QString &currentPath,
                  const QString &folder = ProfileCatalog::defaultFolder(),
                  QWidget *parent = nullptr);

    void reload(const QString &select = {});
    QString selectedPath() const;
    QString selectedName() const;

    void createProfile();
    void duplicateProfile();
    void renameProfile();
    // Asks first; the answer runs removeSelected().
    void deleteProfile();
    void switchToSelected();

signals:
    void switchRequested(const QString &profilePath);

private:
    void removeSelected();
    void updateButtons();
    void say(const QString &text);
    void setBusy(bool busy);

    CredentialStore *m_keychain;
    ProfileSecrets *m_secrets = nullptr;
    QString m_current;
    ProfileCatalog m_catalog;
    QListWidget *m_list = nullptr;
    QLineEdit *m_name = nullptr;
    QPushButton *m_create = nullptr;
    QPushButton *m_duplicate = nullptr;
    QPushButton *m_rename = nullptr;
    QPushButton *m_delete = nullptr;
    QPushButton *m_open = nullptr;
    QLabel *m_message = nullptr;
    bool m_busy = false;
};

} // namespace lb::ui
