#include "CoreDumps.h"

#include <sys/resource.h>

namespace lb {

void disableCoreDumps()
{
    rlimit limit {};
    if (getrlimit(RLIMIT_CORE, &limit) != 0)
        return;
    // Only the soft limit: the hard one stays, so `prlimit --core` can raise it for debugging.
    limit.rlim_cur = 0;
    setrlimit(RLIMIT_CORE, &limit);
}

} // namespace lb
