#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QPair>

namespace lb::sandbox {

// One HTTP answer of the platform sandbox, before the router adds its common headers.
struct PlatformAnswer
{
    int status = 200;
    QByteArray body; // JSON, or empty (204)
    QList<QPair<QByteArray, QByteArray>> headers;

    static PlatformAnswer json(int status, const QJsonObject &body)
    {
        return {status, QJsonDocument(body).toJson(QJsonDocument::Compact), {}};
    }
    // {"error": code, "message": message}: the contract's error shape.
    static PlatformAnswer error(int status, const QString &code, const QString &message)
    {
        return json(
            status,
            QJsonObject {{QStringLiteral("error"), code}, {QStringLiteral("message"), message}});
    }
    static PlatformAnswer empty(int status) { return {status, {}, {}}; }
};

} // namespace lb::sandbox
