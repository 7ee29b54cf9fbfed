#include "OAuthTokenClient.h"

#include "JwtAssertion.h"
#include "log/Logging.h"
#include "salesforce/SalesforceErrors.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>

namespace lb {

using salesforce::AuthFlow;

OAuthTokenClient::OAuthTokenClient(HttpClient &http, salesforce::SalesforceConfig config,
                                   salesforce::SalesforceSecrets secrets, const Clock &clock,
                                   QObject *parent)
    : QObject(parent)
    , m_http(http)
    , m_config(std::move(config))
    , m_secrets(std::move(secrets))
    , m_clock(clock)
{ }

QByteArray OAuthTokenClient::formEncode(const QList<QPair<QString, QString>> &fields)
{
    QByteArray out;
    for (const auto &[key, value] : fields) {
        if (!out.isEmpty())
            out += '&';
        out += QUrl::toPercentEncoding(key) + '=' + QUrl::toPercentEncoding(value);
    }
    return out;
}

bool OAuthTokenClient::signatureValid(const QJsonObject &response, const QString &clientSecret)
{
    const QByteArray expected = QMessageAuthenticationCode::hash(
                                    (response.value(QStringLiteral("id")).toString()
                                     + response.value(QStringLiteral("issued_at")).toString())
                                        .toUtf8(),
                                    clientSecret.toUtf8(), QCryptographicHash::Sha256)
                                    .toBase64();
    const QByteArray given = response.value(QStringLiteral("signature")).toString().toLatin1();
    // Constant time: the signature is derived from a secret.
    if (given.size() != expected.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < given.size(); ++i)
        diff |= static_cast<unsigned char>(given[i] ^ expected[i]);
    return diff == 0;
}

QUrl OAuthTokenClient::tokenUrl(const QUrl &host) const
{
    QUrl url = host;
    url.setPath(QStringLiteral("/services/oauth2/token"));
    url.setQuery(QString());
    return url;
}

void OAuthTokenClient::requestToken(QObject *context, Callback done)
{
    const auto &c = m_config;
    const auto &s = m_secrets;
    QList<QPair<QString, QString>> form;
    QUrl host = c.loginUrl;
    auto missing = [&](const QString &what) {
        QMetaObject::invokeMethod(
            context,
            [done, what] {
                done(makeError(
                    QStringLiteral("secret_missing"),
                    QStringLiteral("The Salesforce %1 is missing for this auth flow.").arg(what)));
            },
            Qt::QueuedConnection);
    };
    switch (c.flow) {
    case AuthFlow::Password:
        if (s.password.isEmpty())
            return missing(QStringLiteral("password"));
        form = {{QStringLiteral("grant_type"), QStringLiteral("password")},
                {QStringLiteral("client_id"), c.clientId},
                {QStringLiteral("client_secret"), s.clientSecret},
                {QStringLiteral("username"), c.username},
                {QStringLiteral("password"), s.password}};
        break;
    case AuthFlow::RefreshToken:
    case AuthFlow::AuthorizationCode:
        if (s.refreshToken.isEmpty())
            return missing(QStringLiteral("refresh token"));
        form = {{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                {QStringLiteral("refresh_token"), s.refreshToken},
                {QStringLiteral("client_id"), c.clientId}};
        if (!s.clientSecret.isEmpty())
            form.append({QStringLiteral("client_secret"), s.clientSecret});
        break;
    case AuthFlow::JwtBearer: {
        if (s.privateKeyPem.isEmpty())
            return missing(QStringLiteral("JWT private key"));
        QUrl aud = c.loginUrl;
        aud.setPath(QString());
        auto assertion = JwtAssertion::sign(s.privateKeyPem, c.clientId, c.username,
                                            aud.toString(QUrl::StripTrailingSlash),
                                            m_clock.nowMs() / 1000 + 170);
        if (!assertion) {
            QMetaObject::invokeMethod(
                context, [done, e = assertion.error()] { done(e); }, Qt::QueuedConnection);
            return;
        }
        form = {{QStringLiteral("grant_type"),
                 QStringLiteral("urn:ietf:params:oauth:grant-type:jwt-bearer")},
                {QStringLiteral("assertion"), QString::fromLatin1(*assertion)}};
        break;
    }
    case AuthFlow::ClientCredentials:
        if (s.clientSecret.isEmpty())
            return missing(QStringLiteral("consumer secret"));
        if (c.instanceUrl.isEmpty()) {
            QMetaObject::invokeMethod(
                context,
                [done] {
                    done(makeError(
                        QStringLiteral("profile"),
                        QStringLiteral("The client_credentials flow needs salesforce.instance_url "
                                       "(the org's My Domain URL) in the profile.")));
                },
                Qt::QueuedConnection);
            return;
        }
        host = c.instanceUrl; // only the My Domain host answers this grant
        form = {{QStringLiteral("grant_type"), QStringLiteral("client_credentials")},
                {QStringLiteral("client_id"), c.clientId},
                {QStringLiteral("client_secret"), s.clientSecret}};
        break;
    }
    post(tokenUrl(host), form, context, std::move(done));
}

void OAuthTokenClient::exchangeCode(const QString &code, const QByteArray &verifier,
                                    QObject *context, Callback done)
{
    QList<QPair<QString, QString>> form {
        {QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
        {QStringLiteral("code"), code},
        {QStringLiteral("client_id"), m_config.clientId},
        {QStringLiteral("redirect_uri"), m_config.redirectUri.toString()},
        {QStringLiteral("code_verifier"), QString::fromLatin1(verifier)}};
    if (!m_secrets.clientSecret.isEmpty())
        form.append({QStringLiteral("client_secret"), m_secrets.clientSecret});
    post(tokenUrl(m_config.loginUrl), form, context, std::move(done));
}

void OAuthTokenClient::post(const QUrl &endpoint, const QList<QPair<QString, QString>> &form,
                            QObject *context, Callback done)
{
    HttpRequest req;
    req.method = "POST";
    req.url = endpoint;
    req.body = formEncode(form);
    req.timeoutMs = m_config.timeoutMs;
    req.setHeader("Content-Type", "application/x-www-form-urlencoded");
    req.setHeader("Accept", "application/json");
    const QString secret = m_secrets.clientSecret;
    m_http.send(req, context, [done = std::move(done), secret](const HttpResponse &r) {
        if (r.status != 200) {
            Error e = salesforce::SalesforceErrors::fromResponse(r);
            if (r.status == 400 || r.status == 401)
                e.retryable = false;
            qCWarning(lcAuth) << "token request failed:" << e.toString();
            done(e);
            return;
        }
        const QJsonObject o = QJsonDocument::fromJson(r.body).object();
        TokenResponse t;
        t.accessToken = o.value(QStringLiteral("access_token")).toString();
        t.instanceUrl = QUrl(o.value(QStringLiteral("instance_url")).toString());
        t.refreshToken = o.value(QStringLiteral("refresh_token")).toString();
        t.identityUrl = o.value(QStringLiteral("id")).toString();
        t.scope = o.value(QStringLiteral("scope")).toString();
        t.issuedAt = o.value(QStringLiteral("issued_at")).toString().toLongLong();
        if (t.accessToken.isEmpty() || !t.instanceUrl.isValid() || t.instanceUrl.host().isEmpty()) {
            done(makeError(
                QStringLiteral("invalid_token_response"),
                QStringLiteral("Salesforce's token answer lacks access_token or instance_url.")));
            return;
        }
        if (o.contains(QStringLiteral("signature")) && !secret.isEmpty()
            && !signatureValid(o, secret)) {
            done(
                makeError(QStringLiteral("invalid_token_signature"),
                          QStringLiteral("The token answer's signature does not match the consumer "
                                         "secret; the response may have been tampered with.")));
            return;
        }
        done(t);
    });
}

void OAuthTokenClient::revoke(const QString &token, QObject *context,
                              std::function<void(Result<void>)> done)
{
    HttpRequest req;
    req.method = "POST";
    req.url = m_config.loginUrl;
    req.url.setPath(QStringLiteral("/services/oauth2/revoke"));
    req.body = formEncode({{QStringLiteral("token"), token}});
    req.setHeader("Content-Type", "application/x-www-form-urlencoded");
    m_http.send(req, context, [done = std::move(done)](const HttpResponse &r) {
        if (r.status == 200)
            done({});
        else
            done(salesforce::SalesforceErrors::fromResponse(r));
    });
}

} // namespace lb
