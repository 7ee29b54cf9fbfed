#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace lb::salesforce {

enum class AuthFlow { JwtBearer, RefreshToken, Password, ClientCredentials, AuthorizationCode };

// Parses the profile's auth_flow names (jwt_bearer, refresh_token, ...).
std::optional<AuthFlow> authFlowFromName(const QString &name);

struct SalesforceConfig
{
    QUrl loginUrl {QStringLiteral("https://login.salesforce.com")};
    QUrl instanceUrl; // My Domain; required for client credentials, learnt from tokens otherwise
    QString apiVersion = QStringLiteral("62.0");
    AuthFlow flow = AuthFlow::JwtBearer;
    QString clientId;
    QString username;
    QString callOptionsClient = QStringLiteral("LeadBridge");
    QUrl redirectUri;
    int timeoutMs = 60'000;
};

struct SalesforceSecrets
{
    QString clientSecret;
    QString password; // with the security token appended, if the org needs one
    QString refreshToken;
    QByteArray privateKeyPem;
};

// One error item of any envelope: REST (errorCode), SaveResult (statusCode), OAuth (error).
struct SfError
{
    QString code;
    QString message;
    QStringList fields;
};

// One record's result in sObject Collections (and Composite subrequests carrying them).
struct RecordResult
{
    bool success = false;
    QString id;
    bool created = false;
    QList<SfError> errors;
};

struct UpsertOutcome
{
    QString id;
    bool created = false;
};

struct QueryPage
{
    qint64 totalSize = 0;
    bool done = true;
    QString nextRecordsUrl;
    QList<QJsonObject> records;
};

} // namespace lb::salesforce
