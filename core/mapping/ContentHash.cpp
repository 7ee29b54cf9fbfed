#include "ContentHash.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QtEndian>

#include <cstring>

namespace lb {
namespace {

// Appends the canonical encoding to one buffer, hashed once at the end: a lead's state is a
// few hundred bytes, so one contiguous buffer beats many small addData() calls.
class Encoder
{
public:
    explicit Encoder(QByteArray &out)
        : m_out(out)
    { }

    void object(const QJsonObject &o)
    {
        const QLatin1String attributes("attributes");
        quint32 count = 0;
        for (auto it = o.begin(); it != o.end(); ++it)
            count += it.key() != attributes;
        tag('o');
        length(count);
        // QJsonObject iterates in key order whatever order the fields were inserted in.
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (it.key() == attributes)
                continue;
            bytes(it.key().toUtf8());
            value(it.value());
        }
    }

    void value(const QJsonValue &v)
    {
        switch (v.type()) {
        case QJsonValue::Null:
        case QJsonValue::Undefined:
            tag('n');
            return;
        case QJsonValue::Bool:
            tag(v.toBool() ? 'T' : 'F');
            return;
        case QJsonValue::Double:
            number(v);
            return;
        case QJsonValue::String:
            tag('s');
            bytes(v.toString().toUtf8());
            return;
        case QJsonValue::Array: {
            const QJsonArray a = v.toArray();
            tag('a');
            length(quint32(a.size()));
            for (const QJsonValue &item : a)
                value(item);
            return;
        }
        case QJsonValue::Object:
            object(v.toObject());
            return;
        }
    }

private:
    // Whole numbers as integers (1.0 == 1 == an int64 1), so a value that went through a JSON
    // round trip in another system hashes the same; other numbers by their exact bits (Qt writes
    // and reads doubles losslessly, so a state read back from the store hashes as it did).
    void number(const QJsonValue &v)
    {
        const qint64 whole = v.toInteger(0);
        if (whole == v.toInteger(1)) {
            tag('i');
            fixed(quint64(whole));
            return;
        }
        const double d = v.toDouble();
        quint64 bits;
        static_assert(sizeof bits == sizeof d);
        std::memcpy(&bits, &d, sizeof bits);
        tag('d');
        fixed(bits);
    }

    void tag(char t) { m_out.append(t); }
    void length(quint32 n)
    {
        const quint32 be = qToBigEndian(n);
        m_out.append(reinterpret_cast<const char *>(&be), sizeof be);
    }
    void fixed(quint64 n)
    {
        const quint64 be = qToBigEndian(n);
        m_out.append(reinterpret_cast<const char *>(&be), sizeof be);
    }
    void bytes(const QByteArray &b)
    {
        length(quint32(b.size()));
        m_out.append(b);
    }

    QByteArray &m_out;
};

} // namespace

QByteArray ContentHash::of(const QJsonObject &fields)
{
    QByteArray canonical;
    canonical.reserve(512);
    Encoder(canonical).object(fields);
    return QCryptographicHash::hash(canonical, QCryptographicHash::Sha256).toHex().left(32);
}

} // namespace lb
