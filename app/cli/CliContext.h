#pragma once

#include "config/Profile.h"
#include "store/StoreConfig.h"

#include <QStringList>
#include <QTextStream>

namespace lb::cli {

// Exit codes of every command (documented in `leadbridge --help`).
enum ExitCode { Ok = 0, RecordsInInbox = 1, ConfigError = 2, Failed = 3 };

// What a command needs: the profile, the store it points at, and where to print.
struct CliContext
{
    Profile profile;
    StoreConfig store;
    QStringList args; // the command's own arguments (after the command name)
    QTextStream &out;
    QTextStream &err;
};

// Loads the profile (--profile or the default location) and resolves the store URL.
Result<Profile> loadProfile(const QString &path);
Result<StoreConfig> storeFor(const Profile &profile);

} // namespace lb::cli
