#include "ProfileSecrets.h"

#include "SecretResolver.h"

#include <QPointer>

#include <memory>
#include <optional>

namespace lb {
namespace {

// Counts the answers of a batch of keychain jobs; the first real failure is reported.
struct Batch
{
    int left = 0;
    std::optional<Error> failure;
    QPointer<QObject> context;
    ProfileSecrets::DoneCallback done;

    void answered(const Result<void> &r)
    {
        if (!r && r.error().code != QLatin1String("not_found") && !failure)
            failure = r.error();
        if (--left > 0)
            return;
        if (!context)
            return;
        if (failure)
            done(*failure);
        else
            done({});
    }
};

} // namespace

ProfileSecrets::ProfileSecrets(CredentialStore &keychain, QObject *parent)
    : QObject(parent)
    , m_keychain(keychain)
{ }

void ProfileSecrets::copy(const QString &from, const QString &to, const QStringList &skip,
                          QObject *context, DoneCallback done)
{
    auto batch = std::make_shared<Batch>();
    batch->context = context;
    batch->done = std::move(done);
    QList<SecretSpec> specs;
    for (const SecretSpec &spec : SecretResolver::allSpecs()) {
        if (!skip.contains(spec.id()))
            specs.append(spec);
    }
    batch->left = int(specs.size());
    if (specs.isEmpty()) {
        batch->left = 1;
        QMetaObject::invokeMethod(
            this, [batch] { batch->answered({}); }, Qt::QueuedConnection);
        return;
    }
    for (const SecretSpec &spec : specs) {
        const CredentialKey target {to, spec.system, spec.secret};
        m_keychain.read({from, spec.system, spec.secret}, this,
                        [this, batch, target](Result<QString> secret) {
                            if (!secret)
                                return batch->answered(secret.error());
                            m_keychain.write(target, *secret, this,
                                             [batch](Result<void> r) { batch->answered(r); });
                        });
    }
}

void ProfileSecrets::removeAll(const QString &profile, QObject *context, DoneCallback done)
{
    auto batch = std::make_shared<Batch>();
    batch->context = context;
    batch->done = std::move(done);
    const QList<SecretSpec> &specs = SecretResolver::allSpecs();
    batch->left = int(specs.size());
    for (const SecretSpec &spec : specs)
        m_keychain.remove({profile, spec.system, spec.secret}, this,
                          [batch](Result<void> r) { batch->answered(r); });
}

} // namespace lb
