#pragma once

// What a crash run prints about the leads that did not converge, so that one failing seed is
// enough to tell where a change was lost: the lead's mirror row, its outbox jobs and who
// claimed and completed them, the inbound events naming it, its audit trail, who held the
// change stream, and every write the sandboxes logged for it (users' and LeadBridge's).
#include "SandboxProcessRun.h"
#include "store/Store.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSqlQuery>

namespace lb::test {

class CrashDiagnostics
{
public:
    CrashDiagnostics(Store &store, SandboxProcessRun &run)
        : m_store(store)
        , m_run(run)
    { }

    // The leads named in `divergence` (at most `max`), explained one after the other.
    QString explain(const QString &divergence, int max = 3)
    {
        QStringList ids;
        static const QRegularExpression lead(QStringLiteral("\\bL-[0-9A-Za-z]+\\b"));
        for (auto it = lead.globalMatch(divergence); it.hasNext() && ids.size() < max;) {
            const QString id = it.next().captured(0);
            if (!ids.contains(id))
                ids << id;
        }
        QStringList out;
        if (!ids.isEmpty())
            out << leases(QStringLiteral("salesforce.stream"))
                << leases(QStringLiteral("salesforce.poll"))
                << leases(QStringLiteral("platform.poll"));
        const QJsonArray salesforceWrites
            = m_run.stats().value(QStringLiteral("writeLog")).toArray();
        const QJsonArray platformWrites = m_run.platformWrites(0);
        for (const QString &id : ids)
            out << explainLead(id, salesforceWrites, platformWrites);
        return out.join(u'\n');
    }

private:
    static QString at(qint64 ms)
    {
        return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(QStringLiteral("hh:mm:ss.zzz"));
    }

    static QString json(const QJsonObject &o)
    {
        return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
    }

    QString leases(const QString &duty)
    {
        QStringList lines {QStringLiteral("lease %1 changes of hands:").arg(duty)};
        auto audit = m_store.audit().forEntity(QStringLiteral("lease"), duty, 1000);
        if (!audit)
            return audit.error().message;
        for (const AuditEntry &e : *audit)
            if (e.action != QLatin1String("renewed"))
                lines << QStringLiteral("  %1 %2 %3 %4").arg(at(e.at), e.action, e.actor, e.detail);
        return lines.join(u'\n');
    }

    QString explainLead(const QString &id, const QJsonArray &salesforceWrites,
                        const QJsonArray &platformWrites)
    {
        QStringList lines {QStringLiteral("=== %1 ===").arg(id)};
        auto mirror = m_store.leads().byPlatformId(id);
        QString salesforceId;
        if (!mirror) {
            lines << QStringLiteral("mirror: ") + mirror.error().message;
        } else if (!mirror->has_value()) {
            lines << QStringLiteral("mirror: no row");
        } else {
            const MirrorRecord &r = **mirror;
            salesforceId = r.salesforceId;
            lines << QStringLiteral("mirror: sf=%1 state=%2 lastSource=%3 sfModstamp=%4 "
                                    "platformUpdatedAt=%5 v%6 deletedAt=%7 %8 lastError=%9")
                         .arg(r.salesforceId, r.syncState, r.lastSource, at(r.salesforceModstamp),
                              at(r.platformUpdatedAt))
                         .arg(r.platformVersion)
                         .arg(r.deletedAt)
                         .arg(r.deletedOn, r.lastError)
                  << QStringLiteral("  salesforceState %1 hash %2")
                         .arg(json(r.salesforceState), QString::fromLatin1(r.salesforceHash))
                  << QStringLiteral("  platformState %1 hash %2")
                         .arg(json(r.platformState), QString::fromLatin1(r.platformHash));
        }
        Database &db = m_store.database();
        auto jobs = db.run(QStringLiteral("diag.jobs"),
                           QStringLiteral("SELECT id, kind, state, attempts, claimed_by, "
                                          "idempotency_key, last_error_code, created_at, "
                                          "completed_at FROM outbox WHERE record_key = ? "
                                          "ORDER BY id"),
                           QVariantList {QString(QStringLiteral("lead:") + id)});
        QList<qint64> jobIds;
        if (jobs) {
            while ((*jobs)->next()) {
                const QSqlQuery &q = **jobs;
                jobIds << q.value(0).toLongLong();
                lines << QStringLiteral("job %1 %2 %3 attempts=%4 by=%5 key=%6 err=%7 "
                                        "created=%8 completed=%9")
                             .arg(q.value(0).toString(), q.value(1).toString(),
                                  q.value(2).toString(), q.value(3).toString(),
                                  q.value(4).toString(), q.value(5).toString(),
                                  q.value(6).toString(), at(q.value(7).toLongLong()),
                                  at(q.value(8).toLongLong()));
            }
        }
        for (qint64 job : jobIds) {
            auto audit = m_store.audit().forEntity(QStringLiteral("outbox"), QString::number(job));
            if (audit)
                for (const AuditEntry &e : *audit)
                    lines << QStringLiteral("  job %1: %2 %3 %4 %5")
                                 .arg(job)
                                 .arg(at(e.at), e.action, e.actor, e.detail.left(200));
        }
        auto events
            = db.run(QStringLiteral("diag.events"),
                     QStringLiteral("SELECT event_id, source, type, state, received_at "
                                    "FROM inbound_events WHERE payload LIKE ? ORDER BY id"),
                     QVariantList {QString(QStringLiteral("%\"") + id + QStringLiteral("\"%"))});
        if (events)
            while ((*events)->next())
                lines << QStringLiteral("event %1 %2 %3 %4 received %5")
                             .arg((*events)->value(0).toString(), (*events)->value(1).toString(),
                                  (*events)->value(2).toString(), (*events)->value(3).toString(),
                                  at((*events)->value(4).toLongLong()));
        if (auto audit = m_store.audit().forEntity(QStringLiteral("lead"), id))
            for (const AuditEntry &e : *audit)
                lines << QStringLiteral("audit %1 %2 %3 %4")
                             .arg(at(e.at), e.action, e.actor, e.detail.left(200));
        for (const QJsonValue &v : salesforceWrites) {
            const QJsonObject w = v.toObject();
            if (w.value(QStringLiteral("externalId")).toString() == id
                || (!salesforceId.isEmpty()
                    && w.value(QStringLiteral("id")).toString() == salesforceId))
                lines << QStringLiteral("salesforce write ") + json(w);
        }
        for (const QJsonValue &v : platformWrites) {
            const QJsonObject w = v.toObject();
            if (w.value(QStringLiteral("id")).toString() == id)
                lines << QStringLiteral("platform write ") + json(w);
        }
        return lines.join(u'\n');
    }

    Store &m_store;
    SandboxProcessRun &m_run;
};

} // namespace lb::test
