#pragma once

#include <QString>

namespace lb::salesforce {

// A SOQL string literal for `value` (quotes, backslashes and line breaks escaped). SOQL has
// no bound parameters; every value that goes into a query goes through here.
QString soqlString(const QString &value);

} // namespace lb::salesforce
