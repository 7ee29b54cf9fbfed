#include "ContentHash.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>

namespace lb {
namespace {

// Whole numbers as integers (1.0 == 1), so a value that went through a JSON round trip in
// another system hashes the same.
QJsonValue normalise(const QJsonValue &v)
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
                o.insert(it.key(), normalise(it.value()));
        }
        return o;
    }
    if (v.isArray()) {
        QJsonArray a;
        for (const QJsonValue &item : v.toArray())
            a.append(normalise(item));
        return a;
    }
    return v;
}

} // namespace

QByteArray ContentHash::of(const QJsonObject &fields)
{
    const QByteArray canonical
        = QJsonDocument(normalise(fields).toObject()).toJson(QJsonDocument::Compact);
    return QCryptographicHash::hash(canonical, QCryptographicHash::Sha256).toHex().left(32);
}

} // namespace lb
