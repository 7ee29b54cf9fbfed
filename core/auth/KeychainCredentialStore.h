#pragma once

#include "CredentialStore.h"

namespace QKeychain {
class Job;
}

namespace lb {

// Secrets in the OS keychain through QtKeychain (Secret Service on Linux, Keychain on macOS,
// Credential Manager on Windows). Never falls back to a plaintext file: when no keychain is
// reachable the operation fails with a message that names the cause.
class KeychainCredentialStore final : public CredentialStore
{
    Q_OBJECT
public:
    using CredentialStore::CredentialStore;

    void read(const CredentialKey &key, QObject *context, ReadCallback done) override;
    void write(const CredentialKey &key, const QString &secret, QObject *context,
               DoneCallback done) override;
    void remove(const CredentialKey &key, QObject *context, DoneCallback done) override;
    QString backendName() const override;

    // Turns a QtKeychain failure into an error an admin can act on.
    static Error describeFailure(int keychainError, const QString &detail, const QString &account);
};

} // namespace lb
