#pragma once

#include <QString>
#include <QStringView>

namespace lb::sandbox {

// Salesforce record ids (SALESFORCE_API.md section 11): 15 case-sensitive base-62 characters,
// or 18 with a case-insensitive suffix that encodes which letters of the 15 are upper case.
class SfId
{
public:
    // The 18-character form of a well-formed 15-character id.
    static QString to18(QStringView id15);

    // The canonical 18-character id for a 15- or 18-character input, or an empty string when
    // the input is not an id or its suffix does not match (Salesforce answers MALFORMED_ID).
    // An 18-character id whose letters lost their case is recovered through its suffix.
    static QString canonical(QStringView input);

    // 15 or 18 ASCII letters and digits: something Salesforce would try to read as an id.
    static bool looksLikeId(QStringView text);

    static QString keyPrefix(QStringView id) { return id.left(3).toString(); }
};

} // namespace lb::sandbox
