#pragma once

#include <QByteArray>
#include <QJsonObject>

namespace lb {

// A stable fingerprint of a record's synced content (SHA-256 over canonical JSON: keys sorted,
// numbers normalised). The engine stores the hash of what it last wrote or saw on each side;
// an incoming change whose hash equals the last one written is our own echo and is skipped.
class ContentHash
{
public:
    static QByteArray of(const QJsonObject &fields);
};

} // namespace lb
