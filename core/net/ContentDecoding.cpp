#include "ContentDecoding.h"

#include <zlib.h>

namespace lb {

bool isDecodedEncoding(const QByteArray &encoding)
{
    return encoding == "gzip" || encoding == "x-gzip" || encoding == "deflate";
}

namespace {

struct Inflated
{
    QByteArray out;
    int rc = Z_OK;
    QString why;
    bool tooLarge = false;
};

Inflated inflateAll(const QByteArray &body, int windowBits, qint64 maxBytes)
{
    Inflated r;
    z_stream stream {};
    if (inflateInit2(&stream, windowBits) != Z_OK) {
        r.rc = Z_STREAM_ERROR;
        r.why = QStringLiteral("the decoder could not start");
        return r;
    }
    r.out.reserve(int(qMin<qint64>(qint64(body.size()) * 4, qMin<qint64>(maxBytes, 64 << 20))));
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(body.constData()));
    stream.avail_in = uInt(body.size());
    char chunk[64 * 1024];
    for (;;) {
        stream.next_out = reinterpret_cast<Bytef *>(chunk);
        stream.avail_out = sizeof chunk;
        r.rc = inflate(&stream, Z_NO_FLUSH);
        const qint64 produced = qint64(sizeof chunk) - stream.avail_out;
        if (r.rc != Z_OK && r.rc != Z_STREAM_END && r.rc != Z_BUF_ERROR)
            break;
        if (qint64(r.out.size()) + produced > maxBytes) {
            r.tooLarge = true;
            break;
        }
        r.out.append(chunk, produced);
        if (r.rc == Z_STREAM_END)
            break;
        if (r.rc == Z_BUF_ERROR || (stream.avail_in == 0 && stream.avail_out > 0)) {
            // No progress possible, or all input used without the end marker: cut short.
            r.rc = Z_BUF_ERROR;
            break;
        }
    }
    if (stream.msg)
        r.why = QString::fromLatin1(stream.msg);
    inflateEnd(&stream);
    return r;
}

} // namespace

Result<QByteArray> decodeContent(const QByteArray &encoding, const QByteArray &body,
                                 qint64 maxBytes)
{
    const QByteArray e = encoding.trimmed().toLower();
    if (!isDecodedEncoding(e))
        return body;
    if (body.isEmpty())
        return body; // e.g. 204 or HEAD: nothing was compressed

    // 15 + 32: a zlib or gzip header, detected. HTTP's "deflate" means the zlib format, but
    // some servers send raw deflate: tried when the zlib header is not there.
    Inflated r = inflateAll(body, 15 + 32, maxBytes);
    if (e == "deflate" && r.rc == Z_DATA_ERROR && r.out.isEmpty())
        r = inflateAll(body, -15, maxBytes);
    const QString name = QString::fromLatin1(e);
    if (r.tooLarge)
        return makeError(QStringLiteral("response_too_large"),
                         QStringLiteral("The %1 answer decodes to more than %2 bytes, the most "
                                        "LeadBridge reads; it was not read further.")
                             .arg(name)
                             .arg(maxBytes));
    if (r.rc == Z_STREAM_END)
        return std::move(r.out);
    if (r.rc == Z_BUF_ERROR)
        return makeError(QStringLiteral("undecodable_response"),
                         QStringLiteral("The %1 body ends before its end marker (%2 bytes "
                                        "received): the answer was cut short.")
                             .arg(name)
                             .arg(body.size()));
    return makeError(
        QStringLiteral("undecodable_response"),
        QStringLiteral("The %1 body is corrupt (%2).")
            .arg(name, r.why.isEmpty() ? QStringLiteral("zlib error %1").arg(r.rc) : r.why));
}

} // namespace lb
