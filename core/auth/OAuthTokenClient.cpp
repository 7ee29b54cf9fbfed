#include "OAuthTokenClient.h"

#include "log/Logging.h"
#include "net/HttpClient.h"
#include "salesforce/ErrorEnvelope.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QPointer>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace lb::auth {

namespace {

QByteArray encodeForm(const OAuthTokenClient::Form &form)
{
    QByteArray out;
    for (const auto &[name, value] : form) {
        if (!out.isEmpty())
            out += '&';
        out += QUrl::toPercentEncoding(name) + '=' + QUrl::toPercentEncoding(value);
    }
    return out;
}

Error missing(const QString &what)
{
    return makeError(
        u"missing_secret"_s,
        u"The %1 is not set; store it with \"leadbridge credentials set\"."_s.arg(what));
}

} // namespace

OAuthTokenClient::OAuthTokenClient(HttpClient &http, QObject *parent)
    : QObject(parent)
    , m_http(http)
{ }

QUrl OAuthTokenClient::endpoint(const QUrl &host, const QString &path)
{
    QUrl url = host;
    QString base = url.path();
    while (base.endsWith(u'/'))
        base.chop(1);
    url.setPath(base + path);
    url.setQuery(QString());
    url.setFragment(QString());
    return url;
}

void OAuthTokenClient::password(const QUrl &loginUrl, const QString &clientId,
                                const QString &clientSecret, const QString &username,
                                const QString &password, QObject *context, TokenCallback done)
{
    Form form {{u"grant_type"_s, u"password"_s},
               {u"client_id"_s, clientId},
               {u"client_secret"_s, clientSecret},
               {u"username"_s, username},
               {u"password"_s, password}};
    if (password.isEmpty())
        return failLater(context, std::move(done), missing(u"password"_s));
    postToken(loginUrl, form, {}, clientSecret, context, std::move(done));
}

void OAuthTokenClient::refreshToken(const QUrl &loginUrl, const QString &clientId,
                                    const QString &clientSecret, const QString &refreshToken,
                                    QObject *context, TokenCallback done)
{
    if (refreshToken.isEmpty())
        return failLater(context, std::move(done), missing(u"refresh token"_s));
    Form form {{u"grant_type"_s, u"refresh_token"_s},
               {u"refresh_token"_s, refreshToken},
               {u"client_id"_s, clientId}};
    if (!clientSecret.isEmpty())
        form.append({u"client_secret"_s, clientSecret});
    postToken(loginUrl, form, {}, clientSecret, context, std::move(done));
}

void OAuthTokenClient::jwtBearer(const QUrl &loginUrl, const QByteArray &assertion,
                                 QObject *context, TokenCallback done)
{
    const Form form {{u"grant_type"_s, u"urn:ietf:params:oauth:grant-type:jwt-bearer"_s},
                     {u"assertion"_s, QString::fromLatin1(assertion)}};
    postToken(loginUrl, form, {}, {}, context, std::move(done));
}

void OAuthTokenClient::clientCredentials(const QUrl &myDomainUrl, const QString &clientId,
                                         const QString &clientSecret, ClientAuth auth,
                                         QObject *context, TokenCallback done)
{
    if (clientSecret.isEmpty())
        return failLater(context, std::move(done), missing(u"client secret"_s));
    Form form {{u"grant_type"_s, u"client_credentials"_s}};
    QByteArray basic;
    if (auth == ClientAuth::HttpBasic) {
        // RFC 6749 2.3.1: form-encode id and secret before joining them.
        basic = "Basic "
            + QByteArray(QUrl::toPercentEncoding(clientId) + ':'
                         + QUrl::toPercentEncoding(clientSecret))
                  .toBase64();
    } else {
        form.append({u"client_id"_s, clientId});
        form.append({u"client_secret"_s, clientSecret});
    }
    postToken(myDomainUrl, form, basic, clientSecret, context, std::move(done));
}

void OAuthTokenClient::authorizationCode(const QUrl &loginUrl, const QString &clientId,
                                         const QString &clientSecret, const QString &code,
                                         const QString &redirectUri, const QString &codeVerifier,
                                         QObject *context, TokenCallback done)
{
    Form form {{u"grant_type"_s, u"authorization_code"_s},
               {u"code"_s, code},
               {u"client_id"_s, clientId},
               {u"redirect_uri"_s, redirectUri}};
    if (!clientSecret.isEmpty())
        form.append({u"client_secret"_s, clientSecret});
    if (!codeVerifier.isEmpty())
        form.append({u"code_verifier"_s, codeVerifier});
    postToken(loginUrl, form, {}, clientSecret, context, std::move(done));
}

void OAuthTokenClient::failLater(QObject *context, TokenCallback done, Error error)
{
    // Answer asynchronously like every other outcome, so callers see one behaviour.
    QPointer<QObject> guard(context);
    QMetaObject::invokeMethod(
        this,
        [guard, done = std::move(done), error = std::move(error)] {
            if (guard)
                done(error);
        },
        Qt::QueuedConnection);
}

