#include "SecretResolver.h"

#include <QFile>
#include <QPointer>

#include <memory>

namespace lb {

SecretResolver::SecretResolver(CredentialStore &store, QString profileName, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_profile(std::move(profileName))
{ }

const QList<SecretSpec> &SecretResolver::allSpecs()
{
    static const QList<SecretSpec> specs {
        {QStringLiteral("salesforce"), QStringLiteral("client_secret"),
         QStringLiteral("LEADBRIDGE_SF_CLIENT_SECRET"), false,
         QStringLiteral("Salesforce connected app consumer secret")},
        {QStringLiteral("salesforce"), QStringLiteral("password"),
         QStringLiteral("LEADBRIDGE_SF_PASSWORD"), false,
         QStringLiteral("Salesforce password (with security token)")},
        {QStringLiteral("salesforce"), QStringLiteral("refresh_token"),
         QStringLiteral("LEADBRIDGE_SF_REFRESH_TOKEN"), false,
         QStringLiteral("Salesforce refresh token")},
        {QStringLiteral("salesforce"), QStringLiteral("private_key"),
         QStringLiteral("LEADBRIDGE_SF_PRIVATE_KEY_FILE"), true,
         QStringLiteral("Salesforce JWT private key (PEM)")},
        {QStringLiteral("platform"), QStringLiteral("api_key"),
         QStringLiteral("LEADBRIDGE_PLATFORM_API_KEY"), false,
         QStringLiteral("lead platform API key")},
        {QStringLiteral("platform"), QStringLiteral("webhook_secret"),
         QStringLiteral("LEADBRIDGE_WEBHOOK_SECRET"), false,
         QStringLiteral("lead platform webhook signing secret")},
        {QStringLiteral("store"), QStringLiteral("password"),
         QStringLiteral("LEADBRIDGE_PG_PASSWORD"), false, QStringLiteral("PostgreSQL password")},
    };
    return specs;
}

std::optional<SecretSpec> SecretResolver::spec(const QString &system, const QString &secret)
{
    for (const SecretSpec &s : allSpecs()) {
        if (s.system == system && s.secret == secret)
            return s;
    }
    // Each destination's signing secret and each alert's routing key (PROFILE.md "Destinations
    // and alerts"): "destination:<name>/signing_secret", "alert:<name>/routing_key".
    const auto named = [&](const QString &prefix) {
        return system.startsWith(prefix) ? system.mid(prefix.size()) : QString();
    };
    const QString envName = [&](QString name) {
        return name.toUpper().replace(u'-', u'_');
    }(named(QStringLiteral("destination:")) + named(QStringLiteral("alert:")));
    if (!named(QStringLiteral("destination:")).isEmpty()
        && secret == QLatin1String("signing_secret"))
        return SecretSpec {system, secret, QStringLiteral("LEADBRIDGE_DEST_%1_SECRET").arg(envName),
                           false,
                           QStringLiteral("signing secret of destination %1")
                               .arg(named(QStringLiteral("destination:")))};
    if (!named(QStringLiteral("alert:")).isEmpty() && secret == QLatin1String("routing_key"))
        return SecretSpec {
            system, secret, QStringLiteral("LEADBRIDGE_ALERT_%1_KEY").arg(envName), false,
            QStringLiteral("routing key of alert %1").arg(named(QStringLiteral("alert:")))};
    return std::nullopt;
}

QStringList SecretResolver::requiredFor(const QString &authFlow)
{
    if (authFlow == QLatin1String("jwt_bearer"))
        return {QStringLiteral("salesforce/private_key")};
    if (authFlow == QLatin1String("refresh_token"))
        return {QStringLiteral("salesforce/refresh_token")};
    if (authFlow == QLatin1String("password"))
        return {QStringLiteral("salesforce/client_secret"), QStringLiteral("salesforce/password")};
    if (authFlow == QLatin1String("client_credentials"))
        return {QStringLiteral("salesforce/client_secret")};
    if (authFlow == QLatin1String("authorization_code"))
        return {QStringLiteral("salesforce/refresh_token")};
    return {};
}

QStringList SecretResolver::optionalFor(const QString &authFlow)
{
    if (authFlow == QLatin1String("refresh_token")
        || authFlow == QLatin1String("authorization_code")
        || authFlow == QLatin1String("jwt_bearer"))
        return {QStringLiteral("salesforce/client_secret")};
    return {};
}

void SecretResolver::resolve(const QStringList &required, const QStringList &optional,
                             QObject *context, Callback done)
{
    struct Pending
    {
        Secrets found;
        std::optional<Error> failure;
        int outstanding = 0;
        Callback done;
        bool finished = false;
    };
    auto state = std::make_shared<Pending>();
    state->done = std::move(done);
    auto finish = [state] {
        if (state->finished || state->outstanding > 0)
            return;
        state->finished = true;
        if (state->failure)
            state->done(*state->failure);
        else
            state->done(state->found);
    };

    QList<QPair<SecretSpec, bool>> wanted;
    for (const QString &id : required + optional) {
        const QStringList parts = id.split(u'/');
        const auto s = parts.size() == 2 ? spec(parts.at(0), parts.at(1)) : std::nullopt;
        if (!s) {
            QMetaObject::invokeMethod(
                context,
                [state, id] {
                    state->done(makeError(QStringLiteral("secret_unknown"),
                                          QStringLiteral("Unknown secret %1.").arg(id)));
                },
                Qt::QueuedConnection);
            return;
        }
        wanted.append({*s, required.contains(id)});
    }

    ++state->outstanding; // held until every lookup is started
    for (const auto &[s, isRequired] : wanted) {
        const QByteArray env = qgetenv(s.environment.toLatin1().constData());
        if (!env.isEmpty()) {
            if (!s.isFilePath) {
                state->found.insert(s.id(), QString::fromUtf8(env));
                continue;
            }
            QFile file(QString::fromLocal8Bit(env));
            if (!file.open(QIODevice::ReadOnly)) {
                state->failure = makeError(
                    QStringLiteral("secret_unreadable"),
                    QStringLiteral("%1: cannot read %2 named by %3: %4")
                        .arg(s.label, file.fileName(), s.environment, file.errorString()));
                continue;
            }
            state->found.insert(s.id(), QString::fromUtf8(file.readAll()));
            continue;
        }
        ++state->outstanding;
        const bool req = isRequired;
        const SecretSpec sp = s;
        m_store.read({m_profile, s.system, s.secret}, context,
                     [state, finish, req, sp, profile = m_profile](Result<QString> r) {
                         --state->outstanding;
                         if (r) {
                             state->found.insert(sp.id(), r.value());
                         } else if (req && !state->failure) {
                             const QString how
                                 = QStringLiteral("Store it with `leadbridge credentials set "
                                                  "--profile ... --system %1 --secret %2` (or the "
                                                  "console's Credentials view), or set %3.")
                                       .arg(sp.system, sp.secret, sp.environment);
                             state->failure = r.error().code == QLatin1String("not_found")
                                 ? makeError(
                                     QStringLiteral("secret_missing"),
                                     QStringLiteral("The %1 for profile \"%2\" is not set. %3")
                                         .arg(sp.label, profile, how))
                                 : makeError(r.error().code,
                                             QStringLiteral("The %1 could not be read: %2 %3")
                                                 .arg(sp.label, r.error().message, how));
                         }
                         finish();
                     });
    }
    --state->outstanding;
    if (state->outstanding == 0) {
        QMetaObject::invokeMethod(context, finish, Qt::QueuedConnection);
    }
}

} // namespace lb
