#pragma once

#include <QString>

namespace lb {

struct AuditEntry
{
    qint64 id = 0;
    qint64 at = 0;
    QString actor; // "worker:<id>", "console", "cli", "webhook", ...
    QString entity; // "outbox", "inbox", "lead", "agent", "credentials", ...
    QString entityId;
    QString action; // "enqueued", "claimed", "completed", "retry_scheduled", ...
    QString detail; // JSON text
};

} // namespace lb
