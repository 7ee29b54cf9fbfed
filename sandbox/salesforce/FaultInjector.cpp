#include "FaultInjector.h"

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

QJsonObject FaultConfig::toJson() const
{
    return QJsonObject {
        {u"fail503"_s, fail503},
        {u"lockRate"_s, lockRate},
        {u"hangRate"_s, hangRate},
        {u"dropRate"_s, dropRate},
        {u"dropAfterWriteRate"_s, dropAfterWriteRate},
        {u"slowMs"_s, slowMs},
        {u"slowRate"_s, slowRate},
        {u"seed"_s, qint64(seed)},
        {u"includeAuth"_s, includeAuth},
        {u"bulkFailRate"_s, bulkFailRate},
        {u"bulkSlowMs"_s, bulkSlowMs},
    };
}

bool FaultConfig::any() const
{
    return fail503 > 0 || lockRate > 0 || hangRate > 0 || dropRate > 0 || dropAfterWriteRate > 0
        || slowMs > 0 || bulkFailRate > 0 || bulkSlowMs > 0;
}

Result<FaultConfig> FaultConfig::fromJson(const QJsonObject &json, const FaultConfig &base)
{
    FaultConfig c = base;
    for (auto it = json.begin(); it != json.end(); ++it) {
        const QString &k = it.key();
        const QJsonValue v = it.value();
        double *ratio = k == "fail503"_L1  ? &c.fail503
            : k == "lockRate"_L1           ? &c.lockRate
            : k == "hangRate"_L1           ? &c.hangRate
            : k == "dropRate"_L1           ? &c.dropRate
            : k == "dropAfterWriteRate"_L1 ? &c.dropAfterWriteRate
            : k == "slowRate"_L1           ? &c.slowRate
            : k == "bulkFailRate"_L1       ? &c.bulkFailRate
                                           : nullptr;
        if (ratio) {
            if (!v.isDouble() || v.toDouble() < 0.0 || v.toDouble() > 1.0)
                return makeError(u"BAD_FAULT"_s, k + u" must be a number from 0 to 1"_s);
            *ratio = v.toDouble();
        } else if (k == "slowMs"_L1) {
            if (!v.isDouble() || v.toDouble() < 0 || v.toDouble() > 600'000)
                return makeError(u"BAD_FAULT"_s, u"slowMs must be 0..600000"_s);
            c.slowMs = v.toInt();
        } else if (k == "bulkSlowMs"_L1) {
            if (!v.isDouble() || v.toDouble() < 0 || v.toDouble() > 600'000)
                return makeError(u"BAD_FAULT"_s, u"bulkSlowMs must be 0..600000"_s);
            c.bulkSlowMs = v.toInt();
        } else if (k == "seed"_L1) {
            if (!v.isDouble() || v.toDouble() < 0)
                return makeError(u"BAD_FAULT"_s, u"seed must be a non-negative integer"_s);
            c.seed = quint64(v.toDouble());
        } else if (k == "includeAuth"_L1) {
            if (!v.isBool())
                return makeError(u"BAD_FAULT"_s, u"includeAuth must be true or false"_s);
            c.includeAuth = v.toBool();
        } else {
            return makeError(u"BAD_FAULT"_s, u"unknown fault setting: "_s + k);
        }
    }
    return c;
}

void FaultInjector::configure(const FaultConfig &config)
{
    m_config = config;
    const quint32 words[2] = {quint32(config.seed), quint32(config.seed >> 32)};
    m_rng = QRandomGenerator(words, 2);
}

bool FaultInjector::draw(double ratio)
{
    if (ratio <= 0.0)
        return false;
    if (ratio >= 1.0)
        return true;
    return m_rng.generateDouble() < ratio;
}

FaultInjector::Transport FaultInjector::drawTransport()
{
    if (draw(m_config.dropRate)) {
        ++m_counters.drop;
        return Transport::Drop;
    }
    if (draw(m_config.hangRate)) {
        ++m_counters.hang;
        return Transport::Hang;
    }
    if (draw(m_config.fail503)) {
        ++m_counters.fail503;
        return Transport::Fail503;
    }
    return Transport::None;
}

bool FaultInjector::drawDropAfterWrite()
{
    if (!draw(m_config.dropAfterWriteRate))
        return false;
    ++m_counters.dropAfterWrite;
    return true;
}

int FaultInjector::drawDelayMs()
{
    if (m_config.slowMs <= 0 || !draw(m_config.slowRate))
        return 0;
    ++m_counters.slow;
    return m_config.slowMs;
}

bool FaultInjector::drawLock()
{
    if (!draw(m_config.lockRate))
        return false;
    ++m_counters.lock;
    return true;
}

bool FaultInjector::drawBulkFailure()
{
    if (!draw(m_config.bulkFailRate))
        return false;
    ++m_counters.bulkFail;
    return true;
}

} // namespace lb::sandbox
