#pragma once

#include "StoreConfig.h"
#include "util/Result.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariant>

#include <initializer_list>
#include <memory>
#include <type_traits>
#include <unordered_map>

namespace lb {

enum class SqlDialect { Sqlite, Postgres };

// One named QSqlDatabase connection, owned by the thread that opened it. Holds the prepared
// statements of that connection, keyed by name and reused (Nextcloud's
// PreparedSqlQueryManager), and knows the dialect so callers can pick the right statement.
class Database
{
public:
    static Result<std::unique_ptr<Database>> open(const StoreConfig &config,
                                                  const QString &purpose);
    ~Database();

    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    SqlDialect dialect() const { return m_dialect; }
    bool isSqlite() const { return m_dialect == SqlDialect::Sqlite; }
    const QString &connectionName() const { return m_name; }
    const StoreConfig &config() const { return m_config; }

    // Prepares `sql` once under `key`, binds `values` by position and executes it. The
    // returned query stays valid until the next run() with the same key.
    Result<QSqlQuery *> run(const QString &key, const QString &sql,
                            std::initializer_list<QVariant> values = {});
    Result<QSqlQuery *> run(const QString &key, const QString &sql, const QVariantList &values);
    // run() for a count or a single number: the first column of the first row, 0 without rows.
    Result<qint64> scalar(const QString &key, const QString &sql,
                          std::initializer_list<QVariant> values = {});

    // Statements without values: DDL, PRAGMA, transaction control.
    Result<void> execute(const QString &sql);

    // SQLite transactions start IMMEDIATE so that two writers never deadlock upgrading a
    // read lock; the busy timeout then queues them.
    Result<void> begin();
    Result<void> commit();
    void rollback();
    bool inTransaction() const { return m_inTransaction; }

    // Test hook: the n-th statement from now fails as if the database had refused it, with the
    // error code given ("store_busy" stands for a deadlock or serialization failure).
    void failAfterStatements(int n, const QString &code = QStringLiteral("store_error"))
    {
        m_failCountdown = n;
        m_failCode = code;
    }
    // Whether the failure asked for has not struck yet.
    bool failurePending() const { return m_failCountdown > 0; }

    // Placeholder lists for multi-row statements: "(?, ?), (?, ?)" and "?, ?, ?". Only the
    // shape is generated; every value is still bound.
    static QString rowPlaceholders(int rows, int columns);
    static QString listPlaceholders(int count);
    static constexpr int MaxRowsPerStatement = 100;

    // Binds as '' rather than NULL, for optional filters written as (? = '' OR col = ?).
    static QVariant filterText(const QString &s)
    {
        return s.isNull() ? QVariant(QStringLiteral("")) : QVariant(s);
    }

    static Error errorFrom(const QSqlError &error, const QString &what);

    // Every row of an executed query through `read`, then the result set released so the
    // prepared statement can run again: the shape of every listing.
    template<typename Read> static auto rows(QSqlQuery &q, Read read)
    {
        QList<std::invoke_result_t<Read, const QSqlQuery &>> out;
        while (q.next())
            out.append(read(std::as_const(q)));
        q.finish();
        return out;
    }
    // The first column of every row as an id (RETURNING id, SELECT id).
    static QList<qint64> ids(QSqlQuery &q)
    {
        return rows(q, [](const QSqlQuery &row) { return row.value(0).toLongLong(); });
    }
    // Whether the next statement outside a transaction opens the connection again first.
    bool reconnectPending() const { return m_reconnect; }

private:
    Database(QString name, SqlDialect dialect, StoreConfig config);
    Result<void> configureSqlite();
    bool injectFailure();
    // PostgreSQL: QPSQL never reconnects a connection the server dropped (a restart, a
    // failover, an idle kill), so every later statement would fail for good. A failure that
    // looks like a lost connection marks it; the next statement outside a transaction opens
    // it again (the unit that was running has failed and rolled back with the server).
    void noteFailure(const QSqlError &error);
    Result<void> reconnectIfNeeded();

    QString m_name;
    SqlDialect m_dialect;
    StoreConfig m_config;
    std::unordered_map<QString, std::unique_ptr<QSqlQuery>> m_statements;
    bool m_inTransaction = false;
    int m_failCountdown = 0;
    QString m_failCode;
    bool m_reconnect = false;
};

// Commits on commit(), rolls back on scope exit otherwise. Opened while a transaction is
// already running, it joins it: commit() and rollback are then the outer one's business, so
// store operations compose (e.g. the inbound processor enqueues jobs inside its own
// transaction).
class Transaction
{
public:
    explicit Transaction(Database &db);
    ~Transaction();

    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    const Result<void> &started() const { return m_started; }
    Result<void> commit();

private:
    Database &m_db;
    bool m_joined;
    Result<void> m_started;
    bool m_done = false;
};

} // namespace lb
