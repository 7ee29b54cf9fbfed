#include "SoqlLexer.h"

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

namespace {

bool isDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}
bool isIdentStart(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || c == u'_';
}
bool isIdentPart(QChar c)
{
    return isIdentStart(c) || isDigit(c);
}

class Scanner
{
public:
    explicit Scanner(const QString &q)
        : m_q(q)
    { }

    Result<QList<SoqlToken>> run();

private:
    QChar at(qsizetype i) const { return i < m_q.size() ? m_q[i] : QChar(); }
    void advance(qsizetype n = 1)
    {
        for (qsizetype k = 0; k < n && m_i < m_q.size(); ++k, ++m_i) {
            if (m_q[m_i] == u'\n') {
                ++m_line;
                m_column = 1;
            } else {
                ++m_column;
            }
        }
    }
    SoqlToken start(SoqlToken::Type type) const
    {
        SoqlToken t;
        t.type = type;
        t.offset = m_i;
        t.pos = {m_line, m_column};
        return t;
    }
    Error lexError(const QString &message) const
    {
        return makeError(u"MALFORMED_QUERY"_s,
                         u"line %1:%2 %3"_s.arg(m_line).arg(m_column - 1).arg(message));
    }
    bool scanDateOrNumber(SoqlToken &t);

    const QString &m_q;
    qsizetype m_i = 0;
    int m_line = 1;
    int m_column = 1;
};

bool Scanner::scanDateOrNumber(SoqlToken &t)
{
    // A date is exactly dddd-dd-dd; a datetime continues with Thh:mm:ss[.fff](Z|+hh:mm|-hh:mm).
    auto digitsAt = [&](qsizetype p, int n) {
        for (int k = 0; k < n; ++k) {
            if (!isDigit(at(p + k)))
                return false;
        }
        return true;
    };
    const qsizetype s = m_i;
    if (digitsAt(s, 4) && at(s + 4) == u'-' && digitsAt(s + 5, 2) && at(s + 7) == u'-'
        && digitsAt(s + 8, 2)) {
        qsizetype e = s + 10;
        t.type = SoqlToken::Type::Date;
        if ((at(e) == u'T' || at(e) == u't') && digitsAt(e + 1, 2) && at(e + 3) == u':'
            && digitsAt(e + 4, 2) && at(e + 6) == u':' && digitsAt(e + 7, 2)) {
            e += 9;
            if (at(e) == u'.' && isDigit(at(e + 1))) {
                ++e;
                while (isDigit(at(e)))
                    ++e;
            }
            if (at(e) == u'Z' || at(e) == u'z') {
                ++e;
            } else if ((at(e) == u'+' || at(e) == u'-') && digitsAt(e + 1, 2)) {
                e += 3;
                if (at(e) == u':' && digitsAt(e + 1, 2))
                    e += 3;
                else if (digitsAt(e, 2))
                    e += 2;
            }
            t.type = SoqlToken::Type::DateTime;
        }
        t.text = m_q.mid(s, e - s);
        advance(e - s);
        return true;
    }
    qsizetype e = s;
    if (at(e) == u'-' || at(e) == u'+')
        ++e;
    const qsizetype digitsStart = e;
    while (isDigit(at(e)))
        ++e;
    if (at(e) == u'.' && isDigit(at(e + 1))) {
        ++e;
        while (isDigit(at(e)))
            ++e;
    }
    if (e == digitsStart)
        return false;
    t.type = SoqlToken::Type::Number;
    t.text = m_q.mid(s, e - s);
    advance(e - s);
    return true;
}

