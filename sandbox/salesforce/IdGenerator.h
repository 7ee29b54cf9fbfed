#pragma once

#include <QString>

namespace lb::sandbox {

// Hands out 18-character ids with one key prefix ("00Q", "a01", "01g", ...), in increasing
// order: the sequence is base 62 in ASCII order, so later ids also sort after earlier ones.
class IdGenerator
{
public:
    explicit IdGenerator(QString keyPrefix = {}, QString pod = QStringLiteral("8c"));

    QString next();
    const QString &keyPrefix() const { return m_prefix; }

    quint64 sequence() const { return m_sequence; }
    void setSequence(quint64 sequence) { m_sequence = sequence; }

    // Where sequences start: far enough from zero that ids carry mixed-case letters, as real
    // ones do, so a client that loses the case or ignores the checksum is caught.
    static constexpr quint64 kFirstSequence = 1'000'000'000'000ULL;

private:
    QString m_prefix;
    QString m_pod;
    quint64 m_sequence = kFirstSequence;
};

} // namespace lb::sandbox
