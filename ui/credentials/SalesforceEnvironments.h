#pragma once

#include "auth/SalesforceSignIn.h"

#include <QString>
#include <QUrl>

class QComboBox;
class QLineEdit;

namespace lb::ui {

// Where an admin signs in: production (login.salesforce.com), a sandbox (test.salesforce.com)
// or the org's own My Domain address, typed in `loginUrl`. Fills `environment` and keeps
// `loginUrl` in step with it (read-only unless My Domain is chosen).
void bindSalesforceEnvironments(QComboBox *environment, QLineEdit *loginUrl);

// What the console says about a finished sign-in, the same in the credentials view and the
// first-run setup.
// What the console says while the browser sign-in runs: where to sign in, or the address to
// open by hand when no browser could be started.
QString signInWaitingText(bool browserOpened, const QUrl &authorizeUrl, int timeoutMs);
QString signInOutcomeText(const Result<auth::SalesforceSignIn::Outcome> &outcome);

} // namespace lb::ui
