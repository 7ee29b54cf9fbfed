#include "DeliveryPipeline.h"

#include <QTimer>

namespace lb {

DeliveryPipeline::DeliveryPipeline(QObject *parent)
    : QObject(parent)
{ }

void DeliveryPipeline::run(QList<Deliver> targets, int maxInFlight, Done done)
{
    Q_ASSERT(!m_running);
    m_lanes.clear();
    for (Deliver &d : targets) {
        Lane lane;
        lane.deliver = std::move(d);
        m_lanes.append(std::move(lane));
    }
    m_maxInFlight = std::max(1, maxInFlight);
    m_done = std::move(done);
    m_running = true;
    m_draining = false;
    settle();
}

void DeliveryPipeline::finished(int lane, const DeliveryRound &round)
{
    Lane &l = m_lanes[lane];
    --l.inFlight;
    l.sum.claimed += round.claimed;
    l.sum.add(round);
    l.sum.blocked = round.blocked;
    l.sum.blockedReason = round.blockedReason;
    l.more = round.claimed > 0 && !round.blocked;
    if (m_settling)
        return; // a round that ended at once, inside settle(): it looks again itself
    // Answered later: on the next turn of the event loop, so a round's last step (recording
    // its outcomes) is over before the next round of the lane claims.
    if (!m_settleQueued) {
        m_settleQueued = true;
        QTimer::singleShot(0, this, [this] {
            m_settleQueued = false;
            settle();
        });
    }
}

void DeliveryPipeline::settle()
{
    if (!m_running)
        return;
    m_settling = true;
    for (int i = 0; i < m_lanes.size(); ++i) {
        // A round that claims nothing ends the lane's run (more = false) before the loop goes
        // on, so a target with nothing due is asked once per settle, not in a spin.
        while (!m_draining && m_lanes[i].more && m_lanes[i].inFlight < m_maxInFlight) {
            ++m_lanes[i].inFlight;
            m_lanes[i].deliver([this, i](DeliveryRound round) { finished(i, round); });
        }
    }
    m_settling = false;
    for (const Lane &l : std::as_const(m_lanes)) {
        if (l.inFlight > 0 || (l.more && !m_draining))
            return;
    }
    m_running = false;
    QList<DeliveryRound> sums;
    for (const Lane &l : std::as_const(m_lanes))
        sums.append(l.sum);
    m_lanes.clear();
    Done done = std::move(m_done);
    m_done = nullptr;
    done(sums);
}

} // namespace lb
