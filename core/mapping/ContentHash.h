#pragma once

#include <QByteArray>
#include <QJsonObject>

namespace lb {

// A stable fingerprint of a record's synced content. The engine stores the hash of what it last
// wrote or saw on each side; an incoming change whose hash equals the last one written is our
// own echo and is skipped.
//
// The hash is SHA-256 (first 128 bits, hex) over a canonical byte encoding of the fields, built
// straight from the typed values, without serialising a JSON document (the rebuilt document
// cost more than the hash itself on the inbound path, docs/PERFORMANCE.md):
//   object: 'o', field count, then per field in key order: UTF-8 key, value
//   array:  'a', item count, items
//   string: 's', UTF-8 bytes;   number: 'i' + int64 when whole, else 'd' + IEEE bits
//   bool:   'T' / 'F';          null:   'n'
// Every length and count is a 4-byte big-endian prefix, so no two different records share an
// encoding ("ab","c" vs "a","bc"). A null field, an empty string and an absent field all hash
// differently. Key order does not matter (QJsonObject keeps its keys sorted). Salesforce's
// "attributes" envelope is metadata, not content, and is left out at every level.
//
// Changing this encoding changes every stored hash: the store migration that re-hashes the
// mirror (Migrations.cpp, version 18) must run again with a new version.
class ContentHash
{
public:
    static QByteArray of(const QJsonObject &fields);
};

} // namespace lb
