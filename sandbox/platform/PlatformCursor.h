#pragma once

#include <QString>

#include <optional>

namespace lb::sandbox {

// A position in the (updated_at, id) order, handed to clients as an opaque cursor:
// unpadded base64url of "<updated_at epoch ms>|<id>".
struct PlatformCursor
{
    qint64 updatedAt = 0;
    QString id;

    QString encode() const;
    static std::optional<PlatformCursor> decode(const QString &text);
};

} // namespace lb::sandbox
