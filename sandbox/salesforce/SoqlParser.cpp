#include "SoqlParser.h"

#include "SfDateTime.h"
#include "SoqlLexer.h"

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

namespace {

using Type = SoqlToken::Type;

const QStringList &reservedWords()
{
    static const QStringList words = u"SELECT FROM WHERE AND OR NOT IN LIKE NULL TRUE FALSE ORDER "
                                     u"BY LIMIT OFFSET ASC DESC NULLS GROUP HAVING WITH FOR USING "
                                     u"INCLUDES EXCLUDES TYPEOF"_s.split(u' ');
    return words;
}

const QStringList &dateLiterals()
{
    static const QStringList names
        = u"YESTERDAY TODAY TOMORROW LAST_WEEK THIS_WEEK NEXT_WEEK LAST_MONTH THIS_MONTH "
          u"NEXT_MONTH LAST_YEAR THIS_YEAR NEXT_YEAR LAST_90_DAYS NEXT_90_DAYS"_s.split(u' ');
    return names;
}

const QStringList &dateLiteralsWithN()
{
    static const QStringList names = u"LAST_N_DAYS NEXT_N_DAYS N_DAYS_AGO"_s.split(u' ');
    return names;
}

class Parser
{
public:
    Parser(const QString &query, QList<SoqlToken> tokens)
        : m_q(query)
        , m_t(std::move(tokens))
    { }

    Result<SoqlQuery> query();

private:
    const SoqlToken &peek(int k = 0) const { return m_t[qMin<qsizetype>(m_i + k, m_t.size() - 1)]; }
    const SoqlToken &next()
    {
        const SoqlToken &t = peek();
        if (m_i < m_t.size() - 1)
            ++m_i;
        return t;
    }
    bool accept(QLatin1StringView keyword)
    {
        if (!peek().isKeyword(keyword))
            return false;
        next();
        return true;
    }
    Error unexpected(const SoqlToken &t) const
    {
        const QString message = u"unexpected token: "_s + t.text;
        if (&t == &m_t.first() && t.type != Type::End)
            return makeError(u"MALFORMED_QUERY"_s, message);
        return makeError(u"MALFORMED_QUERY"_s, SoqlParser::positioned(m_q, t.pos, message));
    }
    bool isReserved(const SoqlToken &t) const
    {
        return t.type == Type::Identifier && reservedWords().contains(t.text, Qt::CaseInsensitive);
    }

    Result<SoqlFieldRef> fieldRef();
    Result<SoqlCondition> condition();
    Result<SoqlCondition> unary();
    Result<SoqlCondition> comparison();
    Result<SoqlValue> value();
    Result<std::vector<SoqlValue>> valueList();
    Result<qint64> integer();

