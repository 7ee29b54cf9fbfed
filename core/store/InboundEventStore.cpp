#include "InboundEventStore.h"

namespace lb {

InboundEventStore::InboundEventStore(Database &db, const Clock &clock)
    : m_db(db)
    , m_clock(clock)
{ }

Result<bool> InboundEventStore::insert(const InboundEvent &event)
{
    if (event.eventId.isEmpty() || event.type.isEmpty() || event.source.isEmpty())
        return makeError(QStringLiteral("event_invalid"),
                         QStringLiteral("An inbound event needs an id, a type and a source."));
    std::optional<Transaction> tx;
    if (!m_db.inTransaction()) {
        tx.emplace(m_db);
        if (!tx->started())
            return tx->started().error();
    }
    auto q = m_db.run(QStringLiteral("events.insert"),
                      QStringLiteral("INSERT INTO inbound_events (event_id, source, type, "
                                     "occurred_at, received_at, payload, state) "
                                     "VALUES (?, ?, ?, ?, ?, ?, 'new') "
                                     "ON CONFLICT (event_id) DO NOTHING RETURNING id"),
                      {event.eventId, event.source, event.type, event.occurredAt,
                       event.receivedAt > 0 ? event.receivedAt : m_clock.nowMs(),
                       QString::fromUtf8(event.payload)});
    if (!q)
        return q.error();
    const bool inserted = (*q)->next();
    (*q)->finish();
    if (tx) {
        if (auto c = tx->commit(); !c)
            return c.error();
    }
    return inserted;
}

Result<QList<InboundEvent>> InboundEventStore::pending(int limit)
{
    auto q = m_db.run(QStringLiteral("events.pending"),
                      QStringLiteral("SELECT id, event_id, source, type, occurred_at, received_at, "
                                     "payload, state FROM inbound_events WHERE state = 'new' "
                                     "ORDER BY id LIMIT ?"),
                      {limit});
    if (!q)
        return q.error();
    QList<InboundEvent> events;
    while ((*q)->next()) {
        InboundEvent e;
        e.id = (*q)->value(0).toLongLong();
        e.eventId = (*q)->value(1).toString();
        e.source = (*q)->value(2).toString();
        e.type = (*q)->value(3).toString();
        e.occurredAt = (*q)->value(4).toLongLong();
        e.receivedAt = (*q)->value(5).toLongLong();
        e.payload = (*q)->value(6).toString().toUtf8();
        e.state = (*q)->value(7).toString();
        events.append(std::move(e));
    }
    (*q)->finish();
    return events;
}

Result<void> InboundEventStore::markProcessed(const QList<qint64> &ids)
{
    const qint64 now = m_clock.nowMs();
    for (qsizetype start = 0; start < ids.size(); start += Database::MaxRowsPerStatement) {
        const int count
            = int(std::min<qsizetype>(Database::MaxRowsPerStatement, ids.size() - start));
        QVariantList values {now};
        for (int i = 0; i < count; ++i)
            values << ids.at(start + i);
        auto q = m_db.run(QStringLiteral("events.processed.%1").arg(count),
                          QStringLiteral("UPDATE inbound_events SET state = 'processed', "
                                         "processed_at = ? WHERE id IN (")
                              + Database::listPlaceholders(count) + u')',
                          values);
        if (!q)
            return q.error();
    }
    return {};
}

Result<void> InboundEventStore::markRejected(qint64 id, const QString &error)
{
    auto q
        = m_db.run(QStringLiteral("events.rejected"),
                   QStringLiteral("UPDATE inbound_events SET state = 'rejected', processed_at = ?, "
                                  "error = ? WHERE id = ?"),
                   {m_clock.nowMs(), error, id});
    if (!q)
        return q.error();
    return {};
}

Result<qint64> InboundEventStore::count()
{
    return m_db.scalar(QStringLiteral("events.count"),
                       QStringLiteral("SELECT COUNT(*) FROM inbound_events"));
}

} // namespace lb
