#include "SalesforceId.h"

namespace lb::salesforce {

namespace {

constexpr char kSuffixAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

int suffixValue(QChar c)
{
    const char ch = char(c.toUpper().unicode());
    for (int i = 0; i < 32; ++i) {
        if (kSuffixAlphabet[i] == ch)
            return i;
    }
    return -1;
}

bool isUpper(QChar c)
{
    return c >= u'A' && c <= u'Z';
}

} // namespace

bool SalesforceId::isBase62(QStringView text)
{
    for (QChar c : text) {
        const bool ok = (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'z') || isUpper(c);
        if (!ok)
            return false;
    }
    return true;
}

QString SalesforceId::suffix(QStringView id15)
{
    QString out;
    if (id15.size() < 15)
        return out;
    for (int chunk = 0; chunk < 3; ++chunk) {
        int v = 0;
        for (int i = 0; i < 5; ++i) {
            if (isUpper(id15[chunk * 5 + i]))
                v |= 1 << i;
        }
        out += QLatin1Char(kSuffixAlphabet[v]);
    }
    return out;
}

QString SalesforceId::to15(QStringView id)
{
    if (!isBase62(id))
        return {};
    if (id.size() == 15)
        return id.toString();
    if (id.size() != 18)
        return {};
    // Rebuild the case from the suffix: bit i of chunk c says whether char c*5+i is upper.
    QString out = id.left(15).toString().toLower();
    for (int chunk = 0; chunk < 3; ++chunk) {
        const int v = suffixValue(id[15 + chunk]);
        if (v < 0)
            return {};
        for (int i = 0; i < 5; ++i) {
            if (v & (1 << i)) {
                QChar &c = out[chunk * 5 + i];
                if (!c.isLetter())
                    return {}; // a digit cannot be upper-case: the suffix is wrong
                c = c.toUpper();
            }
        }
    }
    return out;
}

QString SalesforceId::normalize(QStringView id)
{
    if (!looksLikeId(id))
        return {};
    if (id.size() == 15)
        return to18(id);
    const QString expected = to18(id.left(15));
    if (QStringView(expected).mid(15).compare(id.mid(15), Qt::CaseInsensitive) == 0)
        return expected;
    // The suffix disagrees with the letters' case: only acceptable when the case was lost.
    bool hasUpper = false;
    bool hasLower = false;
    for (QChar c : id.left(15)) {
        hasUpper = hasUpper || isUpper(c);
        hasLower = hasLower || (c >= u'a' && c <= u'z');
    }
    if (hasUpper && hasLower)
        return {};
    const QString repaired = to15(id);
    return repaired.isEmpty() ? QString() : to18(repaired);
}

bool SalesforceId::isValid(QStringView id)
{
    if (id.size() == 15)
        return isBase62(id);
    return id.size() == 18 && isBase62(id) && suffix(id.left(15)) == id.mid(15);
}

bool SalesforceId::equals(QStringView a, QStringView b)
{
    const QString na = normalize(a);
    return !na.isEmpty() && na == normalize(b);
}

} // namespace lb::salesforce
