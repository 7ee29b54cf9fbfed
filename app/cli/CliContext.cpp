#include "CliContext.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace lb::cli {

Result<Profile> loadProfile(const QString &path)
{
    const QString file = path.isEmpty() ? Profile::defaultPath() : path;
    if (!QFileInfo::exists(file))
        return makeError(QStringLiteral("profile"),
                         QStringLiteral("No profile at %1. Pass --profile FILE (see the README for "
                                        "its format).")
                             .arg(QDir::toNativeSeparators(file)));
    return Profile::load(file);
}

Result<StoreConfig> storeFor(const Profile &profile)
{
    QString url = profile.store;
    if (url.isEmpty())
        url = QStringLiteral("sqlite://")
            + QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u'/'
            + profile.name + QStringLiteral(".db");
    auto config = StoreConfig::parse(url);
    if (!config)
        return makeError(
            QStringLiteral("profile"),
            QStringLiteral("%1: $.store: %2").arg(profile.sourceFile, config.error().message));
    if (config->backend == StoreConfig::Backend::Postgres)
        config->password = qEnvironmentVariable("LEADBRIDGE_PG_PASSWORD");
    return config;
}

} // namespace lb::cli
