#include "SandboxConfig.h"

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

SandboxUser SandboxConfig::defaultUser()
{
    SandboxUser u;
    u.username = u"integration@leadbridge.sandbox"_s;
    u.password = u"sandbox-password"_s;
    u.displayName = u"LeadBridge Integration"_s;
    u.email = u"integration@leadbridge.sandbox"_s;
    return u;
}

} // namespace lb::sandbox
