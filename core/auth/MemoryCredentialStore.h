#pragma once

#include "CredentialStore.h"

#include <QHash>

namespace lb {

// For unit tests only: keeps secrets in process memory and answers asynchronously, like the
// real keychain does.
class MemoryCredentialStore final : public CredentialStore
{
    Q_OBJECT
public:
    using CredentialStore::CredentialStore;

    void read(const CredentialKey &key, QObject *context, ReadCallback done) override;
    void write(const CredentialKey &key, const QString &secret, QObject *context,
               DoneCallback done) override;
    void remove(const CredentialKey &key, QObject *context, DoneCallback done) override;
    QString backendName() const override { return QStringLiteral("in-memory (tests)"); }

    // Makes every later call fail with this error (to test error paths).
    void failWith(const Error &error) { m_failure = error; }

private:
    QHash<QString, QString> m_secrets;
    std::optional<Error> m_failure;
};

} // namespace lb
