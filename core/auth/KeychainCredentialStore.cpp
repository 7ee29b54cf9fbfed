#include "KeychainCredentialStore.h"

#include "log/Logging.h"

#include <QMetaObject>
#include <QPointer>
#include <qt6keychain/keychain.h>

namespace lb {
namespace {

QString platformHint()
{
#if defined(Q_OS_LINUX) || defined(Q_OS_FREEBSD)
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
        return QStringLiteral("No D-Bus session bus is configured (DBUS_SESSION_BUS_ADDRESS is "
                              "not set), so the Secret Service cannot be reached. Run LeadBridge "
                              "in a desktop session, or under dbus-run-session with "
                              "gnome-keyring-daemon, or set the LEADBRIDGE_* environment "
                              "variables on a headless server.");
    return QStringLiteral("Check that a Secret Service (gnome-keyring or KWallet) is running on "
                          "the session bus and that its default collection is unlocked.");
#else
    return QStringLiteral("Check that the system keychain is available and unlocked.");
#endif
}

template<typename Job> Job *makeJob(const CredentialKey &key)
{
    auto *job = new Job(QString::fromLatin1(KeychainService));
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // secrets never go to a plaintext file
    job->setKey(key.account());
    return job;
}

} // namespace

QString KeychainCredentialStore::backendName() const
{
#if defined(Q_OS_LINUX) || defined(Q_OS_FREEBSD)
    return QStringLiteral("OS keychain (Secret Service)");
#elif defined(Q_OS_MACOS)
    return QStringLiteral("OS keychain (macOS Keychain)");
#else
    return QStringLiteral("OS keychain (Credential Manager)");
#endif
}

Error KeychainCredentialStore::describeFailure(int keychainError, const QString &detail,
                                               const QString &account)
{
    const QString what = detail.isEmpty() ? QStringLiteral("no detail given") : detail;
    switch (keychainError) {
    case QKeychain::EntryNotFound:
        return makeError(QStringLiteral("not_found"),
                         QStringLiteral("No secret %1 is stored in the OS keychain.").arg(account));
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return makeError(QStringLiteral("keychain_denied"),
                         QStringLiteral("The OS keychain refused access to %1 (%2). Unlock the "
                                        "keyring and try again.")
                             .arg(account, what));
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return makeError(QStringLiteral("keychain_unavailable"),
                         QStringLiteral("No OS keychain is available (%1). %2 LeadBridge never "
                                        "stores secrets in plain text.")
                             .arg(what, platformHint()));
    default:
        return makeError(QStringLiteral("keychain_unavailable"),
                         QStringLiteral("The OS keychain could not be used for %1 (%2). %3 "
                                        "LeadBridge never stores secrets in plain text.")
                             .arg(account, what, platformHint()));
    }
}

void KeychainCredentialStore::read(const CredentialKey &key, QObject *context, ReadCallback done)
{
    if (auto valid = key.validate(); !valid) {
        QMetaObject::invokeMethod(
            context, [done = std::move(done), e = valid.error()]() { done(e); },
            Qt::QueuedConnection);
        return;
    }
    auto *job = makeJob<QKeychain::ReadPasswordJob>(key);
    const QString account = key.account();
    connect(job, &QKeychain::Job::finished, context,
            [done = std::move(done), account](QKeychain::Job *finished) {
                auto *readJob = static_cast<QKeychain::ReadPasswordJob *>(finished);
                if (readJob->error() == QKeychain::NoError) {
                    done(readJob->textData());
                    return;
                }
                const Error e = describeFailure(readJob->error(), readJob->errorString(), account);
                // The caller decides whether this matters (optional secrets are often absent).
                qCDebug(lcAuth) << "keychain read of" << account << "failed:" << e.message;
                done(e);
            });
    job->start();
}

void KeychainCredentialStore::write(const CredentialKey &key, const QString &secret,
                                    QObject *context, DoneCallback done)
{
    if (auto valid = key.validate(); !valid) {
        QMetaObject::invokeMethod(
            context, [done = std::move(done), e = valid.error()]() { done(e); },
            Qt::QueuedConnection);
        return;
    }
    auto *job = makeJob<QKeychain::WritePasswordJob>(key);
    job->setTextData(secret);
    const QString account = key.account();
    connect(job, &QKeychain::Job::finished, context,
            [done = std::move(done), account](QKeychain::Job *finished) {
                if (finished->error() == QKeychain::NoError) {
                    qCInfo(lcAuth) << "stored secret" << account << "in the OS keychain";
                    done({});
                    return;
                }
                const Error e
                    = describeFailure(finished->error(), finished->errorString(), account);
                qCWarning(lcAuth) << "keychain write of" << account << "failed:" << e.message;
                done(e);
            });
    job->start();
}

void KeychainCredentialStore::remove(const CredentialKey &key, QObject *context, DoneCallback done)
{
    auto *job = makeJob<QKeychain::DeletePasswordJob>(key);
    const QString account = key.account();
    connect(job, &QKeychain::Job::finished, context,
            [done = std::move(done), account](QKeychain::Job *finished) {
                // Deleting what is not there is what the caller wanted anyway.
                if (finished->error() == QKeychain::NoError
                    || finished->error() == QKeychain::EntryNotFound) {
                    done({});
                    return;
                }
                done(describeFailure(finished->error(), finished->errorString(), account));
            });
    job->start();
}

} // namespace lb
