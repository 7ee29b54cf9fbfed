// The text form of a destination rule ("status in [won, working] and score >= 80"), typed in
// the console's Destinations view. It becomes the same typed rule as the profile's JSON form.
#include "DestinationRule.h"

#include <QJsonArray>

namespace lb {
namespace {

struct Token
{
    enum class Kind { Word, Quoted, Op, Open, Close, Comma } kind;
    QString text;
};

Error textError(const QString &message)
{
    return makeError(QStringLiteral("destination_rule"), message);
}

Result<QList<Token>> tokenize(const QString &text)
{
    QList<Token> tokens;
    qsizetype i = 0;
    while (i < text.size()) {
        const QChar c = text.at(i);
        if (c.isSpace()) {
            ++i;
        } else if (c == u'[' || c == u']' || c == u',') {
            tokens.append({c == u'['       ? Token::Kind::Open
                               : c == u']' ? Token::Kind::Close
                                           : Token::Kind::Comma,
                           QString(c)});
            ++i;
        } else if (c == u'"' || c == u'\'') {
            QString value;
            qsizetype j = i + 1;
            for (; j < text.size() && text.at(j) != c; ++j) {
                if (text.at(j) == u'\\' && j + 1 < text.size())
                    ++j;
                value.append(text.at(j));
            }
            if (j >= text.size())
                return textError(QStringLiteral("a quote opened at %1 is never closed").arg(i + 1));
            tokens.append({Token::Kind::Quoted, value});
            i = j + 1;
        } else if (c == u'=' || c == u'!' || c == u'<' || c == u'>') {
            qsizetype j = i + 1;
            while (j < text.size() && QStringView(u"=!<>").contains(text.at(j)))
                ++j;
            tokens.append({Token::Kind::Op, text.mid(i, j - i)});
            i = j;
        } else {
            qsizetype j = i;
            while (j < text.size() && !text.at(j).isSpace()
                   && !QStringView(u"[],=!<>\"'").contains(text.at(j)))
                ++j;
            tokens.append({Token::Kind::Word, text.mid(i, j - i)});
            i = j;
        }
    }
    return tokens;
}

// A bare word that reads as a number is a number; quoted text stays text.
QJsonValue valueOf(const Token &t)
{
    if (t.kind == Token::Kind::Word) {
        bool ok = false;
        const double d = t.text.toDouble(&ok);
        if (ok)
            return d;
    }
    return t.text;
}

bool isValue(const Token &t)
{
    return t.kind == Token::Kind::Word || t.kind == Token::Kind::Quoted;
}

} // namespace

Result<DestinationRule> DestinationRule::parse(const QString &text)
{
    auto tokens = tokenize(text);
    if (!tokens)
        return tokens.error();
    // Built as the profile's JSON form, field by field, so both forms share one validation.
    DestinationRule rule;
    qsizetype i = 0;
    const auto at = [&](qsizetype k) -> const Token * {
        return k < tokens->size() ? &tokens->at(k) : nullptr;
    };
    while (at(i)) {
        const Token *field = at(i);
        if (field->kind != Token::Kind::Word)
            return textError(
                QStringLiteral("expected a field name, found \"%1\"").arg(field->text));
        const Token *op = at(i + 1);
        if (!op)
            return textError(
                QStringLiteral("%1: expected a comparison after the field").arg(field->text));
        const bool in = op->kind == Token::Kind::Word
            && op->text.compare(QStringLiteral("in"), Qt::CaseInsensitive) == 0;
        if (op->kind != Token::Kind::Op && !in)
            return textError(QStringLiteral("%1: expected =, !=, <, <=, >, >= or in, found \"%2\"")
                                 .arg(field->text, op->text));
        QJsonObject one;
        i += 2;
        if (in) {
            if (!at(i) || at(i)->kind != Token::Kind::Open)
                return textError(
                    QStringLiteral("%1: 'in' needs a list such as [TX, CA]").arg(field->text));
            ++i;
            QJsonArray options;
            while (at(i) && at(i)->kind != Token::Kind::Close) {
                if (!isValue(*at(i)))
                    return textError(
                        QStringLiteral("%1: expected a value in the list, found \"%2\"")
                            .arg(field->text, at(i)->text));
                options.append(valueOf(*at(i)));
                ++i;
                if (at(i) && at(i)->kind == Token::Kind::Comma)
                    ++i;
            }
            if (!at(i))
                return textError(
                    QStringLiteral("%1: the list is never closed with ']'").arg(field->text));
            ++i;
            one.insert(field->text, options);
        } else {
            if (!at(i) || !isValue(*at(i)))
                return textError(
                    QStringLiteral("%1: expected a value after '%2'").arg(field->text, op->text));
            QString opText = op->text == QLatin1String("==") ? QStringLiteral("=") : op->text;
            one.insert(field->text, QJsonObject {{opText, valueOf(*at(i))}});
            ++i;
        }
        auto parsed = fromJson(one);
        if (!parsed)
            return parsed.error();
        rule.m_conditions.append(parsed->m_conditions);
        if (!at(i))
            break;
        if (at(i)->kind != Token::Kind::Word
            || at(i)->text.compare(QStringLiteral("and"), Qt::CaseInsensitive) != 0)
            return textError(
                QStringLiteral("expected 'and' between conditions, found \"%1\"").arg(at(i)->text));
        ++i;
        if (!at(i))
            return textError(QStringLiteral("a condition is missing after the last 'and'"));
    }
    return rule;
}

} // namespace lb
