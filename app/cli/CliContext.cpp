#include "CliContext.h"

#include "config/ProfileCatalog.h"

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
    return ProfileCatalog::storeFor(profile);
}

} // namespace lb::cli
