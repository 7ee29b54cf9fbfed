#pragma once

#include "ApiResponse.h"

namespace lb::sandbox {

// GET /services/data/ (every supported version, no authentication) and
// GET /services/data/vNN.N/ (the resources of that version).
class VersionsResource
{
public:
    static ApiResponse versions(int minVersion, int maxVersion);
    static ApiResponse resources(const QString &version);
    // "Winter '25" for 62: three releases a year, Spring '24 = 60.
    static QString releaseLabel(int version);
};

} // namespace lb::sandbox
