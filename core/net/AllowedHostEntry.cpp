#include "AllowedHostEntry.h"

#include "HostAllowlist.h"

#include <QUrl>

namespace lb {
namespace {

// Letters, digits and hyphens in dot-separated labels (IPv4 addresses pass too).
bool isHostName(const QString &host)
{
    if (host.isEmpty() || host.size() > 253)
        return false;
    for (const QString &label : host.split(u'.')) {
        if (label.isEmpty() || label.size() > 63 || label.startsWith(u'-') || label.endsWith(u'-'))
            return false;
        for (const QChar c : label) {
            if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != u'-')
                return false;
        }
    }
    return true;
}

} // namespace

bool isAllowedHostPattern(const QString &entry)
{
    const QString host = entry.startsWith(QLatin1String("*.")) ? entry.mid(2) : entry;
    return !host.isEmpty() && !host.contains(u'*') && !host.contains(u'/') && !host.contains(u':')
        && !host.startsWith(u'.') && !host.contains(u' ');
}

Result<QString> allowedHostEntryFromTyped(const QString &typed)
{
    const QString text = typed.trimmed();
    auto refuse = [&](const QString &why) {
        return makeError(QStringLiteral("allowlist"), QStringLiteral("\"%1\": %2").arg(text, why));
    };
    if (text.isEmpty())
        return refuse(QStringLiteral("empty"));
    if (text.contains(QLatin1String("://"))) {
        const QUrl url(text, QUrl::StrictMode);
        const QString scheme = url.scheme().toLower();
        const QString host = url.host().toLower();
        if (!url.isValid() || host.isEmpty())
            return refuse(QStringLiteral("not a valid address"));
        if (scheme == QLatin1String("http") && !HostAllowlist::isLoopbackHost(host))
            return refuse(QStringLiteral("plain http:// is allowed only for loopback hosts "
                                         "(127.0.0.1, localhost); use https://"));
        if (scheme != QLatin1String("https") && scheme != QLatin1String("http"))
            return refuse(QStringLiteral("only https:// addresses can be allowed"));
        if (!isHostName(host))
            return refuse(QStringLiteral("%1 is not a host name").arg(host));
        return host;
    }
    const QString entry = text.toLower();
    const QString host = entry.startsWith(QLatin1String("*.")) ? entry.mid(2) : entry;
    if (!isAllowedHostPattern(entry) || !isHostName(host))
        return refuse(QStringLiteral("not a host name (api.example.com), a *.domain pattern "
                                     "or an https:// address"));
    if (entry.startsWith(QLatin1String("*.")) && !host.contains(u'.'))
        return refuse(QStringLiteral("a pattern must name a domain, e.g. *.my.salesforce.com"));
    return entry;
}

} // namespace lb