Result<QList<SoqlToken>> Scanner::run()
{
    QList<SoqlToken> tokens;
    while (true) {
        while (m_i < m_q.size() && m_q[m_i].isSpace())
            advance();
        if (m_i >= m_q.size())
            break;
        const QChar c = m_q[m_i];
        SoqlToken t = start(SoqlToken::Type::Identifier);
        if (isIdentStart(c)) {
            qsizetype e = m_i;
            while (isIdentPart(at(e)))
                ++e;
            t.text = m_q.mid(m_i, e - m_i);
            advance(e - m_i);
        } else if (isDigit(c) || ((c == u'-' || c == u'+') && isDigit(at(m_i + 1)))) {
            if (!scanDateOrNumber(t))
                return lexError(u"no viable alternative at character '%1'"_s.arg(c));
        } else if (c == u'\'') {
            t.type = SoqlToken::Type::String;
            qsizetype e = m_i + 1;
            while (e < m_q.size() && m_q[e] != u'\'') {
                if (m_q[e] == u'\\')
                    ++e;
                ++e;
            }
            if (e >= m_q.size()) {
                advance(m_q.size() - m_i + 1);
                return lexError(u"mismatched character '<EOF>' expecting '''"_s);
            }
            t.text = m_q.mid(m_i, e - m_i + 1);
            t.raw = m_q.mid(m_i + 1, e - m_i - 1);
            const auto decoded = SoqlLexer::unescape(t.raw);
            if (!decoded) {
                return makeError(
                    u"MALFORMED_QUERY"_s,
                    u"Invalid string literal '%1'. Illegal escape sequence."_s.arg(t.raw));
            }
            t.value = *decoded;
            advance(e - m_i + 1);
        } else if (c == u',' || c == u'.' || c == u'(' || c == u')' || c == u':') {
            t.type = c == u',' ? SoqlToken::Type::Comma
                : c == u'.'    ? SoqlToken::Type::Dot
                : c == u'('    ? SoqlToken::Type::LParen
                : c == u')'    ? SoqlToken::Type::RParen
                               : SoqlToken::Type::Colon;
            t.text = QString(c);
            advance();
        } else if (c == u'=' || c == u'<' || c == u'>' || (c == u'!' && at(m_i + 1) == u'=')) {
            t.type = SoqlToken::Type::Operator;
            const QChar next = at(m_i + 1);
            const bool two = (c == u'!' && next == u'=') || (c == u'<' && next == u'=')
                || (c == u'>' && next == u'=') || (c == u'<' && next == u'>');
            t.text = m_q.mid(m_i, two ? 2 : 1);
            t.value = t.text == "<>"_L1 ? u"!="_s : t.text;
            advance(two ? 2 : 1);
        } else {
            return lexError(u"no viable alternative at character '%1'"_s.arg(c));
        }
        tokens.append(std::move(t));
    }
    SoqlToken end = start(SoqlToken::Type::End);
    end.text = u"<EOF>"_s;
    tokens.append(end);
    return tokens;
}

} // namespace

std::optional<QString> SoqlLexer::unescape(QStringView raw, bool keepLike)
{
    QString out;
    out.reserve(raw.size());
    for (qsizetype i = 0; i < raw.size(); ++i) {
        const QChar c = raw[i];
        if (c != u'\\') {
            out += c;
            continue;
        }
        if (++i >= raw.size())
            return std::nullopt;
        switch (raw[i].toLower().unicode()) {
        case 'n':
            out += u'\n';
            break;
        case 'r':
            out += u'\r';
            break;
        case 't':
            out += u'\t';
            break;
        case 'b':
            out += u'\b';
            break;
        case 'f':
            out += u'\f';
            break;
        case '"':
            out += u'"';
            break;
        case '\'':
            out += u'\'';
            break;
        case '\\':
            out += keepLike ? u"\\\\"_s : u"\\"_s;
            break;
        case '%':
        case '_':
            if (keepLike)
                out += u'\\';
            out += raw[i];
            break;
        default:
            return std::nullopt;
        }
    }
    return out;
}

Result<QList<SoqlToken>> SoqlLexer::tokenize(const QString &query)
{
    return Scanner(query).run();
}

} // namespace lb::sandbox
