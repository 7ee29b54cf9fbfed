#pragma once

#include "Profile.h"
#include "store/StoreConfig.h"

#include <QJsonObject>
#include <QList>

namespace lb {

// The profiles kept in one folder (the console's profile picker; default: "profiles" in the
// per-user config folder), one "<name>.json" file each. Creates, duplicates, renames and
// removes the files; the secrets of a profile live in the keychain under its name
// (auth/ProfileSecrets moves them). A duplicate gets its own store: two profiles never share
// one.
class ProfileCatalog
{
public:
    struct Entry
    {
        QString name;
        QString path;
    };

    explicit ProfileCatalog(QString folder = defaultFolder());

    static QString defaultFolder();
    const QString &folder() const { return m_folder; }

    // The profiles in the folder, by name; `extra` (a profile opened with --profile from
    // elsewhere) is listed too when it is not among them.
    QList<Entry> entries(const QString &extra = {}) const;

    // Why `name` cannot name a new profile (empty, taken, characters a file or keychain key
    // cannot hold), or success.
    Result<void> checkNewName(const QString &name) const;

    // A new profile signing in with the browser at `loginUrl`; returns its file.
    Result<QString> create(const QString &name,
                           const QUrl &loginUrl
                           = QUrl(QStringLiteral("https://login.salesforce.com"))) const;
    // A new profile from its JSON (the first-run setup); checked before it is written.
    Result<QString> add(const QJsonObject &profile) const;
    // A copy of the profile at `path` named `name`, with a store of its own.
    Result<QString> duplicate(const QString &path, const QString &name) const;
    // Renames the profile at `path` (its store stays); returns the new file.
    Result<QString> rename(const QString &path, const QString &name) const;
    Result<void> remove(const QString &path) const;

    // Where a profile named `name` keeps its store unless it says otherwise.
    static QString defaultStoreUrl(const QString &name);
    // The store a profile uses ($.store, else the default one; a PostgreSQL password from
    // LEADBRIDGE_PG_PASSWORD).
    static Result<StoreConfig> storeFor(const Profile &profile);

private:
    QString pathFor(const QString &name) const;
    Result<QString> writeNew(const QString &name, const QByteArray &json) const;

    QString m_folder;
};

} // namespace lb
