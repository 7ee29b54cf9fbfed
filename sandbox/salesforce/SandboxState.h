#pragma once

#include "util/Result.h"

#include <QJsonObject>

namespace lb::sandbox {

class SandboxOrg;

// The org's records as a JSON file, so a sandbox can stop and start again where it was:
// every record with all fields (deleted ones too), id sequences, external-id settings and
// the API counter. Sessions, the write log and events are not kept (restarted clients log
// in again, as after a real session timeout).
class SandboxState
{
public:
    static QJsonObject capture(const SandboxOrg &org);
    // Replaces the org's records with the captured ones.
    static Result<void> restore(SandboxOrg &org, const QJsonObject &state);

    static Result<void> save(const SandboxOrg &org, const QString &path);
    static Result<void> load(SandboxOrg &org, const QString &path);

    static constexpr QLatin1StringView kFormat {"leadbridge-salesforce-sandbox-state"};
};

} // namespace lb::sandbox
