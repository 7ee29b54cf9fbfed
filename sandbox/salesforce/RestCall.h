#pragma once

#include "ApiRequest.h"
#include "DmlEngine.h"

namespace lb::sandbox {

struct Session;

// One authenticated REST call after routing: the API version and the path below it.
struct RestCall
{
    const ApiRequest &request;
    QString version; // "62.0"
    int versionMajor = 0; // 62
    QStringList path; // segments after /services/data/vNN.N
    const Session *session = nullptr;
    WriteContext writer; // the session's user and the Sforce-Call-Options client

    QString base() const { return QStringLiteral("/services/data/v") + version; }
    const QByteArray &method() const { return request.method; }
};

} // namespace lb::sandbox
