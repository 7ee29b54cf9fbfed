#include "OAuthEndpoint.h"

#include "SandboxOrg.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QUrl>

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

namespace {

constexpr qint64 kCodeLifetimeMs = 15 * 60 * 1000;
constexpr qint64 kJwtMaxAheadSecs = 3 * 60 + 30; // 3 minutes plus a little clock skew

QMap<QString, QString> formOf(const QByteArray &body)
{
    QMap<QString, QString> form;
    for (const auto &[k, v] : ApiRequest::parseQuery(body))
        form.insert(k, v);
    return form;
}

ApiResponse redirect(const QString &location)
{
    ApiResponse r;
    r.status = 302;
    r.setHeader("Location", location.toUtf8());
    return r;
}

QString withQuery(const QString &uri, const QList<std::pair<QString, QString>> &params)
{
    QString out = uri + (uri.contains(u'?') ? u'&' : u'?');
    for (qsizetype i = 0; i < params.size(); ++i) {
        if (i > 0)
            out += u'&';
        out += QString::fromLatin1(QUrl::toPercentEncoding(params[i].first)) + u'='
            + QString::fromLatin1(QUrl::toPercentEncoding(params[i].second));
    }
    return out;
}

std::optional<qint64> numericClaim(const QJsonValue &v)
{
    if (v.isDouble())
        return qint64(v.toDouble());
    if (v.isString()) {
        bool ok = false;
        const qint64 n = v.toString().toLongLong(&ok);
        if (ok)
            return n;
    }
    return std::nullopt;
}

QString stripUrl(QString url)
{
    while (url.endsWith(u'/'))
        url.chop(1);
    for (const auto scheme : {"https://"_L1, "http://"_L1}) {
        if (url.startsWith(scheme, Qt::CaseInsensitive))
            return url.mid(scheme.size()).toLower();
    }
    return url.toLower();
}

} // namespace

OAuthEndpoint::OAuthEndpoint(SandboxOrg &org)
    : m_org(org)
{ }

bool OAuthEndpoint::handles(const ApiRequest &request)
{
    const QStringList &s = request.segments;
    return (s.size() == 3 && s[0] == "services"_L1 && s[1] == "oauth2"_L1)
        || (s.size() == 3 && s[0] == "id"_L1);
}

QString OAuthEndpoint::s256(const QString &verifier)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(verifier.toUtf8(), QCryptographicHash::Sha256)
            .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

ApiResponse OAuthEndpoint::handle(const ApiRequest &request, bool onInstanceHost)
{
    const QStringList &s = request.segments;
    if (s[0] == "id"_L1)
        return identity(request);
    if (s[2] == "token"_L1)
        return token(request, onInstanceHost);
    if (s[2] == "authorize"_L1)
        return authorize(request);
    if (s[2] == "revoke"_L1)
        return revoke(request);
    return ApiResponse::error(404, u"NOT_FOUND"_s, u"The requested resource does not exist"_s);
}

std::optional<ApiResponse> OAuthEndpoint::checkClient(const QString &clientId,
                                                      const QString &clientSecret,
                                                      bool secretRequired) const
{
    if (clientId != m_org.config().clientId)
        return ApiResponse::oauthError(400, u"invalid_client_id"_s, u"client identifier invalid"_s);
    if ((secretRequired || !clientSecret.isEmpty()) && clientSecret != m_org.config().clientSecret)
        return ApiResponse::oauthError(400, u"invalid_client"_s, u"invalid client credentials"_s);
    return std::nullopt;
}