void OAuthTokenClient::postToken(const QUrl &host, const Form &form, const QByteArray &basicAuth,
                                 const QString &clientSecret, QObject *context, TokenCallback done)
{
    QPointer<QObject> guard(context);
    HttpRequest request;
    request.method = "POST";
    request.url = endpoint(host, u"/services/oauth2/token"_s);
    request.body = encodeForm(form);
    request.timeoutMs = m_timeoutMs;
    request.setHeader("Content-Type", "application/x-www-form-urlencoded");
    request.setHeader("Accept", "application/json");
    if (!basicAuth.isEmpty())
        request.setHeader("Authorization", basicAuth);
    if (!m_callOptionsClient.isEmpty())
        request.setHeader("Sforce-Call-Options", "client=" + m_callOptionsClient.toUtf8());
    const QString grant = form.constFirst().second;
    m_http.send(
        request, this, [guard, clientSecret, grant, done = std::move(done)](const HttpResponse &r) {
            if (!guard)
                return;
            Result<OAuthToken> token = parseTokenResponse(r, clientSecret);
            if (token)
                qCInfo(lcAuth) << "token grant" << grant << "succeeded";
            else
                qCWarning(lcAuth) << "token grant" << grant << "failed:" << token.error().code;
            done(std::move(token));
        });
}

void OAuthTokenClient::revoke(const QUrl &host, const QString &token, QObject *context,
                              DoneCallback done)
{
    HttpRequest request;
    request.method = "POST";
    request.url = endpoint(host, u"/services/oauth2/revoke"_s);
    request.body = encodeForm({{u"token"_s, token}});
    request.timeoutMs = m_timeoutMs;
    request.setHeader("Content-Type", "application/x-www-form-urlencoded");
    QPointer<QObject> guard(context);
    m_http.send(request, this, [guard, done = std::move(done)](const HttpResponse &r) {
        if (!guard)
            return;
        if (r.isSuccess())
            done({});
        else
            done(salesforce::ErrorEnvelope::toError(r));
    });
}

bool OAuthTokenClient::signatureMatches(const OAuthToken &token, const QString &clientSecret)
{
    const QByteArray expected
        = QMessageAuthenticationCode::hash((token.identityUrl + token.issuedAt).toUtf8(),
                                           clientSecret.toUtf8(), QCryptographicHash::Sha256);
    const QByteArray given = QByteArray::fromBase64(token.signature.toLatin1());
    // Constant-time compare: the signature is an authenticator.
    if (given.size() != expected.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < given.size(); ++i)
        diff |= static_cast<unsigned char>(given[i] ^ expected[i]);
    return diff == 0;
}

Result<OAuthToken> OAuthTokenClient::parseTokenResponse(const HttpResponse &response,
                                                        const QString &clientSecret)
{
    if (!response.isSuccess())
        return salesforce::ErrorEnvelope::toError(response);
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(response.body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return Error {u"unexpected_response"_s,
                      u"The token endpoint answered with something that is not a JSON object."_s,
                      response.status, false};
    const QJsonObject o = doc.object();
    OAuthToken token;
    token.accessToken = o.value("access_token"_L1).toString();
    token.instanceUrl = QUrl(o.value("instance_url"_L1).toString());
    token.apiInstanceUrl = QUrl(o.value("api_instance_url"_L1).toString());
    token.identityUrl = o.value("id"_L1).toString();
    token.tokenType = o.value("token_type"_L1).toString(u"Bearer"_s);
    token.scope = o.value("scope"_L1).toString();
    token.refreshToken = o.value("refresh_token"_L1).toString();
    token.signature = o.value("signature"_L1).toString();
    token.idToken = o.value("id_token"_L1).toString();
    // issued_at is documented as a string of milliseconds; accept a number too.
    const QJsonValue issuedAt = o.value("issued_at"_L1);
    // As whole digits, without a conversion to qint64 (undefined for 1e300).
    token.issuedAt = issuedAt.isDouble() ? QString::number(std::trunc(issuedAt.toDouble()), 'f', 0)
                                         : issuedAt.toString();
    if (token.accessToken.isEmpty() || !token.instanceUrl.isValid()
        || token.instanceUrl.host().isEmpty())
        return Error {u"unexpected_response"_s,
                      u"The token answer lacks access_token or instance_url."_s, response.status,
                      false};
    if (!clientSecret.isEmpty() && !token.signature.isEmpty()
        && !signatureMatches(token, clientSecret))
        return Error {u"invalid_signature"_s,
                      u"The token answer's signature does not match id and issued_at; the "
                      u"answer was altered or the client secret is wrong."_s,
                      response.status, false};
    return token;
}

} // namespace lb::auth
