#include "IdGenerator.h"

#include "salesforce/SalesforceId.h"

namespace lb::sandbox {

IdGenerator::IdGenerator(QString keyPrefix, QString pod)
    : m_prefix(std::move(keyPrefix))
    , m_pod(std::move(pod))
{ }

QString IdGenerator::next()
{
    static constexpr char kDigits[]
        = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    quint64 n = m_sequence++;
    char sequence[10];
    for (int i = 9; i >= 0; --i) {
        sequence[i] = kDigits[n % 62];
        n /= 62;
    }
    const QString id15 = m_prefix + m_pod + QLatin1StringView(sequence, 10);
    return lb::salesforce::SalesforceId::to18(id15);
}

} // namespace lb::sandbox
