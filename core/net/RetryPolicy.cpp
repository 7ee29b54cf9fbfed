#include "RetryPolicy.h"

#include <QRandomGenerator>

#include <algorithm>

namespace lb {

qint64 RetryPolicy::ceilingMs(int attempt) const
{
    const int shift = std::clamp(attempt, 0, 40);
    const double ceiling = double(baseMs) * double(1LL << std::min(shift, 40));
    return qint64(std::min(double(capMs), ceiling));
}

qint64 RetryPolicy::backoffMs(int attempt, QRandomGenerator &random) const
{
    const qint64 ceiling = ceilingMs(attempt);
    return ceiling <= 0 ? 0 : qint64(random.bounded(quint64(ceiling) + 1));
}

} // namespace lb
