#include "PlatformFaults.h"

namespace lb::sandbox {

bool PlatformFaults::roll(double ratio)
{
    return ratio > 0 && m_random.generateDouble() < ratio;
}

PlatformFaults::Action PlatformFaults::nextRequest()
{
    if (m_fail503Next > 0) {
        --m_fail503Next;
        return Action::Fail503;
    }
    if (m_hangNext > 0) {
        --m_hangNext;
        return Action::Hang;
    }
    if (m_dropNext > 0) {
        --m_dropNext;
        return Action::Drop;
    }
    if (roll(m_fail503Ratio))
        return Action::Fail503;
    if (roll(m_hangRatio))
        return Action::Hang;
    if (roll(m_dropRatio))
        return Action::Drop;
    return Action::None;
}

int PlatformFaults::takeReorderCount()
{
    const int n = m_reorderNext;
    m_reorderNext = 0;
    return n;
}

bool PlatformFaults::takeDeliveryFailure()
{
    if (m_failDeliveries <= 0)
        return false;
    --m_failDeliveries;
    return true;
}

void PlatformFaults::reset()
{
    m_fail503Ratio = m_hangRatio = m_dropRatio = 0;
    m_fail503Next = m_hangNext = m_dropNext = 0;
    m_slowMs = 0;
    m_duplicate = false;
    m_reorderNext = 0;
    m_failDeliveries = 0;
}

} // namespace lb::sandbox
