#pragma once

#include <QString>
#include <QStringView>

namespace lb::salesforce {

// Salesforce record ids (SALESFORCE_API.md section 11): 15 case-sensitive base-62 characters,
// or 18 = those 15 plus a 3-character case-checksum. Compare ids only after normalising them.
class SalesforceId
{
public:
    // The 3-character suffix of a 15-character id (no validation beyond length).
    static QString suffix(QStringView id15);
    // 15 or 18 characters -> the 18-character form with a correct suffix; an 18-character id
    // whose case was lost is repaired from its suffix. Empty when `id` is not an id.
    static QString normalize(QStringView id);
    // The case-sensitive 15-character form; empty when `id` is not an id.
    static QString to15(QStringView id);
    // Well-formed: base-62, 15 characters, or 18 with a suffix that matches.
    static bool isValid(QStringView id);
    static bool equals(QStringView a, QStringView b);
    static QString keyPrefix(QStringView id) { return id.left(3).toString(); }

private:
    static bool isBase62(QStringView text);
};

} // namespace lb::salesforce
