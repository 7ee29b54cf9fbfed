#include "LeaseListing.h"

namespace lb {

Result<QHash<QString, QString>> currentLeases(Database &db, qint64 nowMs)
{
    auto q
        = db.run(QStringLiteral("lease.current"),
                 QStringLiteral("SELECT name, holder FROM leases WHERE expires_at > ?"), {nowMs});
    if (!q)
        return q.error();
    QHash<QString, QString> leases;
    while ((*q)->next())
        leases.insert((*q)->value(0).toString(), (*q)->value(1).toString());
    (*q)->finish();
    return leases;
}

} // namespace lb
