#pragma once

#include "auth/OAuthTokenClient.h"

#include <QObject>
#include <QPointer>

#include <functional>

namespace lb::salesforce {

// Holds the access token and instance URL. Callers ask for a token; the first ask (and the
// first after invalidate()) runs the grant, and requests that arrive meanwhile wait for that
// same grant: one token request, not one per caller.
class SalesforceSession : public QObject
{
    Q_OBJECT
public:
    struct Token
    {
        QString accessToken;
        QUrl instanceUrl;
    };
    using Callback = std::function<void(Result<Token>)>;

    SalesforceSession(OAuthTokenClient &oauth, QObject *parent = nullptr);

    void token(QObject *context, Callback done);
    // The token was refused (401 INVALID_SESSION_ID): forget it unless a newer one exists.
    void invalidate(const QString &accessToken);
    bool hasToken() const { return !m_token.accessToken.isEmpty(); }
    quint64 grants() const { return m_grants; }

signals:
    // A grant returned a new refresh token (rotation or authorization code): store it.
    void refreshTokenIssued(const QString &refreshToken);
    void authenticationFailed(const lb::Error &error);

private:
    OAuthTokenClient &m_oauth;
    Token m_token;
    bool m_granting = false;
    QList<QPair<QPointer<QObject>, Callback>> m_waiting;
    quint64 m_grants = 0;
};

} // namespace lb::salesforce
