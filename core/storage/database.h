#pragma once

#include "common/result.h"
#include "money/decimal.h"

#include <QString>

#include <memory>
#include <optional>
#include <stdexcept>

struct sqlite3;
struct sqlite3_stmt;

namespace ballast::storage {

/// Thrown inside storage code only; repositories catch it at their boundary and
/// return it as an Error value (see guarded()).
class SqlError : public std::runtime_error
{
public:
    SqlError(QString code, const QString &message);
    [[nodiscard]] Error toError() const { return Error{m_code, QString::fromStdString(what())}; }

private:
    QString m_code;
};

class Database;

/// A prepared statement. Bind with 1-based indexes, step, read 0-based columns.
class Statement
{
public:
    Statement(Database &db, const char *sql);
    ~Statement();
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;
    Statement(Statement &&other) noexcept;
    Statement &operator=(Statement &&) = delete;

    Statement &bind(int index, const QString &value);
    Statement &bind(int index, QStringView value);
    Statement &bind(int index, const char *utf8);
    Statement &bind(int index, qint64 value);
    Statement &bind(int index, int value) { return bind(index, static_cast<qint64>(value)); }
    Statement &bind(int index, double value);
    Statement &bind(int index, const money::Decimal &value); ///< as exact TEXT
    Statement &bindNull(int index);

    /// Advances; true while a row is available.
    bool step();
    /// Runs a statement that returns no rows.
    void run();
    /// Clears bindings and rewinds so the statement can run again.
    void reset();

    [[nodiscard]] int columnCount() const;
    [[nodiscard]] bool isNull(int column) const;
    [[nodiscard]] QString text(int column) const;
    [[nodiscard]] qint64 int64(int column) const;
    [[nodiscard]] double real(int column) const;
    /// Reads an exact TEXT column; a value that does not parse is an SqlError
    /// naming the column (a damaged or hand-edited database).
    [[nodiscard]] money::Decimal decimal(int column) const;

private:
    Database *m_db;
    sqlite3_stmt *m_stmt = nullptr;
};

/// RAII transaction: BEGIN IMMEDIATE on construction (a SAVEPOINT when one is
/// already open, so repositories compose into a caller's transaction), rolled
/// back unless commit() was called. Every multi-row change runs inside one.
class Transaction
{
public:
    explicit Transaction(Database &db);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;
    void commit();

private:
    Database &m_db;
    bool m_nested = false;
    bool m_done = false;
};

/// RAII read transaction: the reads made while it lives see one state of the
/// database, whatever other connections commit meanwhile (BEGIN DEFERRED,
/// ended at destruction; nothing when a transaction is already open, which
/// gives that already). For checks that read several tables.
class ReadSnapshot
{
public:
    explicit ReadSnapshot(Database &db);
    ~ReadSnapshot();
    ReadSnapshot(const ReadSnapshot &) = delete;
    ReadSnapshot &operator=(const ReadSnapshot &) = delete;

private:
    Database &m_db;
    bool m_open = false;
};

/// One SQLite connection (one per thread), with the schema migrated to the
/// version this build knows. WAL journal, foreign keys on, full sync. The
/// file, its -wal and its -shm are readable and writable by their owner only
/// (0600): created so, and tightened at open when someone loosened them.
class Database
{
public:
    enum class Mode { ReadWriteCreate, ReadWriteExisting };

    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    /// Opens (creating if allowed) and migrates to the latest schema. A file
    /// that is not a Ballast database, or one from a newer Ballast, is refused
    /// with a message naming the file, and left untouched.
    static Result<std::unique_ptr<Database>> open(const QString &path, Mode mode = Mode::ReadWriteCreate);
    /// Opens without migrating, for migration tests: brings the schema to
    /// exactly @p version (which must not be lower than the file's).
    static Result<std::unique_ptr<Database>> openAtVersion(const QString &path, int version);

    /// The platform default location (QStandardPaths::AppDataLocation/ballast.sqlite).
    static QString defaultPath();

    [[nodiscard]] static int latestVersion();
    [[nodiscard]] int schemaVersion();
    [[nodiscard]] const QString &path() const { return m_path; }
    /// A random identity (32 hex digits) made when the file is created, or at
    /// the first open of a file from before identities; kept in `meta` as
    /// `database_id`. The key vault binds its records to it, so a vault copied
    /// from another database is refused. Empty only for a file at schema 0.
    [[nodiscard]] const QString &databaseId() const { return m_databaseId; }
    [[nodiscard]] sqlite3 *handle() const { return m_handle; }

    /// Runs one or more statements that return nothing; throws SqlError.
    void exec(const char *sql);
    /// Runs a single-value query (e.g. PRAGMA integrity_check) and returns it as text.
    QString scalar(const char *sql);
    [[nodiscard]] qint64 lastInsertId() const;
    /// Rows changed by the last statement.
    [[nodiscard]] int changes() const;
    [[nodiscard]] bool inTransaction() const;

    [[noreturn]] void fail(const char *what) const;

private:
    explicit Database(QString path);
    Status migrateTo(int version);
    void ensureDatabaseId();
    [[nodiscard]] bool diskFull() const;

    QString m_path;
    QString m_databaseId;
    sqlite3 *m_handle = nullptr;
};

/// Runs @p body and turns an SqlError (or a DecimalError from a damaged row)
/// into an Error value. Repositories wrap every public method in it.
template<typename F>
auto guarded(F &&body) -> decltype(body())
{
    try {
        return body();
    } catch (const SqlError &e) {
        return e.toError();
    } catch (const money::DecimalError &e) {
        return Error{e.code(), QString::fromStdString(e.what())};
    }
}

} // namespace ballast::storage
