#include "Database.h"

#include "log/Logging.h"

#include <QDir>
#include <QFileInfo>
#include <QSqlError>
#include <QThread>

#include <atomic>

namespace lb {
namespace {

constexpr int BusyTimeoutMs = 15000;
// Below the shortest duty lease (sync.lease_s is at least 5 s): see open().
constexpr int IdleInTransactionTimeoutMs = 4000;

QString nextConnectionName(const QString &purpose)
{
    static std::atomic<quint64> counter {0};
    return QStringLiteral("lb-%1-%2").arg(purpose).arg(++counter);
}

} // namespace

Database::Database(QString name, SqlDialect dialect, StoreConfig config)
    : m_name(std::move(name))
    , m_dialect(dialect)
    , m_config(std::move(config))
{ }

Result<std::unique_ptr<Database>> Database::open(const StoreConfig &config, const QString &purpose)
{
    const bool sqlite = config.backend == StoreConfig::Backend::Sqlite;
    const QString driver = sqlite ? QStringLiteral("QSQLITE") : QStringLiteral("QPSQL");
    if (!QSqlDatabase::isDriverAvailable(driver))
        return makeError(
            QStringLiteral("store_driver"),
            QStringLiteral("The Qt SQL driver %1 is not installed (Debian package %2).")
                .arg(driver,
                     sqlite ? QStringLiteral("libqt6sql6-sqlite")
                            : QStringLiteral("libqt6sql6-psql")));

    const QString name = nextConnectionName(purpose);
    std::unique_ptr<Database> db(
        new Database(name, sqlite ? SqlDialect::Sqlite : SqlDialect::Postgres, config));
    QSqlDatabase conn = QSqlDatabase::addDatabase(driver, name);
    if (sqlite) {
        const QFileInfo file(config.sqlitePath);
        if (!QDir().mkpath(file.absolutePath()))
            return makeError(QStringLiteral("store_open"),
                             QStringLiteral("Cannot create the folder %1 for the store.")
                                 .arg(file.absolutePath()));
        conn.setDatabaseName(config.sqlitePath);
        conn.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(BusyTimeoutMs));
    } else {
        conn.setHostName(config.host);
        conn.setPort(config.port);
        conn.setUserName(config.user);
        conn.setDatabaseName(config.database);
        if (!config.password.isEmpty())
            conn.setPassword(config.password);
        // Server NOTICEs ("relation already exists, skipping" from every worker's migration
        // check) would go to stderr through libpq; warnings and errors still reach us.
        // No transaction of ours waits for anything but its own statements, so a session idle
        // inside one belongs to a process frozen (SIGSTOP, a paused VM) or starved: the server
        // ends it, so its row locks (a lease row taken FOR UPDATE) do not keep the duties from
        // the process that takes them over, and what it had not committed never is.
        conn.setConnectOptions(QStringLiteral("connect_timeout=10;application_name=leadbridge;"
                                              "options='-c client_min_messages=warning -c "
                                              "idle_in_transaction_session_timeout=%1'")
                                   .arg(IdleInTransactionTimeoutMs));
    }
    if (!conn.open()) {
        const Error error = errorFrom(
            conn.lastError(), QStringLiteral("Cannot open the store %1").arg(config.displayUrl()));
        return error;
    }
    if (sqlite) {
        if (auto configured = db->configureSqlite(); !configured)
            return configured.error();
    }
    qCDebug(lcStore) << "opened" << config.displayUrl() << "as" << name << "on thread"
                     << QThread::currentThread();
    return db;
}

Database::~Database()
{
    m_statements.clear();
    {
        QSqlDatabase conn = QSqlDatabase::database(m_name, false);
        if (conn.isOpen()) {
            if (m_inTransaction)
                conn.rollback();
            conn.close();
        }
    }
    QSqlDatabase::removeDatabase(m_name);
}

