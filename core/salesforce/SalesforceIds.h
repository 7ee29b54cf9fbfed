#pragma once

#include <QString>

namespace lb::salesforce {

// Salesforce record ids (reference section 11): 15-character case-sensitive ids gain a
// 3-character checksum suffix to become the 18-character form the API returns.
class SalesforceIds
{
public:
    static QString to18(const QString &id15);
    // 18-character form of a 15- or 18-character id, or an empty string if it is not one.
    static QString normalize(const QString &id);
    static bool isValid(const QString &id);
    static bool same(const QString &a, const QString &b);
};

} // namespace lb::salesforce
