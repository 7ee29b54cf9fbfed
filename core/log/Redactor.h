#pragma once

#include <QString>
#include <QStringView>

namespace lb {

// Removes credentials from text before it reaches any log sink: Authorization/Cookie header
// values, Bearer/OAuth tokens, JWTs, Salesforce session ids and the values of secret-bearing
// keys (access_token, refresh_token, client_secret, password, ...) in JSON, form and
// header syntax. Over-redacting is acceptable; leaking is not.
class Redactor
{
public:
    static QString redact(QStringView text);

    static constexpr QStringView placeholder() { return u"[REDACTED]"; }
};

} // namespace lb
