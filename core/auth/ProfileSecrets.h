#pragma once

#include "CredentialStore.h"

#include <QObject>
#include <QStringList>

#include <functional>

namespace lb {

// The keychain entries of one profile as a whole ("<profile>/<system>/<secret>" for every
// secret SecretResolver knows): copied when a profile is duplicated or renamed, removed when
// it is deleted. Main thread only, like every keychain job.
class ProfileSecrets : public QObject
{
    Q_OBJECT
public:
    using DoneCallback = std::function<void(Result<void>)>;

    explicit ProfileSecrets(CredentialStore &keychain, QObject *parent = nullptr);

    // Copies `from`'s secrets to `to`, except the ids in `skip` ("salesforce/refresh_token":
    // a sign-in belongs to one profile). Missing secrets are no error.
    void copy(const QString &from, const QString &to, const QStringList &skip, QObject *context,
              DoneCallback done);
    // Removes every secret of `profile`; missing ones are no error.
    void removeAll(const QString &profile, QObject *context, DoneCallback done);

private:
    CredentialStore &m_keychain;
};

} // namespace lb