Result<void> Database::configureSqlite()
{
    // WAL lets the console read while the worker writes; check it took effect, because
    // SQLite silently keeps the old mode on some file systems (qBittorrent enableWALMode).
    QSqlQuery q(QSqlDatabase::database(m_name, false));
    if (!q.exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !q.next())
        return errorFrom(q.lastError(), QStringLiteral("Cannot switch the store to WAL mode"));
    const QString mode = q.value(0).toString().toLower();
    if (mode != QLatin1String("wal"))
        return makeError(QStringLiteral("store_wal"),
                         QStringLiteral("The store %1 could not use write-ahead logging (journal "
                                        "mode stayed \"%2\"); put it on a local file system.")
                             .arg(m_config.sqlitePath, mode));
    q.finish();
    // sql-constant: BusyTimeoutMs is a compile-time number
    for (const QString &pragma :
         {QStringLiteral("PRAGMA synchronous=NORMAL"), QStringLiteral("PRAGMA foreign_keys=ON"),
          QStringLiteral("PRAGMA busy_timeout=%1").arg(BusyTimeoutMs),
          QStringLiteral("PRAGMA temp_store=MEMORY")}) {
        if (auto r = execute(pragma); !r)
            return r;
    }
    if (!q.exec(QStringLiteral("PRAGMA foreign_keys")) || !q.next() || q.value(0).toInt() != 1)
        return makeError(QStringLiteral("store_pragma"),
                         QStringLiteral("SQLite refused to enable foreign keys."));
    q.finish();
    return {};
}

namespace {

// SQLSTATE class 08 (connection exception), 57P01-57P03 (the server shuts down or cannot
// accept connections now), or no SQLSTATE at all (libpq lost the socket).
bool looksLikeLostConnection(const QSqlError &error)
{
    const QString native = error.nativeErrorCode();
    // 25P03: the server ended the session, idle too long in a transaction (a frozen process).
    return error.type() == QSqlError::ConnectionError || native.isEmpty()
        || native.startsWith(QLatin1String("08")) || native.startsWith(QLatin1String("57P0"))
        || native == QLatin1String("25P03");
}

} // namespace

void Database::noteFailure(const QSqlError &error)
{
    if (m_dialect == SqlDialect::Postgres && looksLikeLostConnection(error))
        m_reconnect = true;
}

Result<void> Database::reconnectIfNeeded()
{
    if (!m_reconnect || m_inTransaction)
        return {};
    m_statements.clear(); // prepared on the old connection
    QSqlDatabase conn = QSqlDatabase::database(m_name, false);
    conn.close();
    if (!conn.open())
        return errorFrom(
            conn.lastError(),
            QStringLiteral("The store %1 cannot be reached").arg(m_config.displayUrl()));
    m_reconnect = false;
    qCInfo(lcStore) << "connected again to" << m_config.displayUrl();
    return {};
}

bool Database::injectFailure()
{
    if (m_failCountdown <= 0)
        return false;
    return --m_failCountdown == 0;
}

Error Database::errorFrom(const QSqlError &error, const QString &what)
{
    QString detail = error.databaseText().trimmed();
    if (detail.isEmpty())
        detail = error.driverText().trimmed();
    QString code = QStringLiteral("store_error");
    const QString native = error.nativeErrorCode();
    // SQLITE_BUSY / SQLITE_LOCKED, PostgreSQL serialization_failure / deadlock_detected.
    if (native == QLatin1String("5") || native == QLatin1String("6")
        || native == QLatin1String("40001") || native == QLatin1String("40P01"))
        code = QStringLiteral("store_busy");
    // SQLITE_FULL and PostgreSQL disk_full: the operator has to free space, so say so in words.
    if (!native.isEmpty()
        && (native.startsWith(QLatin1String("08")) || native.startsWith(QLatin1String("57P0")))) {
        return makeError(QStringLiteral("store_unavailable"),
                         what + QStringLiteral(": the database server is unavailable (") + detail
                             + QStringLiteral("); LeadBridge connects again by itself."));
    }
    if (native == QLatin1String("13") || native == QLatin1String("53100")) {
        return makeError(QStringLiteral("store_full"),
                         what + QStringLiteral(": the disk holding the store is full (") + detail
                             + QStringLiteral("); free space there, nothing was written."));
    }
    return makeError(code, what + QStringLiteral(": ") + detail);
}

QString Database::listPlaceholders(int count)
{
    QString out;
    out.reserve(count * 3);
    for (int i = 0; i < count; ++i)
        out.append(i == 0 ? QLatin1String("?") : QLatin1String(", ?"));
    return out;
}

