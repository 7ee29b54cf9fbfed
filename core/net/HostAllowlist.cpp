#include "HostAllowlist.h"

#include "AllowedHostEntry.h"

#include <QHostAddress>

namespace lb {

HostAllowlist::HostAllowlist(const QStringList &entries)
{
    for (const QString &e : entries)
        add(e);
}

Result<HostAllowlist> HostAllowlist::fromEntries(const QStringList &entries)
{
    HostAllowlist list;
    for (const QString &raw : entries) {
        const QString e = raw.trimmed().toLower();
        if (!isAllowedHostPattern(e))
            return makeError(
                QStringLiteral("allowlist"),
                QStringLiteral("\"%1\" is not a host name or *.domain pattern.").arg(raw));
        list.add(e);
    }
    return list;
}

void HostAllowlist::add(const QString &entry)
{
    const QString e = entry.trimmed().toLower();
    if (!e.isEmpty() && !m_entries.contains(e))
        m_entries.append(e);
}

bool HostAllowlist::isLoopbackHost(const QString &host)
{
    const QString h = host.toLower();
    if (h == QLatin1String("localhost") || h.endsWith(QLatin1String(".localhost")))
        return true;
    const QHostAddress address(h);
    return !address.isNull() && address.isLoopback();
}

Result<void> HostAllowlist::check(const QUrl &url) const
{
    const QString scheme = url.scheme().toLower();
    const QString host = url.host().toLower();
    if (!url.isValid() || host.isEmpty())
        return makeError(QStringLiteral("bad_url"),
                         QStringLiteral("\"%1\" is not a valid URL.").arg(url.toDisplayString()));
    if (scheme != QLatin1String("https")) {
        if (scheme != QLatin1String("http") || !isLoopbackHost(host))
            return makeError(
                QStringLiteral("insecure_url"),
                QStringLiteral("%1 must use https:// (plain http:// is allowed only "
                               "for loopback hosts).")
                    .arg(url.toDisplayString(QUrl::RemoveQuery | QUrl::RemoveUserInfo)));
    }
    for (const QString &entry : m_entries) {
        if (entry.startsWith(QLatin1String("*."))) {
            const QString suffix = entry.mid(1); // ".example.com"
            if (host.endsWith(suffix) && host.size() > suffix.size())
                return {};
        } else if (host == entry) {
            return {};
        }
    }
    return makeError(QStringLiteral("host_not_allowed"),
                     QStringLiteral("The host %1 is not in the allowed hosts of this profile; add "
                                    "it under Credentials > Allowed hosts in the console (or to "
                                    "\"allowed_hosts\" in the profile file) to let LeadBridge "
                                    "connect to it.")
                         .arg(host));
}

} // namespace lb
