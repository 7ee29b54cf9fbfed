#pragma once

#include "SoqlAst.h"
#include "util/Result.h"

namespace lb::sandbox {

// Recursive-descent parser for the SOQL subset LeadBridge and its admins use:
//   SELECT (COUNT() | field, ...) FROM object
//   [WHERE cond] [ORDER BY field [ASC|DESC] [NULLS FIRST|LAST], ...] [LIMIT n] [OFFSET n]
// cond: AND / OR (not mixed without parentheses, as in Salesforce), NOT, ( ), comparisons
// = != <> < <= > >= LIKE IN NOT IN INCLUDES EXCLUDES against strings, numbers, booleans,
// null, dates, datetimes and date literals (TODAY, LAST_N_DAYS:n, ...).
// Errors are MALFORMED_QUERY "unexpected token: X" shaped like Salesforce's.
class SoqlParser
{
public:
    static Result<SoqlQuery> parse(const QString &query);

    // "\n<line>\n   ^\nERROR at Row:r:Column:c\n<message>", Salesforce's positioned message.
    static QString positioned(const QString &query, SoqlPos pos, const QString &message);
};

} // namespace lb::sandbox
