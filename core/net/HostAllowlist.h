#pragma once

#include "util/Result.h"

#include <QStringList>
#include <QUrl>

namespace lb {

// Outbound host allowlist, like Salesforce's Remote Site Settings: a request to any host not
// listed fails before a connection is opened. Entries are exact host names or "*.suffix"
// patterns. Plain http:// is allowed only for loopback hosts.
class HostAllowlist
{
public:
    HostAllowlist() = default;
    explicit HostAllowlist(const QStringList &entries);

    static Result<HostAllowlist> fromEntries(const QStringList &entries);

    void add(const QString &entry);
    const QStringList &entries() const { return m_entries; }

    // Why `url` may not be requested, or success.
    Result<void> check(const QUrl &url) const;
    bool allows(const QUrl &url) const { return check(url).ok(); }

    static bool isLoopbackHost(const QString &host);

private:
    QStringList m_entries; // lower-case
};

} // namespace lb
