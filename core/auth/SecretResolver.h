#pragma once

#include "CredentialStore.h"

#include <QHash>
#include <QObject>

#include <functional>

namespace lb {

// The secrets LeadBridge knows, where each lives in the keychain and which environment
// variable may supply it instead (PROFILE.md). The environment wins, so a headless server
// without a keychain can run.
struct SecretSpec
{
    QString system; // "salesforce" | "platform" | "store"
    QString secret; // "client_secret", ...
    QString environment; // LEADBRIDGE_...
    bool isFilePath = false; // the variable names a file whose content is the secret
    QString label; // for messages: "Salesforce consumer secret"

    QString id() const { return system + u'/' + secret; }
};

class SecretResolver : public QObject
{
    Q_OBJECT
public:
    using Secrets = QHash<QString, QString>; // "system/secret" -> value
    using Callback = std::function<void(Result<Secrets>)>;

    SecretResolver(CredentialStore &store, QString profileName, QObject *parent = nullptr);

    static const QList<SecretSpec> &allSpecs();
    static std::optional<SecretSpec> spec(const QString &system, const QString &secret);

    // The Salesforce secrets an auth flow needs (required) or can use (optional).
    static QStringList requiredFor(const QString &authFlow);
    static QStringList optionalFor(const QString &authFlow);

    // Resolves each id ("salesforce/client_secret"). A missing required secret fails with a
    // message that names it and both ways to provide it; missing optional ones are left out.
    void resolve(const QStringList &required, const QStringList &optional, QObject *context,
                 Callback done);

private:
    CredentialStore &m_store;
    QString m_profile;
};

} // namespace lb
