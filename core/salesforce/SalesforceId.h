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
    // The 18-character form of a well-formed 15-character id.
    static QString to18(QStringView id15) { return id15.toString() + suffix(id15); }
    // 15 or 18 characters -> the canonical 18-character form. An 18-character id whose letters
    // lost their case (all one case) is repaired from its suffix; a mixed-case id whose suffix
    // disagrees is malformed, as Salesforce answers MALFORMED_ID for it. Empty when `id` is not
    // an id. The sandbox org reads ids with this too.
    static QString normalize(QStringView id);
    // 15 or 18 ASCII letters and digits: something Salesforce would try to read as an id.
    static bool looksLikeId(QStringView text)
    {
        return (text.size() == 15 || text.size() == 18) && isBase62(text);
    }
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
