#include "ApiRequest.h"

#include <QUrl>

namespace lb::sandbox {

bool ApiRequest::hasQuery(const QString &name) const
{
    for (const auto &[k, v] : query) {
        if (k == name)
            return true;
    }
    return false;
}

QString ApiRequest::queryValue(const QString &name) const
{
    for (const auto &[k, v] : query) {
        if (k == name)
            return v;
    }
    return {};
}

QString ApiRequest::decodeComponent(QByteArrayView encoded, bool plusIsSpace)
{
    QByteArray bytes = encoded.toByteArray();
    if (plusIsSpace)
        bytes.replace('+', ' ');
    return QString::fromUtf8(QByteArray::fromPercentEncoding(bytes));
}

QList<std::pair<QString, QString>> ApiRequest::parseQuery(QByteArrayView encoded)
{
    QList<std::pair<QString, QString>> out;
    for (QByteArrayView part : QByteArray(encoded.toByteArray()).split('&')) {
        if (part.isEmpty())
            continue;
        const qsizetype eq = part.indexOf('=');
        if (eq < 0)
            out.append({decodeComponent(part, true), QString()});
        else
            out.append({decodeComponent(part.first(eq), true),
                        decodeComponent(part.sliced(eq + 1), true)});
    }
    return out;
}

void ApiRequest::setTarget(QByteArrayView target)
{
    const qsizetype q = target.indexOf('?');
    const QByteArrayView rawPath = q < 0 ? target : target.first(q);
    query = q < 0 ? QList<std::pair<QString, QString>>() : parseQuery(target.sliced(q + 1));
    path = decodeComponent(rawPath, false);
    segments.clear();
    for (QByteArrayView segment : rawPath.toByteArray().split('/')) {
        if (!segment.isEmpty())
            segments.append(decodeComponent(segment, false));
    }
}

} // namespace lb::sandbox
