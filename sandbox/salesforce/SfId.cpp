#include "SfId.h"

namespace lb::sandbox {

namespace {

constexpr char kSuffixAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

bool isAsciiUpper(QChar c)
{
    return c >= u'A' && c <= u'Z';
}
bool isAsciiLower(QChar c)
{
    return c >= u'a' && c <= u'z';
}
bool isAsciiAlnum(QChar c)
{
    return isAsciiUpper(c) || isAsciiLower(c) || (c >= u'0' && c <= u'9');
}

int suffixValue(QChar c)
{
    const char latin = char(c.toUpper().unicode());
    for (int i = 0; i < 32; ++i) {
        if (kSuffixAlphabet[i] == latin)
            return i;
    }
    return -1;
}

} // namespace

QString SfId::to18(QStringView id15)
{
    QString out = id15.toString();
    out.reserve(18);
    for (int chunk = 0; chunk < 3; ++chunk) {
        int v = 0;
        for (int i = 0; i < 5; ++i) {
            if (isAsciiUpper(id15[chunk * 5 + i]))
                v |= 1 << i;
        }
        out += QLatin1Char(kSuffixAlphabet[v]);
    }
    return out;
}

bool SfId::looksLikeId(QStringView text)
{
    if (text.size() != 15 && text.size() != 18)
        return false;
    for (QChar c : text) {
        if (!isAsciiAlnum(c))
            return false;
    }
    return true;
}

QString SfId::canonical(QStringView input)
{
    if (!looksLikeId(input))
        return {};
    if (input.size() == 15)
        return to18(input);

    const QStringView base = input.left(15);
    const QString suffix = input.mid(15).toString().toUpper();
    const QString expected = to18(base);
    if (QStringView(expected).mid(15) == suffix)
        return expected;

    // The suffix disagrees with the letters' case. That is only acceptable when the case was
    // lost (all letters the same case): rebuild the case from the suffix and check again.
    bool hasUpper = false;
    bool hasLower = false;
    for (QChar c : base) {
        hasUpper = hasUpper || isAsciiUpper(c);
        hasLower = hasLower || isAsciiLower(c);
    }
    if (hasUpper && hasLower)
        return {};
    QString rebuilt = base.toString();
    for (int chunk = 0; chunk < 3; ++chunk) {
        const int v = suffixValue(suffix[chunk]);
        if (v < 0)
            return {};
        for (int i = 0; i < 5; ++i) {
            QChar &c = rebuilt[chunk * 5 + i];
            const bool upper = (v >> i) & 1;
            if (upper && !isAsciiUpper(c) && !isAsciiLower(c))
                return {};
            c = upper ? c.toUpper() : c.toLower();
        }
    }
    const QString result = to18(rebuilt);
    return QStringView(result).mid(15) == suffix ? result : QString();
}

} // namespace lb::sandbox
