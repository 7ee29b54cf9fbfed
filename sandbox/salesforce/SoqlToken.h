#pragma once

#include <QString>

namespace lb::sandbox {

struct SoqlPos
{
    int line = 1;
    int column = 1;
};

struct SoqlToken
{
    enum class Type {
        Identifier, // also keywords; the parser decides
        String, // 'text' (raw keeps the escapes, for LIKE)
        Number,
        Date, // 2024-01-15
        DateTime, // 2024-01-15T10:20:30Z
        Comma,
        Dot,
        LParen,
        RParen,
        Colon,
        Operator, // = != <> < <= > >=
        End,
    };

    Type type = Type::End;
    QString text; // as written in the query
    QString raw; // String: the characters between the quotes, escapes intact
    QString value; // String: decoded; Operator: normalised ("<>" -> "!=")
    qsizetype offset = 0;
    SoqlPos pos;

    bool isKeyword(QLatin1StringView keyword) const
    {
        return type == Type::Identifier && text.compare(keyword, Qt::CaseInsensitive) == 0;
    }
};

} // namespace lb::sandbox
