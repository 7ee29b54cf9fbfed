#pragma once

#include "SoqlToken.h"
#include "util/Result.h"

#include <QList>

namespace lb::sandbox {

// Splits a SOQL statement into tokens. Errors are MALFORMED_QUERY with Salesforce's lexer
// wording ("line 1:33 mismatched character '<EOF>' expecting '''").
class SoqlLexer
{
public:
    static Result<QList<SoqlToken>> tokenize(const QString &query);

    // Decodes a SOQL string literal's escapes; nullopt for an illegal escape. With keepLike,
    // \% and \_ stay escaped so a LIKE pattern can tell them from wildcards.
    static std::optional<QString> unescape(QStringView raw, bool keepLike = false);
};

} // namespace lb::sandbox
