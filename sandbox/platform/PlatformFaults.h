#pragma once

#include <QRandomGenerator>

namespace lb::sandbox {

// Fault knobs of the platform sandbox, like the Salesforce sandbox's: for API requests a
// share (or the next N) answered 503, hung (never answered) or dropped (connection closed
// without an answer), and a delay before every answer; for webhook deliveries duplicates,
// reordering and deliberately failed attempts. Shares use a seeded generator, so a run is
// repeatable.
class PlatformFaults
{
public:
    enum class Action { None, Fail503, Hang, Drop };

    explicit PlatformFaults(quint32 seed = 1)
        : m_random(seed)
    { }

    // API requests -------------------------------------------------------------------------
    void setFail503Ratio(double ratio) { m_fail503Ratio = ratio; }
    void failNext503(int count) { m_fail503Next = count; }
    void setHangRatio(double ratio) { m_hangRatio = ratio; }
    void hangNext(int count) { m_hangNext = count; }
    void setDropRatio(double ratio) { m_dropRatio = ratio; }
    void dropNext(int count) { m_dropNext = count; }
    void setSlowMs(int ms) { m_slowMs = ms; }
    int slowMs() const { return m_slowMs; }

    // What happens to the next API request (counts down the "next N" knobs first).
    Action nextRequest();

    // Webhook deliveries -------------------------------------------------------------------
    // Every event is delivered twice (the second a separate delivery with the same event id).
    void setDuplicateDeliveries(bool on) { m_duplicate = on; }
    bool duplicateDeliveries() const { return m_duplicate; }
    // The next `count` events are held back and then delivered in reverse order.
    void reorderNext(int count) { m_reorderNext = count; }
    int takeReorderCount();
    // The next `count` delivery attempts go out with a wrong signature, so the receiver
    // answers non-2xx and the dispatcher has to retry.
    void failNextDeliveries(int count) { m_failDeliveries = count; }
    bool takeDeliveryFailure();

    void setSeed(quint32 seed) { m_random.seed(seed); }
    void reset();

private:
    bool roll(double ratio);

    QRandomGenerator m_random;
    double m_fail503Ratio = 0;
    int m_fail503Next = 0;
    double m_hangRatio = 0;
    int m_hangNext = 0;
    double m_dropRatio = 0;
    int m_dropNext = 0;
    int m_slowMs = 0;
    bool m_duplicate = false;
    int m_reorderNext = 0;
    int m_failDeliveries = 0;
};

} // namespace lb::sandbox
