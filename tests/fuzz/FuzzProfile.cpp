// libFuzzer target: the profile loader (Profile::fromJson, what Profile::load runs on the
// file's bytes). An accepted profile holds what the engine relies on without checking again.
#include "config/Profile.h"

#include <cstdint>
#include <cstdlib>

namespace {

void require(bool condition)
{
    if (!condition)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray json(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto profile = lb::Profile::fromJson(json, QStringLiteral("fuzz.json"));
    if (!profile) {
        require(profile.error().code == QLatin1StringView("profile"));
        require(!profile.error().message.isEmpty());
        return 0;
    }
    require(lb::Profile::authFlows().contains(profile->salesforce.authFlow));
    require(lb::Profile::changeModes().contains(profile->salesforce.changes));
    require(lb::Profile::platformDeleteActions().contains(profile->lifecycle.platformDelete));
    for (const QUrl &url : {profile->salesforce.loginUrl, profile->salesforce.instanceUrl,
                            profile->platform.baseUrl}) {
        require(url.isEmpty() || (url.isValid() && !url.host().isEmpty()));
    }
    return 0;
}
