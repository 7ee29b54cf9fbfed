#include "LoopbackRedirectListener.h"

#include "log/Logging.h"
#include "net/HostAllowlist.h"

#include <QHostAddress>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QUrlQuery>

using namespace Qt::Literals::StringLiterals;

namespace lb::auth {

namespace {

QHttpServerResponse page(const QString &text, QHttpServerResponder::StatusCode status)
{
    const QString html = u"<!doctype html><html><head><title>LeadBridge</title></head><body><p>"_s
        + text.toHtmlEscaped() + u"</p></body></html>"_s;
    QHttpServerResponse r(QByteArrayLiteral("text/html; charset=utf-8"), html.toUtf8(), status);
    r.setHeader("Cache-Control", "no-store");
    return r;
}

QString decoded(const QUrlQuery &query, const QString &key)
{
    return query.queryItemValue(key, QUrl::FullyDecoded);
}

} // namespace

LoopbackRedirectListener::LoopbackRedirectListener(QObject *parent)
    : QObject(parent)
{ }

LoopbackRedirectListener::~LoopbackRedirectListener() = default;

Result<QUrl> LoopbackRedirectListener::listen(const QUrl &redirectUri)
{
    QUrl uri = redirectUri.isEmpty() ? QUrl(u"http://127.0.0.1:0/callback"_s) : redirectUri;
    if (uri.scheme() != "http"_L1 || !HostAllowlist::isLoopbackHost(uri.host()))
        return makeError(u"bad_redirect_uri"_s,
                         u"The redirect URI %1 must be http:// on a loopback host "
                         u"(127.0.0.1, ::1 or localhost)."_s.arg(uri.toDisplayString()));
    QString path = uri.path().isEmpty() ? u"/"_s : uri.path();
    m_server = std::make_unique<QHttpServer>();
    m_server->route(path, [this](const QHttpServerRequest &request) { return handle(request); });
    const QHostAddress address = uri.host() == "::1"_L1 ? QHostAddress(QHostAddress::LocalHostIPv6)
                                                        : QHostAddress(QHostAddress::LocalHost);
    const quint16 port = m_server->listen(address, quint16(qMax(0, uri.port(0))));
    if (port == 0)
        return makeError(
            u"listen_failed"_s,
            u"Cannot listen on %1 port %2 for the login redirect."_s.arg(address.toString())
                .arg(uri.port(0)));
    // Browsers may resolve "localhost" to ::1; listen there too when we can.
    if (uri.host() == "localhost"_L1)
        m_server->listen(QHostAddress::LocalHostIPv6, port);
    uri.setPort(port);
    uri.setPath(path);
    m_redirectUri = uri;
    return uri;
}

QHttpServerResponse LoopbackRedirectListener::handle(const QHttpServerRequest &request)
{
    using Status = QHttpServerResponder::StatusCode;
    if (m_finished)
        return page(u"This login has already finished; you can close this window."_s, Status::Gone);
    const QUrlQuery query(request.url());
    const QString state = decoded(query, u"state"_s);
    if (m_state.isEmpty() || state != m_state) {
        m_finished = true;
        qCWarning(lcAuth) << "login redirect with a wrong state refused";
        emit failed(makeError(u"state_mismatch"_s,
                              u"The login redirect did not carry the state LeadBridge sent; "
                              u"the login was refused. Start it again."_s));
        return page(u"Login refused: the request did not come from this LeadBridge login."_s,
                    Status::BadRequest);
    }
    m_finished = true;
    const QString error = decoded(query, u"error"_s);
    if (!error.isEmpty()) {
        const QString description = decoded(query, u"error_description"_s);
        emit failed(makeError(error, description.isEmpty() ? error : description));
        return page(u"Login failed: "_s + (description.isEmpty() ? error : description),
                    Status::Ok);
    }
    const QString code = decoded(query, u"code"_s);
    if (code.isEmpty()) {
        emit failed(makeError(u"invalid_redirect"_s,
                              u"The login redirect carried neither a code nor an error."_s));
        return page(u"Login failed: no authorization code received."_s, Status::BadRequest);
    }
    emit codeReceived(code);
    return page(u"LeadBridge is signed in to Salesforce. You can close this window."_s, Status::Ok);
}

} // namespace lb::auth
