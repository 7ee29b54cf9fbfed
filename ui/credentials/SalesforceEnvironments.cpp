#include "SalesforceEnvironments.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QLineEdit>

#include <algorithm>

namespace lb::ui {
namespace {

struct Environment
{
    const char *title;
    const char *loginUrl; // empty: the address typed in the login URL field
};
constexpr Environment environments[] = {
    {QT_TRANSLATE_NOOP("SalesforceEnvironments", "Production (login.salesforce.com)"),
     "https://login.salesforce.com"},
    {QT_TRANSLATE_NOOP("SalesforceEnvironments", "Sandbox (test.salesforce.com)"),
     "https://test.salesforce.com"},
    {QT_TRANSLATE_NOOP("SalesforceEnvironments", "My Domain (enter its URL)"), ""},
};

QString tr(const char *text)
{
    return QCoreApplication::translate("SalesforceEnvironments", text);
}

void follow(QComboBox *environment, QLineEdit *loginUrl)
{
    const QString url = environment->currentData().toString();
    if (!url.isEmpty())
        loginUrl->setText(url);
    else if (environment->findData(loginUrl->text()) >= 0)
        loginUrl->clear(); // My Domain: the org's own address is typed
    // Production and sandbox have fixed login hosts; a My Domain URL is typed.
    loginUrl->setReadOnly(!url.isEmpty());
    loginUrl->setPlaceholderText(url.isEmpty() ? tr("https://yourdomain.my.salesforce.com")
                                               : QString());
}

} // namespace

void bindSalesforceEnvironments(QComboBox *environment, QLineEdit *loginUrl)
{
    for (const Environment &e : environments)
        environment->addItem(tr(e.title), QString::fromLatin1(e.loginUrl));
    const QString current = QUrl(loginUrl->text()).toString(QUrl::StripTrailingSlash);
    const int known = current.isEmpty() ? 0 : environment->findData(current);
    environment->setCurrentIndex(known >= 0 ? known : environment->count() - 1);
    follow(environment, loginUrl);
    QObject::connect(environment, &QComboBox::currentIndexChanged, loginUrl,
                     [environment, loginUrl] { follow(environment, loginUrl); });
}

QString signInWaitingText(bool browserOpened, const QUrl &authorizeUrl, int timeoutMs)
{
    if (!browserOpened)
        return tr("No browser opened. Open this address to sign in: %1")
            .arg(authorizeUrl.toString(QUrl::FullyEncoded));
    return tr("Sign in to Salesforce in your browser (waiting up to %1 min)…")
        .arg(std::max(1, timeoutMs / 60'000));
}

QString signInOutcomeText(const Result<auth::SalesforceSignIn::Outcome> &outcome)
{
    if (!outcome) {
        const QString &code = outcome.error().code;
        if (code == QLatin1String("cancelled"))
            return tr("Sign-in cancelled; nothing was changed.");
        if (code == QLatin1String("timeout"))
            return tr("The sign-in did not finish in time (the browser never came back). Press "
                      "Sign in with Salesforce to try again.");
        return tr("Not signed in: %1").arg(outcome.error().message);
    }
    const QString host = outcome->instanceUrl.host();
    return outcome->username.isEmpty()
        ? tr("Signed in at %1; the refresh token is in the keychain.").arg(host)
        : tr("Signed in as %1 at %2; the refresh token is in the keychain.")
              .arg(outcome->username, host);
}

} // namespace lb::ui
