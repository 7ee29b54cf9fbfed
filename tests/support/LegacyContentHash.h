#pragma once

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace lb::test {

// The content hash store versions 1 to 17 kept, written out here from the release that computed
// it so the tests of migration 18 do not trust the migration's own copy: SHA-256 over compact
// JSON with sorted keys, whole numbers below 1e15 as integers, "attributes" left out.
inline QJsonValue legacyNormalise(const QJsonValue &v)
{
    if (v.isDouble()) {
        const double d = v.toDouble();
        if (d == double(qint64(d)) && std::abs(d) < 1e15)
            return qint64(d);
        return d;
    }
    if (v.isObject()) {
        QJsonObject o;
        const QJsonObject in = v.toObject();
        for (auto it = in.begin(); it != in.end(); ++it) {
            if (it.key() != QLatin1String("attributes"))
                o.insert(it.key(), legacyNormalise(it.value()));
        }
        return o;
    }
    if (v.isArray()) {
        QJsonArray a;
        for (const QJsonValue &item : v.toArray())
            a.append(legacyNormalise(item));
        return a;
    }
    return v;
}

inline QString legacyContentHashOf(const QJsonObject &fields)
{
    const QByteArray canonical
        = QJsonDocument(legacyNormalise(fields).toObject()).toJson(QJsonDocument::Compact);
    return QString::fromLatin1(
        QCryptographicHash::hash(canonical, QCryptographicHash::Sha256).toHex().left(32));
}

} // namespace lb::test
