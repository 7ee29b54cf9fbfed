#include "SfWire.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace lb::test {

SfWire::SfWire(sandbox::SalesforceSandbox &sandbox)
    : m_sandbox(sandbox)
{ }

WireReply SfWire::send(const QByteArray &method, const QString &url, const QByteArray &body,
                       const QList<std::pair<QByteArray, QByteArray>> &headers, int timeoutMs)
{
    QNetworkRequest request {QUrl(url)};
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    if (timeoutMs > 0)
        request.setTransferTimeout(timeoutMs);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    QNetworkReply *reply = body.isEmpty() && (method == "GET" || method == "DELETE")
        ? m_nam.sendCustomRequest(request, method)
        : m_nam.sendCustomRequest(request, method, body);
    WireReply out;
    QObject::connect(reply, &QNetworkReply::finished, reply, [reply, &out] {
        out.finished = true;
        out.error = reply->error();
        out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->isOpen())
            out.body = reply->readAll();
        for (const auto &[name, value] : reply->rawHeaderPairs())
            out.headers.insert(name.toLower(), value);
    });
    // QSignalSpy::wait returns as soon as the reply finishes (qWaitFor polls every 10 ms).
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!out.finished && !finished.wait(60'000))
        qWarning("request to %s did not finish", qPrintable(url));
    reply->deleteLater();
    return out;
}

WireReply SfWire::rest(const QByteArray &method, const QString &path, const QByteArray &body,
                       const QList<std::pair<QByteArray, QByteArray>> &headers)
{
    QList<std::pair<QByteArray, QByteArray>> all = headers;
    all.emplaceBack("Authorization", "Bearer " + token.toLatin1());
    if (!body.isEmpty())
        all.emplaceBack("Content-Type", "application/json");
    return send(method, m_sandbox.restBaseUrl() + path, body, all);
}

WireReply SfWire::rest(const QByteArray &method, const QString &path, const QJsonObject &body)
{
    return rest(method, path, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

WireReply SfWire::form(const QString &url, const QList<std::pair<QString, QString>> &fields,
                       const QList<std::pair<QByteArray, QByteArray>> &headers)
{
    QByteArray body;
    for (const auto &[k, v] : fields) {
        if (!body.isEmpty())
            body += '&';
        body += QUrl::toPercentEncoding(k) + '=' + QUrl::toPercentEncoding(v);
    }
    QList<std::pair<QByteArray, QByteArray>> all = headers;
    all.emplaceBack("Content-Type", "application/x-www-form-urlencoded");
    return send("POST", url, body, all);
}

QString SfWire::login()
{
    const auto &config = m_sandbox.config();
    const sandbox::SandboxUser &user = config.users.first();
    const WireReply r = form(m_sandbox.loginUrl() + u"/services/oauth2/token"_s,
                             {{u"grant_type"_s, u"password"_s},
                              {u"client_id"_s, config.clientId},
                              {u"client_secret"_s, config.clientSecret},
                              {u"username"_s, user.username},
                              {u"password"_s, user.password + user.securityToken}});
    token = r.object().value(u"access_token").toString();
    return token;
}

} // namespace lb::test
