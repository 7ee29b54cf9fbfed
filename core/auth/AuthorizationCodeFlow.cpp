#include "AuthorizationCodeFlow.h"

#include "LoopbackRedirectListener.h"
#include "log/Logging.h"

#include <QUrlQuery>

using namespace Qt::Literals::StringLiterals;

namespace lb::auth {

AuthorizationCodeFlow::AuthorizationCodeFlow(OAuthTokenClient &tokens, Options options,
                                             QObject *parent)
    : QObject(parent)
    , m_tokens(tokens)
    , m_options(std::move(options))
{
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        finish(Error {u"timeout"_s, u"The browser login did not finish in time; start it again."_s,
                      0, true});
    });
}

AuthorizationCodeFlow::~AuthorizationCodeFlow() = default;

QUrl AuthorizationCodeFlow::redirectUri() const
{
    return m_listener ? m_listener->redirectUri() : QUrl();
}

void AuthorizationCodeFlow::start(OpenBrowser openBrowser, QObject *context,
                                  OAuthTokenClient::TokenCallback done)
{
    m_context = context;
    m_done = std::move(done);
    m_pkce = Pkce::generate();
    m_state = Pkce::randomToken(24);
    m_listener = std::make_unique<LoopbackRedirectListener>();
    const Result<QUrl> redirect = m_listener->listen(m_options.redirectUri);
    if (!redirect) {
        const Error error = redirect.error();
        QMetaObject::invokeMethod(
            this, [this, error] { finish(error); }, Qt::QueuedConnection);
        return;
    }
    m_listener->expectState(m_state);
    const QString redirectText = redirect->toString(QUrl::FullyEncoded);
    connect(
        m_listener.get(), &LoopbackRedirectListener::failed, this,
        [this](const Error &error) { finish(error); }, Qt::QueuedConnection);
    connect(
        m_listener.get(), &LoopbackRedirectListener::codeReceived, this,
        [this, redirectText](const QString &code) {
            m_tokens.authorizationCode(
                m_options.loginUrl, m_options.clientId, m_options.clientSecret, code, redirectText,
                m_pkce.verifier, this, [this](Result<OAuthToken> t) { finish(std::move(t)); });
        },
        // Queued: the listener is still answering the browser when it signals.
        Qt::QueuedConnection);

    QUrlQuery query;
    auto add = [&query](const QString &key, const QString &value) {
        query.addQueryItem(QString::fromLatin1(QUrl::toPercentEncoding(key)),
                           QString::fromLatin1(QUrl::toPercentEncoding(value)));
    };
    add(u"response_type"_s, u"code"_s);
    add(u"client_id"_s, m_options.clientId);
    add(u"redirect_uri"_s, redirectText);
    add(u"state"_s, m_state);
    add(u"code_challenge"_s, m_pkce.challenge);
    add(u"code_challenge_method"_s, QString::fromLatin1(Pkce::method));
    if (!m_options.scope.isEmpty())
        add(u"scope"_s, m_options.scope);
    if (!m_options.loginHint.isEmpty())
        add(u"login_hint"_s, m_options.loginHint);
    m_authorizeUrl
        = OAuthTokenClient::endpoint(m_options.loginUrl, u"/services/oauth2/authorize"_s);
    m_authorizeUrl.setQuery(query.query(QUrl::FullyEncoded), QUrl::StrictMode);
    m_timeout.start(m_options.timeoutMs);
    qCInfo(lcAuth) << "browser login started; waiting on" << redirect->toDisplayString();
    openBrowser(m_authorizeUrl);
}

void AuthorizationCodeFlow::cancel()
{
    finish(makeError(u"cancelled"_s, u"The browser login was cancelled."_s));
}

void AuthorizationCodeFlow::finish(Result<OAuthToken> result)
{
    if (!m_done)
        return;
    m_timeout.stop();
    auto done = std::move(m_done);
    m_done = nullptr;
    if (m_context)
        done(std::move(result));
}

} // namespace lb::auth
