#include "ContentHash.h"

#include <QJsonArray>
#include <QVarLengthArray>

#include <cstring>
#include <openssl/evp.h>

namespace lb {
namespace {

// Writes the canonical encoding into one buffer, hashed once at the end. A lead's state is a
// few hundred bytes: the buffer lives on the stack and nothing is allocated per field for ASCII
// names and values.
class Encoder
{
public:
    using Buffer = QVarLengthArray<char, 1024>;

    explicit Encoder(Buffer &out)
        : m_out(out)
    { }

    void object(const QJsonObject &o)
    {
        const QLatin1String attributes("attributes");
        tag('o');
        const qsizetype countAt = reserveLength();
        quint32 count = 0;
        // QJsonObject iterates in key order whatever order the fields were inserted in.
        for (auto it = o.begin(); it != o.end(); ++it) {
            const QString key = it.key();
            if (key == attributes)
                continue;
            ++count;
            text(key);
            value(it.value());
        }
        patchLength(countAt, count);
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
            text(v.toString());
            return;
        case QJsonValue::Array: {
            const QJsonArray a = v.toArray();
            tag('a');
            const qsizetype at = reserveLength();
            for (const QJsonValue &item : a)
                value(item);
            patchLength(at, quint32(a.size()));
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

    // UTF-8, length-prefixed. Field names and most values are ASCII: copied char by char with
    // no temporary; anything else goes through toUtf8().
    void text(QStringView s)
    {
        const qsizetype at = reserveLength();
        const qsizetype start = m_out.size();
        m_out.resize(start + s.size());
        char *out = m_out.data() + start;
        bool ascii = true;
        for (const QChar c : s) {
            if (c.unicode() >= 0x80) {
                ascii = false;
                break;
            }
            *out++ = char(c.unicode());
        }
        if (!ascii) {
            const QByteArray utf8 = s.toUtf8();
            m_out.resize(start);
            m_out.append(utf8.constData(), utf8.size());
        }
        patchLength(at, quint32(m_out.size() - start));
    }

    void tag(char t) { m_out.append(t); }
    qsizetype reserveLength()
    {
        const qsizetype at = m_out.size();
        m_out.resize(at + 4);
        return at;
    }
    // Big-endian, written byte by byte so the encoding does not depend on the host.
    void patchLength(qsizetype at, quint32 n)
    {
        char *p = m_out.data() + at;
        for (int i = 3; i >= 0; --i, n >>= 8)
            p[i] = char(n & 0xff);
    }
    void fixed(quint64 n)
    {
        char bytes[8];
        for (int i = 7; i >= 0; --i, n >>= 8)
            bytes[i] = char(n & 0xff);
        m_out.append(bytes, sizeof bytes);
    }

    Buffer &m_out;
};

} // namespace

QByteArray ContentHash::of(const QJsonObject &fields)
{
    Encoder::Buffer canonical;
    Encoder(canonical).object(fields);
    // OpenSSL's SHA-256 (SHA extensions where the CPU has them) rather than QCryptographicHash's
    // portable one: the same digest at a fraction of the cost.
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_Digest(canonical.constData(), size_t(canonical.size()), digest, &size, EVP_sha256(),
                   nullptr)
            != 1
        || size < 16)
        qFatal("SHA-256 is not available from OpenSSL");
    return QByteArray::fromRawData(reinterpret_cast<const char *>(digest), 16).toHex();
}

} // namespace lb
