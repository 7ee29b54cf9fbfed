#pragma once

#include "SfError.h"

#include <QByteArray>
#include <QList>

#include <utility>

namespace lb::sandbox {

struct ApiResponse
{
    int status = 200;
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QByteArray header(const QByteArray &name) const;
    void setHeader(const QByteArray &name, const QByteArray &value);

    // Content-Type: application/json;charset=UTF-8, exactly as Salesforce spells it.
    static ApiResponse json(int status, QByteArray body);
    static ApiResponse noContent();
    // Envelope 1: [{"message":...,"errorCode":...[,"fields":[...]]}]
    static ApiResponse errors(int status, const QList<SfError> &errors);
    static ApiResponse error(int status, const SfError &error) { return errors(status, {error}); }
    static ApiResponse error(int status, const QString &code, const QString &message)
    {
        return errors(status, {SfError::plain(code, message)});
    }
    // Envelope 3: {"error":...,"error_description":...}
    static ApiResponse oauthError(int status, const QString &error, const QString &description);

    static QByteArray errorsJson(const QList<SfError> &errors);

    static constexpr QByteArrayView kJsonType = "application/json;charset=UTF-8";
};

} // namespace lb::sandbox