ApiResponse OAuthEndpoint::success(const SandboxUser &user, const SessionGrant &grant,
                                   const QString &refreshToken, bool withSignature, bool withScope,
                                   bool returnRefreshToken)
{
    const qint64 now = m_org.nowMs();
    const QString accessToken = m_org.sessions().issueAccessToken(grant, refreshToken, now);
    const QString id = m_org.identityUrl(user);
    const QString issuedAt = QString::number(now);
    QJsonObject body {
        {u"access_token"_s, accessToken},
        {u"instance_url"_s, m_org.instanceUrl()},
        {u"id"_s, id},
        {u"token_type"_s, u"Bearer"_s},
    };
    if (withSignature) {
        body.insert(u"issued_at"_s, issuedAt);
        const QByteArray mac = QMessageAuthenticationCode::hash(
            (id + issuedAt).toUtf8(), m_org.config().clientSecret.toUtf8(),
            QCryptographicHash::Sha256);
        body.insert(u"signature"_s, QString::fromLatin1(mac.toBase64()));
    }
    if (withScope)
        body.insert(u"scope"_s, grant.scope);
    if (returnRefreshToken && !refreshToken.isEmpty())
        body.insert(u"refresh_token"_s, refreshToken);
    return ApiResponse::json(200, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

ApiResponse OAuthEndpoint::token(const ApiRequest &request, bool onInstanceHost)
{
    if (request.method != "POST")
        return ApiResponse::oauthError(400, u"invalid_request"_s, u"must use HTTP POST"_s);
    if (!request.header("content-type").toLower().startsWith("application/x-www-form-urlencoded"))
        return ApiResponse::oauthError(400, u"unsupported_grant_type"_s,
                                       u"grant type not supported"_s);
    const QMap<QString, QString> form = formOf(request.body);
    QString clientId = form.value(u"client_id"_s);
    QString clientSecret = form.value(u"client_secret"_s);
    const QByteArray authorization = request.header("authorization");
    if (authorization.startsWith("Basic ")) {
        const QString pair = QString::fromUtf8(QByteArray::fromBase64(authorization.mid(6)));
        const qsizetype colon = pair.indexOf(u':');
        if (colon > 0) {
            clientId = ApiRequest::decodeComponent(pair.left(colon).toUtf8(), true);
            clientSecret = ApiRequest::decodeComponent(pair.mid(colon + 1).toUtf8(), true);
        }
    }
    const QString grant = form.value(u"grant_type"_s);
    if (grant == "password"_L1)
        return password(form, clientId, clientSecret);
    if (grant == "refresh_token"_L1)
        return refresh(form, clientId, clientSecret);
    if (grant == "urn:ietf:params:oauth:grant-type:jwt-bearer"_L1)
        return jwtBearer(form);
    if (grant == "client_credentials"_L1)
        return clientCredentials(clientId, clientSecret, onInstanceHost);
    if (grant == "authorization_code"_L1)
        return authorizationCode(form, clientId, clientSecret);
    return ApiResponse::oauthError(400, u"unsupported_grant_type"_s, u"grant type not supported"_s);
}

ApiResponse OAuthEndpoint::password(const QMap<QString, QString> &form, const QString &clientId,
                                    const QString &clientSecret)
{
    if (auto error = checkClient(clientId, clientSecret, true))
        return *error;
    const SandboxUser *user = m_org.findUser(form.value(u"username"_s));
    if (!user || form.value(u"password"_s) != user->password + user->securityToken)
        return ApiResponse::oauthError(400, u"invalid_grant"_s, u"authentication failure"_s);
    const SessionGrant grant {user->username, user->userId, clientId, u"api"_s};
    return success(*user, grant, {}, true, false, false);
}

ApiResponse OAuthEndpoint::refresh(const QMap<QString, QString> &form, const QString &clientId,
                                   const QString &clientSecret)
{
    if (auto error = checkClient(clientId, clientSecret, false))
        return *error;
    const QString token = form.value(u"refresh_token"_s);
    const auto grant = m_org.sessions().refreshGrant(token);
    if (!grant || grant->clientId != clientId)
        return ApiResponse::oauthError(400, u"invalid_grant"_s, u"expired access/refresh token"_s);
    const SandboxUser *user = m_org.findUser(grant->username);
    if (!user)
        return ApiResponse::oauthError(400, u"invalid_grant"_s, u"inactive user"_s);
    QString refreshToken = token;
    if (m_org.config().refreshTokenRotation) {
        m_org.sessions().revokeRefreshToken(token);
        refreshToken = m_org.sessions().issueRefreshToken(*grant);
    }
    return success(*user, *grant, refreshToken, true, true, m_org.config().refreshTokenRotation);
}

ApiResponse OAuthEndpoint::jwtBearer(const QMap<QString, QString> &form)
{
    const auto claims = m_org.jwt().verify(form.value(u"assertion"_s).toLatin1());
    if (!claims)
        return ApiResponse::oauthError(400, claims.error().code, claims.error().message);
    if (claims->value("iss"_L1).toString() != m_org.config().clientId)
        return ApiResponse::oauthError(400, u"invalid_client_id"_s, u"client identifier invalid"_s);
    QStringList audiences;
    const QJsonValue aud = claims->value("aud"_L1);
    if (aud.isArray()) {
        for (const QJsonValue &a : aud.toArray())
            audiences.append(stripUrl(a.toString()));
    } else {
        audiences.append(stripUrl(aud.toString()));
    }
    QStringList accepted {stripUrl(m_org.loginUrl())};
    for (const QString &extra : m_org.config().extraJwtAudiences)
        accepted.append(stripUrl(extra));
    const bool audienceOk = std::any_of(audiences.begin(), audiences.end(),
                                        [&](const QString &a) { return accepted.contains(a); });
    if (!audienceOk)
        return ApiResponse::oauthError(400, u"invalid_grant"_s, u"audience is invalid"_s);
    const auto exp = numericClaim(claims->value("exp"_L1));
    const qint64 nowSecs = m_org.nowMs() / 1000;
    if (!exp || *exp <= nowSecs || *exp > nowSecs + kJwtMaxAheadSecs)
        return ApiResponse::oauthError(400, u"invalid_grant"_s, u"invalid assertion"_s);
    QString subject = claims->value("sub"_L1).toString();
    if (subject.isEmpty())
        subject = claims->value("prn"_L1).toString();
    const SandboxUser *user = m_org.findUser(subject);
    if (!user || !user->jwtApproved)
        return ApiResponse::oauthError(400, u"invalid_grant"_s,
                                       u"user hasn't approved this consumer"_s);
    const SessionGrant grant {user->username, user->userId, m_org.config().clientId, u"api"_s};
    return success(*user, grant, {}, false, true, false);
}

ApiResponse OAuthEndpoint::clientCredentials(const QString &clientId, const QString &clientSecret,
                                             bool onInstanceHost)
{
    if (!onInstanceHost)
        return ApiResponse::oauthError(400, u"invalid_grant"_s,
                                       u"request not supported on this domain"_s);
    if (auto error = checkClient(clientId, clientSecret, true))
        return *error;
    const QString runAs = m_org.config().runAsUser;
    const SandboxUser *user = runAs.isEmpty() ? &m_org.users().constFirst() : m_org.findUser(runAs);
    if (!m_org.config().clientCredentialsEnabled || !user)
        return ApiResponse::oauthError(400, u"invalid_grant"_s,
                                       u"no client credentials user enabled"_s);
    const SessionGrant grant {user->username, user->userId, clientId, u"api"_s};
    return success(*user, grant, {}, true, true, false);
}

ApiResponse OAuthEndpoint::authorizationCode(const QMap<QString, QString> &form,
                                             const QString &clientId, const QString &clientSecret)
{
    auto code = m_org.sessions().takeCode(form.value(u"code"_s));
    if (!code)
        return ApiResponse::oauthError(400, u"invalid_grant"_s, u"invalid authorization code"_s);
    if (code->expiresAtMs < m_org.nowMs())
        return ApiResponse::oauthError(400, u"invalid_grant"_s, u"expired authorization code"_s);
    const bool pkce = !code->codeChallenge.isEmpty();
    if (auto error = checkClient(clientId, clientSecret, !pkce))
        return *error;
    if (clientId != code->grant.clientId)
        return ApiResponse::oauthError(400, u"invalid_client_id"_s, u"client identifier invalid"_s);
    if (form.value(u"redirect_uri"_s) != code->redirectUri)
        return ApiResponse::oauthError(400, u"invalid_grant"_s,
                                       u"redirect_uri must match configuration"_s);
    if (pkce && s256(form.value(u"code_verifier"_s)) != code->codeChallenge)
        return ApiResponse::oauthError(400, u"invalid_grant"_s, u"invalid code verifier"_s);
    const SandboxUser *user = m_org.findUser(code->grant.username);
    if (!user)
        return ApiResponse::oauthError(400, u"invalid_grant"_s, u"inactive user"_s);
    const QString refreshToken = m_org.sessions().issueRefreshToken(code->grant);
    return success(*user, code->grant, refreshToken, true, true, true);
}

ApiResponse OAuthEndpoint::authorize(const ApiRequest &request)
{
    if (request.method != "GET" && request.method != "POST")
        return ApiResponse::oauthError(400, u"invalid_request"_s, u"must use HTTP GET"_s);
    if (request.queryValue(u"client_id"_s) != m_org.config().clientId)
        return ApiResponse::oauthError(400, u"invalid_client_id"_s, u"client identifier invalid"_s);
    const QString redirectUri = request.queryValue(u"redirect_uri"_s);
    const QStringList &allowed = m_org.config().callbackUrls;
    if (redirectUri.isEmpty() || (!allowed.isEmpty() && !allowed.contains(redirectUri)))
        return ApiResponse::oauthError(400, u"redirect_uri_mismatch"_s,
                                       u"redirect_uri must match configuration"_s);
    const QString state = request.queryValue(u"state"_s);
    auto fail = [&](const QString &error, const QString &description) {
        QList<std::pair<QString, QString>> params {{u"error"_s, error},
                                                   {u"error_description"_s, description}};
        if (!state.isEmpty())
            params.append({u"state"_s, state});
        return redirect(withQuery(redirectUri, params));
    };
    if (request.queryValue(u"response_type"_s) != "code"_L1)
        return fail(u"unsupported_response_type"_s, u"response type not supported"_s);
    const QString challenge = request.queryValue(u"code_challenge"_s);
    const QString method = request.queryValue(u"code_challenge_method"_s);
    if (!challenge.isEmpty() && !method.isEmpty() && method != "S256"_L1)
        return fail(u"invalid_request"_s, u"invalid code challenge method"_s);
    if (challenge.isEmpty() && m_org.config().requirePkce)
        return fail(u"invalid_request"_s, u"missing required code challenge"_s);
    const QString hint = request.queryValue(u"login_hint"_s);
    const SandboxUser *user = hint.isEmpty() ? &m_org.users().constFirst() : m_org.findUser(hint);
    if (!user)
        return fail(u"access_denied"_s, u"end-user denied authorization"_s);
    AuthCode code;
    code.grant
        = {user->username, user->userId, m_org.config().clientId,
           request.hasQuery(u"scope"_s) ? request.queryValue(u"scope"_s) : u"refresh_token api"_s};
    code.redirectUri = redirectUri;
    code.codeChallenge = challenge;
    code.expiresAtMs = m_org.nowMs() + kCodeLifetimeMs;
    QList<std::pair<QString, QString>> params {{u"code"_s, m_org.sessions().issueCode(code)}};
    if (!state.isEmpty())
        params.append({u"state"_s, state});
    return redirect(withQuery(redirectUri, params));
}

ApiResponse OAuthEndpoint::revoke(const ApiRequest &request)
{
    QString token = request.queryValue(u"token"_s);
    if (request.method == "POST" && token.isEmpty())
        token = formOf(request.body).value(u"token"_s);
    if (token.isEmpty() || !m_org.sessions().revoke(token))
        return ApiResponse::oauthError(400, u"invalid_token"_s, u"invalid token"_s);
    ApiResponse r;
    r.status = 200;
    return r;
}

ApiResponse OAuthEndpoint::identity(const ApiRequest &request)
{
    const QByteArray authorization = request.header("authorization");
    const qsizetype space = authorization.indexOf(' ');
    const QString token = QString::fromLatin1(authorization.mid(space + 1));
    const Session *session
        = m_org.sessions().session(token, m_org.nowMs(), m_org.config().sessionLifetimeSecs * 1000);
    if (space < 0 || !session)
        return ApiResponse::oauthError(403, u"Bad_OAuth_Token"_s, u"Bad_OAuth_Token"_s);
    const SandboxUser *user = m_org.userById(request.segments[2]);
    if (request.segments[1] != m_org.orgId() || !user)
        return ApiResponse::oauthError(404, u"Bad_Id"_s, u"Bad_Id"_s);
    const QString rest = m_org.instanceUrl() + u"/services/data/v{version}/"_s;
    const QJsonObject body {
        {u"id"_s, m_org.identityUrl(*user)},
        {u"asserted_user"_s, session->grant.userId == user->userId},
        {u"user_id"_s, user->userId},
        {u"organization_id"_s, m_org.orgId()},
        {u"username"_s, user->username},
        {u"nick_name"_s, user->username.section(u'@', 0, 0)},
        {u"display_name"_s, user->displayName},
        {u"email"_s, user->email},
        {u"active"_s, true},
        {u"user_type"_s, u"STANDARD"_s},
        {u"language"_s, u"en_US"_s},
        {u"locale"_s, u"en_US"_s},
        {u"utcOffset"_s, 0},
        {u"urls"_s,
         QJsonObject {{u"rest"_s, rest},
                      {u"sobjects"_s, QString(rest + u"sobjects/"_s)},
                      {u"query"_s, QString(rest + u"query/"_s)},
                      {u"profile"_s, QString(m_org.instanceUrl() + u'/' + user->userId)}}},
    };
    return ApiResponse::json(200, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

} // namespace lb::sandbox
