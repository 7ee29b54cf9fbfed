#include "Redactor.h"

#include <QRegularExpression>

namespace lb {
namespace {

// Header-style names whose whole value (to the end of the line) is secret.
const QRegularExpression &headerPattern()
{
    static const QRegularExpression re(
        QStringLiteral(
            R"((?<![A-Za-z0-9_-])((?:proxy-)?authorization|cookie|set-cookie)(\\?["']?\s*[:=]\s*))"),
        QRegularExpression::CaseInsensitiveOption);
    return re;
}

// Keys whose value is secret, in JSON ("key":"v"), escaped JSON (\"key\":\"v\"), form
// (key=v&) and header (key: v) syntax. `_` may arrive percent-encoded.
const QRegularExpression &keyPattern()
{
    static const QRegularExpression re(
        QStringLiteral(
            R"((?<![A-Za-z0-9])((?:access|refresh|id)(?:_|%5f)token|client(?:_|%5f)secret)"
            R"(|webhook(?:_|%5f)secret|api(?:[_-]|%5f)?key|code(?:_|%5f)verifier|assertion)"
            R"(|password|passwd|secret|token)(\\?["']?\s*[:=]\s*))"),
        QRegularExpression::CaseInsensitiveOption);
    return re;
}

const QRegularExpression &tokenPatterns()
{
    // Bearer/OAuth credentials, JWTs, and Salesforce session ids (<15-char org id>!<opaque>).
    static const QRegularExpression re(
        QStringLiteral(R"(\b(?:Bearer|OAuth)\s+[A-Za-z0-9._~+/!=-]{8,})"
                       R"(|eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*)"
                       R"(|\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._-]{6,})"),
        QRegularExpression::CaseInsensitiveOption);
    return re;
}

// Length of the value that starts at `pos`: a quoted string (plain or backslash-escaped
// quotes), or a bare run up to a delimiter. An unterminated quote runs to the end of line.
qsizetype valueLength(QStringView text, qsizetype pos, bool toEndOfLine)
{
    const qsizetype n = text.size();
    if (pos >= n)
        return 0;
    auto endOfLine = [&](qsizetype from) {
        qsizetype i = from;
        while (i < n && text[i] != u'\n' && text[i] != u'\r')
            ++i;
        return i - pos;
    };
    if (toEndOfLine)
        return endOfLine(pos);

    const QChar first = text[pos];
    if (first == u'\\' && pos + 1 < n && text[pos + 1] == u'"') {
        for (qsizetype i = pos + 2; i + 1 < n; ++i) {
            if (text[i] == u'\\' && text[i + 1] == u'"')
                return i + 2 - pos;
        }
        return endOfLine(pos);
    }
    if (first == u'"' || first == u'\'') {
        for (qsizetype i = pos + 1; i < n; ++i) {
            if (text[i] == u'\\') {
                ++i;
                continue;
            }
            if (text[i] == first)
                return i + 1 - pos;
        }
        return endOfLine(pos);
    }
    qsizetype i = pos;
    while (i < n) {
        const QChar c = text[i];
        if (c.isSpace() || c == u'&' || c == u',' || c == u';' || c == u'}' || c == u'"'
            || c == u'\'' || c == u']' || c == u'\\')
            break;
        ++i;
    }
    return i - pos;
}

// Replaces the value after each match of `keyRe` (group 2 ends at the value's start).
QString redactValues(const QString &input, const QRegularExpression &keyRe, bool toEndOfLine)
{
    QString out;
    qsizetype copied = 0;
    auto it = keyRe.globalMatch(input);
    while (it.hasNext()) {
        const auto m = it.next();
        const qsizetype valueStart = m.capturedEnd(2);
        if (valueStart < copied)
            continue;
        const qsizetype len = valueLength(input, valueStart, toEndOfLine);
        if (len == 0)
            continue;
        if (copied == 0)
            out.reserve(input.size() + 64); // once: QString::reserve reallocates when equal
        out.append(QStringView(input).mid(copied, valueStart - copied));
        const QChar first = input[valueStart];
        if (!toEndOfLine && (first == u'"' || first == u'\''))
            out.append(first).append(Redactor::placeholder()).append(first);
        else if (!toEndOfLine && first == u'\\')
            out.append(u"\\\"").append(Redactor::placeholder()).append(u"\\\"");
        else
            out.append(Redactor::placeholder());
        copied = valueStart + len;
    }
    if (copied == 0)
        return input;
    out.append(QStringView(input).mid(copied));
    return out;
}

} // namespace

QString Redactor::redact(QStringView text)
{
    QString s = text.toString();
    s = redactValues(s, headerPattern(), true);
    s = redactValues(s, keyPattern(), false);
    s.replace(tokenPatterns(), placeholder().toString());
    return s;
}

} // namespace lb
