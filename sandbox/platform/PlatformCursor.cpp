#include "PlatformCursor.h"

#include <QByteArray>

namespace lb::sandbox {

QString PlatformCursor::encode() const
{
    const QByteArray raw = QByteArray::number(updatedAt) + '|' + id.toUtf8();
    return QString::fromLatin1(
        raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

std::optional<PlatformCursor> PlatformCursor::decode(const QString &text)
{
    if (text.isEmpty() || text.size() > 512)
        return std::nullopt;
    const auto decoded = QByteArray::fromBase64Encoding(
        text.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    const QByteArray &raw = *decoded;
    const qsizetype bar = raw.indexOf('|');
    if (bar <= 0 || bar == raw.size() - 1)
        return std::nullopt;
    bool ok = false;
    PlatformCursor c;
    c.updatedAt = raw.left(bar).toLongLong(&ok);
    if (!ok || c.updatedAt < 0)
        return std::nullopt;
    c.id = QString::fromUtf8(raw.mid(bar + 1));
    return c;
}

} // namespace lb::sandbox