    const QString &m_q;
    QList<SoqlToken> m_t;
    qsizetype m_i = 0;
};

Result<SoqlFieldRef> Parser::fieldRef()
{
    const SoqlToken &first = peek();
    if (first.type != Type::Identifier || isReserved(first))
        return unexpected(first);
    SoqlFieldRef ref;
    ref.pos = first.pos;
    ref.path.append(next().text);
    while (peek().type == Type::Dot) {
        next();
        const SoqlToken &part = peek();
        if (part.type != Type::Identifier || isReserved(part))
            return unexpected(part);
        ref.path.append(next().text);
    }
    ref.text = ref.path.join(u'.');
    return ref;
}

Result<qint64> Parser::integer()
{
    const SoqlToken &t = peek();
    if (t.type != Type::Number || t.text.contains(u'.') || t.text.startsWith(u'-')
        || t.text.startsWith(u'+'))
        return unexpected(t);
    bool ok = false;
    const qint64 n = next().text.toLongLong(&ok);
    if (!ok)
        return unexpected(t);
    return n;
}

Result<SoqlValue> Parser::value()
{
    const SoqlToken &t = peek();
    SoqlValue v;
    v.text = t.text;
    v.pos = t.pos;
    switch (t.type) {
    case Type::String:
        v.kind = SoqlValue::Kind::String;
        v.string = t.value;
        v.likePattern = SoqlLexer::unescape(t.raw, true).value_or(t.value);
        next();
        return v;
    case Type::Number:
        v.kind = SoqlValue::Kind::Number;
        v.number = t.text.toDouble();
        next();
        return v;
    case Type::Date:
        if (const auto days = SfDateTime::parseDate(t.text)) {
            v.kind = SoqlValue::Kind::Date;
            v.days = *days;
            next();
            return v;
        }
        return unexpected(t);
    case Type::DateTime:
        if (const auto ms = SfDateTime::parse(t.text)) {
            v.kind = SoqlValue::Kind::DateTime;
            v.ms = *ms;
            next();
            return v;
        }
        return unexpected(t);
    case Type::Identifier: {
        const QString upper = t.text.toUpper();
        if (upper == "NULL"_L1 || upper == "TRUE"_L1 || upper == "FALSE"_L1) {
            v.kind = upper == "NULL"_L1 ? SoqlValue::Kind::Null : SoqlValue::Kind::Boolean;
            v.boolean = upper == "TRUE"_L1;
            next();
            return v;
        }
        if (dateLiterals().contains(upper)) {
            v.kind = SoqlValue::Kind::DateLiteral;
            v.function = upper;
            next();
            return v;
        }
        if (dateLiteralsWithN().contains(upper)) {
            v.kind = SoqlValue::Kind::DateLiteral;
            v.function = upper;
            next();
            if (peek().type != Type::Colon)
                return unexpected(peek());
            next();
            auto n = integer();
            if (!n)
                return n.error();
            v.n = int(*n);
            v.text += u':' + QString::number(v.n);
            return v;
        }
        return unexpected(t);
    }
    default:
        return unexpected(t);
    }
}

Result<std::vector<SoqlValue>> Parser::valueList()
{
    if (peek().type != Type::LParen)
        return unexpected(peek());
    next();
    std::vector<SoqlValue> values;
    while (true) {
        auto v = value();
        if (!v)
            return v.error();
        values.push_back(*v);
        if (peek().type == Type::Comma) {
            next();
            continue;
        }
        if (peek().type == Type::RParen) {
            next();
            return values;
        }
        return unexpected(peek());
    }
}

Result<SoqlCondition> Parser::comparison()
{
    auto field = fieldRef();
    if (!field)
        return field.error();
    SoqlCondition c;
    c.kind = SoqlCondition::Kind::Compare;
    c.field = *field;
    const SoqlToken &t = peek();
    c.opPos = t.pos;
    if (t.type == Type::Operator) {
        const QString op = next().value;
        c.op = op == "="_L1 ? SoqlOp::Eq
            : op == "!="_L1 ? SoqlOp::Ne
            : op == "<"_L1  ? SoqlOp::Lt
            : op == "<="_L1 ? SoqlOp::Le
            : op == ">"_L1  ? SoqlOp::Gt
                            : SoqlOp::Ge;
        auto v = value();
        if (!v)
            return v.error();
        c.values.push_back(*v);
        return c;
    }
    if (t.isKeyword("LIKE"_L1)) {
        next();
        c.op = SoqlOp::Like;
        if (peek().type != Type::String)
            return unexpected(peek());
        auto v = value();
        if (!v)
            return v.error();
        c.values.push_back(*v);
        return c;
    }
    if (t.isKeyword("IN"_L1) || t.isKeyword("INCLUDES"_L1) || t.isKeyword("EXCLUDES"_L1)
        || t.isKeyword("NOT"_L1)) {
        const QString word = next().text.toUpper();
        if (word == "NOT"_L1 && !accept("IN"_L1))
            return unexpected(peek());
        c.op = word == "IN"_L1      ? SoqlOp::In
            : word == "NOT"_L1      ? SoqlOp::NotIn
            : word == "INCLUDES"_L1 ? SoqlOp::Includes
                                    : SoqlOp::Excludes;
        auto values = valueList();
        if (!values)
            return values.error();
        c.values = std::move(*values);
        return c;
    }
    return unexpected(t);
}

Result<SoqlCondition> Parser::unary()
{
    if (accept("NOT"_L1)) {
        auto inner = unary();
        if (!inner)
            return inner.error();
        SoqlCondition c;
        c.kind = SoqlCondition::Kind::Not;
        c.children.push_back(std::move(*inner));
        return c;
    }
    if (peek().type == Type::LParen) {
        next();
        auto inner = condition();
        if (!inner)
            return inner.error();
        if (peek().type != Type::RParen)
            return unexpected(peek());
        next();
        return inner;
    }
    return comparison();
}

Result<SoqlCondition> Parser::condition()
{
    auto first = unary();
    if (!first)
        return first.error();
    const bool isAnd = peek().isKeyword("AND"_L1);
    const bool isOr = peek().isKeyword("OR"_L1);
    if (!isAnd && !isOr)
        return first;
    const QLatin1StringView joiner = isAnd ? "AND"_L1 : "OR"_L1;
    const QLatin1StringView other = isAnd ? "OR"_L1 : "AND"_L1;
    SoqlCondition c;
    c.kind = isAnd ? SoqlCondition::Kind::And : SoqlCondition::Kind::Or;
    c.children.push_back(std::move(*first));
    while (accept(joiner)) {
        auto operand = unary();
        if (!operand)
            return operand.error();
        c.children.push_back(std::move(*operand));
    }
    // Salesforce wants parentheses when AND and OR are mixed.
    if (peek().isKeyword(other))
        return unexpected(peek());
    return c;
}

Result<SoqlQuery> Parser::query()
{
    SoqlQuery q;
    q.text = m_q;
    if (!accept("SELECT"_L1))
        return unexpected(peek());
    if (peek().isKeyword("COUNT"_L1) && peek(1).type == Type::LParen) {
        next();
        next();
        if (peek().type != Type::RParen)
            return unexpected(peek());
        next();
        q.count = true;
    } else {
        while (true) {
            auto f = fieldRef();
            if (!f)
                return f.error();
            q.fields.push_back(*f);
            if (peek().type != Type::Comma)
                break;
            next();
        }
    }
    if (!accept("FROM"_L1))
        return unexpected(peek());
    const SoqlToken &object = peek();
    if (object.type != Type::Identifier || isReserved(object))
        return unexpected(object);
    q.object = object.text;
    q.objectPos = object.pos;
    next();
    if (accept("WHERE"_L1)) {
        auto where = condition();
        if (!where)
            return where.error();
        q.where = std::move(*where);
    }
    if (accept("ORDER"_L1)) {
        if (!accept("BY"_L1))
            return unexpected(peek());
        while (true) {
            auto f = fieldRef();
            if (!f)
                return f.error();
            SoqlOrder order;
            order.field = *f;
            if (accept("DESC"_L1))
                order.descending = true;
            else
                accept("ASC"_L1);
            if (accept("NULLS"_L1)) {
                if (accept("FIRST"_L1))
                    order.nullsFirst = true;
                else if (accept("LAST"_L1))
                    order.nullsFirst = false;
                else
                    return unexpected(peek());
            }
            q.orderBy.push_back(order);
            if (peek().type != Type::Comma)
                break;
            next();
        }
    }
    if (accept("LIMIT"_L1)) {
        auto n = integer();
        if (!n)
            return n.error();
        q.limit = *n;
    }
    if (accept("OFFSET"_L1)) {
        auto n = integer();
        if (!n)
            return n.error();
        q.offset = *n;
    }
    if (peek().type != Type::End)
        return unexpected(peek());
    return q;
}

} // namespace

QString SoqlParser::positioned(const QString &query, SoqlPos pos, const QString &message)
{
    const QStringList lines = query.split(u'\n');
    const QString line = pos.line - 1 < lines.size() ? lines[pos.line - 1] : QString();
    return u"\n"_s + line + u"\n"_s + QString(qMax(0, pos.column - 1), u' ')
        + u"^\nERROR at Row:%1:Column:%2\n"_s.arg(pos.line).arg(pos.column) + message;
}

Result<SoqlQuery> SoqlParser::parse(const QString &query)
{
    auto tokens = SoqlLexer::tokenize(query);
    if (!tokens)
        return tokens.error();
    if (tokens->size() == 1)
        return makeError(u"MALFORMED_QUERY"_s, u"unexpected token: <EOF>"_s);
    return Parser(query, std::move(*tokens)).query();
}

} // namespace lb::sandbox
