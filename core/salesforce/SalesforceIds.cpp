#include "SalesforceIds.h"

namespace lb::salesforce {
namespace {

bool isBase62(QChar c)
{
    return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z');
}

} // namespace

QString SalesforceIds::to18(const QString &id15)
{
    static const char Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    QString out = id15;
    for (int chunk = 0; chunk < 3; ++chunk) {
        int v = 0;
        for (int i = 0; i < 5; ++i) {
            const QChar c = id15.at(chunk * 5 + i);
            if (c >= u'A' && c <= u'Z')
                v |= 1 << i;
        }
        out += QLatin1Char(Alphabet[v]);
    }
    return out;
}

QString SalesforceIds::normalize(const QString &id)
{
    if (id.size() != 15 && id.size() != 18)
        return {};
    for (QChar c : id) {
        if (!isBase62(c))
            return {};
    }
    if (id.size() == 15)
        return to18(id);
    // The suffix is case-insensitive; the first 15 characters decide.
    const QString expected = to18(id.left(15));
    return expected.left(15) == id.left(15) && expected.right(3) == id.right(3).toUpper()
        ? expected
        : QString();
}

bool SalesforceIds::isValid(const QString &id)
{
    return !normalize(id).isEmpty();
}

bool SalesforceIds::same(const QString &a, const QString &b)
{
    const QString na = normalize(a);
    return !na.isEmpty() && na == normalize(b);
}

} // namespace lb::salesforce
