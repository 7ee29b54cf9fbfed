#include "MemoryCredentialStore.h"

#include <QMetaObject>

namespace lb {

void MemoryCredentialStore::read(const CredentialKey &key, QObject *context, ReadCallback done)
{
    Result<QString> result = makeError(
        QStringLiteral("not_found"), QStringLiteral("No secret %1 is stored.").arg(key.account()));
    if (auto valid = key.validate(); !valid)
        result = valid.error();
    else if (m_failure)
        result = *m_failure;
    else if (auto it = m_secrets.constFind(key.account()); it != m_secrets.cend())
        result = it.value();
    QMetaObject::invokeMethod(
        context, [done = std::move(done), result]() { done(result); }, Qt::QueuedConnection);
}

void MemoryCredentialStore::write(const CredentialKey &key, const QString &secret, QObject *context,
                                  DoneCallback done)
{
    Result<void> result;
    if (auto valid = key.validate(); !valid)
        result = valid.error();
    else if (m_failure)
        result = *m_failure;
    else
        m_secrets.insert(key.account(), secret);
    QMetaObject::invokeMethod(
        context, [done = std::move(done), result]() { done(result); }, Qt::QueuedConnection);
}

void MemoryCredentialStore::remove(const CredentialKey &key, QObject *context, DoneCallback done)
{
    Result<void> result;
    if (m_failure)
        result = *m_failure;
    else
        m_secrets.remove(key.account());
    QMetaObject::invokeMethod(
        context, [done = std::move(done), result]() { done(result); }, Qt::QueuedConnection);
}

} // namespace lb