QString Database::rowPlaceholders(int rows, int columns)
{
    const QString row = u'(' + listPlaceholders(columns) + u')';
    QString out;
    out.reserve(rows * (row.size() + 2));
    for (int i = 0; i < rows; ++i) {
        if (i > 0)
            out.append(QLatin1String(", "));
        out.append(row);
    }
    return out;
}

Result<QSqlQuery *> Database::run(const QString &key, const QString &sql,
                                  std::initializer_list<QVariant> values)
{
    return run(key, sql, QVariantList(values));
}

Result<qint64> Database::scalar(const QString &key, const QString &sql,
                                std::initializer_list<QVariant> values)
{
    auto q = run(key, sql, values);
    if (!q)
        return q.error();
    const qint64 n = (*q)->next() ? (*q)->value(0).toLongLong() : 0;
    (*q)->finish();
    return n;
}

Result<QSqlQuery *> Database::run(const QString &key, const QString &sql,
                                  const QVariantList &values)
{
    if (auto reconnected = reconnectIfNeeded(); !reconnected)
        return reconnected.error();
    auto it = m_statements.find(key);
    if (it == m_statements.end()) {
        auto q = std::make_unique<QSqlQuery>(QSqlDatabase::database(m_name, false));
        q->setForwardOnly(true);
        // sql-constant: the one place statements reach Qt; every caller's SQL is checked where it
        // is written
        if (!q->prepare(sql)) {
            noteFailure(q->lastError());
            return errorFrom(q->lastError(),
                             QStringLiteral("Cannot prepare statement %1").arg(key));
        }
        it = m_statements.emplace(key, std::move(q)).first;
    }
    QSqlQuery &q = *it->second;
    q.finish();
    for (int i = 0; i < values.size(); ++i)
        q.bindValue(i, values.at(i));
    if (injectFailure())
        return makeError(m_failCode,
                         QStringLiteral("Statement %1 failed: injected failure").arg(key));
    if (!q.exec()) {
        noteFailure(q.lastError());
        return errorFrom(q.lastError(), QStringLiteral("Statement %1 failed").arg(key));
    }
    return &q;
}

Result<void> Database::execute(const QString &sql)
{
    if (auto reconnected = reconnectIfNeeded(); !reconnected)
        return reconnected;
    QSqlQuery q(QSqlDatabase::database(m_name, false));
    if (injectFailure())
        return makeError(m_failCode, QStringLiteral("injected failure"));
    // sql-constant: the one place unprepared statements reach Qt; every caller's SQL is checked
    // where it is written
    if (!q.exec(sql)) {
        noteFailure(q.lastError());
        return errorFrom(q.lastError(), QStringLiteral("Statement failed"));
    }
    return {};
}

Result<void> Database::begin()
{
    Q_ASSERT_X(!m_inTransaction, "Database::begin", "nested transactions are not supported");
    Result<void> r = isSqlite() ? execute(QStringLiteral("BEGIN IMMEDIATE"))
                                : execute(QStringLiteral("BEGIN"));
    if (r)
        m_inTransaction = true;
    return r;
}

Result<void> Database::commit()
{
    for (auto &entry : m_statements)
        entry.second->finish();
    Result<void> r = execute(QStringLiteral("COMMIT"));
    if (!r) {
        rollback();
        return r;
    }
    m_inTransaction = false;
    return r;
}

void Database::rollback()
{
    if (!m_inTransaction)
        return;
    for (auto &entry : m_statements)
        entry.second->finish();
    QSqlQuery q(QSqlDatabase::database(m_name, false));
    if (!q.exec(QStringLiteral("ROLLBACK")))
        qCWarning(lcStore) << "rollback failed:" << q.lastError().text();
    m_inTransaction = false;
}

Transaction::Transaction(Database &db)
    : m_db(db)
    , m_joined(db.inTransaction())
    , m_started(m_joined ? Result<void>() : db.begin())
{ }

Transaction::~Transaction()
{
    if (m_started && !m_done && !m_joined)
        m_db.rollback();
}

Result<void> Transaction::commit()
{
    if (!m_started)
        return m_started;
    m_done = true;
    return m_joined ? Result<void>() : m_db.commit();
}

} // namespace lb
