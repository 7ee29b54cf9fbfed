#include "ContentDecoding.h"

#include <zlib.h>

namespace lb {

bool isDecodedEncoding(const QByteArray &encoding)
{
    return encoding == "gzip" || encoding == "x-gzip" || encoding == "deflate";
}

Result<QByteArray> decodeContent(const QByteArray &encoding, const QByteArray &body,
                                 qint64 maxBytes)
{
    const QByteArray e = encoding.trimmed().toLower();
    if (!isDecodedEncoding(e))
        return body;
    if (body.isEmpty())
        return body; // e.g. 204 or HEAD: nothing was compressed

    z_stream stream {};
    // 15 + 32: zlib or gzip header, detected; "deflate" in HTTP means the zlib format.
    if (inflateInit2(&stream, 15 + 32) != Z_OK)
        return makeError(
            QStringLiteral("undecodable_response"),
            QStringLiteral("The %1 decoder could not start.").arg(QString::fromLatin1(e)));
    QByteArray out;
    out.reserve(int(qMin<qint64>(qint64(body.size()) * 4, qMin<qint64>(maxBytes, 64 << 20))));
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(body.constData()));
    stream.avail_in = uInt(body.size());
    char chunk[64 * 1024];
    int rc = Z_OK;
    while (rc == Z_OK) {
        stream.next_out = reinterpret_cast<Bytef *>(chunk);
        stream.avail_out = sizeof chunk;
        rc = inflate(&stream, Z_NO_FLUSH);
        const qint64 produced = qint64(sizeof chunk) - stream.avail_out;
        if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
            break;
        if (qint64(out.size()) + produced > maxBytes) {
            inflateEnd(&stream);
            return makeError(QStringLiteral("response_too_large"),
                             QStringLiteral("The %1 answer decodes to more than %2 bytes, the "
                                            "most LeadBridge reads; it was not read further.")
                                 .arg(QString::fromLatin1(e))
                                 .arg(maxBytes));
        }
        out.append(chunk, produced);
        if (rc == Z_BUF_ERROR && stream.avail_in == 0)
            break; // all input used, no end marker: the body was cut short
        if (rc == Z_BUF_ERROR && produced == 0)
            break;
        if (rc == Z_BUF_ERROR)
            rc = Z_OK;
    }
    const bool ended = rc == Z_STREAM_END;
    const QString why = stream.msg ? QString::fromLatin1(stream.msg) : QString();
    inflateEnd(&stream);
    if (!ended)
        return makeError(
            QStringLiteral("undecodable_response"),
            why.isEmpty() || rc == Z_BUF_ERROR
                ? QStringLiteral("The %1 body ends before its end marker (%2 bytes "
                                 "received): the answer was cut short.")
                      .arg(QString::fromLatin1(e))
                      .arg(body.size())
                : QStringLiteral("The %1 body is corrupt (%2).").arg(QString::fromLatin1(e), why));
    return out;
}

} // namespace lb
