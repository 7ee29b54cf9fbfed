#pragma once

// Shared by the fuzz targets that read HTTP answers: turns fuzz input into an HttpResponse the
// way HttpClient hands one over. Layout (seeds in corpus/ follow it):
//   byte 0       which decoder the target runs (the target takes it modulo its count)
//   byte 1       the HTTP status, picked from the statuses the decoders treat apart
//   then         "Name: value" header lines, an empty line, and the body
#include "net/HttpClient.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace lb::fuzz {

inline void require(bool condition)
{
    if (!condition)
        std::abort();
}

struct FuzzedAnswer
{
    int selector = 0;
    HttpResponse response;
};

inline bool readAnswer(const uint8_t *data, size_t size, FuzzedAnswer &out)
{
    static constexpr int Statuses[] = {0,   200, 201, 204, 207, 300, 302, 400, 401, 403, 404, 409,
                                       410, 412, 415, 420, 422, 429, 500, 502, 503, 504, 999, 100};
    if (size < 2)
        return false;
    out.selector = data[0];
    out.response.status = Statuses[data[1] % (sizeof(Statuses) / sizeof(Statuses[0]))];
    if (out.response.status == 0)
        out.response.errorCode = QStringLiteral("network");
    const QByteArray rest(reinterpret_cast<const char *>(data + 2), qsizetype(size - 2));
    const qsizetype split = rest.indexOf("\n\n");
    const QByteArray head = split < 0 ? QByteArray() : rest.left(split);
    out.response.body = split < 0 ? rest : rest.mid(split + 2);
    for (const QByteArray &line : head.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            out.response.headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
    }
    return true;
}

} // namespace lb::fuzz
