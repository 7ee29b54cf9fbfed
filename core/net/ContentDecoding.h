#pragma once

#include "util/Result.h"

#include <QByteArray>

namespace lb {

// Decodes an HTTP body by its Content-Encoding ("gzip", "x-gzip", "deflate"; anything else,
// "identity" or none is returned as is). HttpClient asks for compressed answers itself and
// decodes them here rather than letting Qt do it, because Qt 6.4 hands a truncated gzip body
// over as a complete answer: a cut CSV page would silently lose rows. A stream that ends before
// its end marker, a corrupt stream and a result larger than `maxBytes` (a compression bomb) are
// errors: "undecodable_response" or "response_too_large".
Result<QByteArray> decodeContent(const QByteArray &encoding, const QByteArray &body,
                                 qint64 maxBytes);

// Whether decodeContent() decodes `encoding` (lower-case, trimmed) rather than passing it on.
bool isDecodedEncoding(const QByteArray &encoding);

} // namespace lb
