#include "HttpClient.h"

namespace lb {

// Apart from HttpClient so the response decoders (and their fuzz targets) link without the
// client, its QNetworkAccessManager and its moc code.
QByteArray HttpResponse::header(const QByteArray &name) const
{
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

} // namespace lb
