#include "storage/database.h"

#include "common/diskfull.h"
#include "storage/schema.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>

#include <array>
#include <cerrno>
#include <sqlite3.h>

namespace ballast::storage {

namespace {

// "BALS": marks a file as a Ballast ledger so that we never migrate someone
// else's SQLite database by accident.
constexpr int kApplicationId = 0x42414C53;
constexpr int kPageSize = 65536; ///< bytes, for new files (see openAtVersion)

QString sqliteMessage(sqlite3 *handle)
{
    return handle ? QString::fromUtf8(sqlite3_errmsg(handle)) : QStringLiteral("out of memory");
}

QString codeFor(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
        return QStringLiteral("storage.constraint");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return QStringLiteral("storage.busy");
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
        return QStringLiteral("storage.corrupt");
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
        return QStringLiteral("storage.cannot_open");
    case SQLITE_FULL:
        return QStringLiteral("storage.full");
    default:
        return QStringLiteral("storage.error");
    }
}

constexpr QFileDevice::Permissions kOwnerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
constexpr QFileDevice::Permissions kOthers = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup
    | QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;

/// Creates an empty file with mode 0600 (an empty file is an empty SQLite
/// database), so that SQLite, which gives the -wal and -shm files the mode of
/// the database file, never makes any of them readable by others.
bool createPrivate(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::NewOnly, kOwnerOnly);
}

/// Takes group and other permissions away from @p path if it exists.
void makePrivate(const QString &path)
{
    const QFileDevice::Permissions now = QFile::permissions(path);
    if (QFileInfo::exists(path) && (now & kOthers) != 0)
        QFile::setPermissions(path, now & ~kOthers);
}

} // namespace

SqlError::SqlError(QString code, const QString &message)
    : std::runtime_error(message.toStdString())
    , m_code(std::move(code))
{
}

// ---- Statement ------------------------------------------------------------

Statement::Statement(Database &db, const char *sql)
    : m_db(&db)
{
    if (sqlite3_prepare_v2(db.handle(), sql, -1, &m_stmt, nullptr) != SQLITE_OK)
        db.fail("prepare");
}

Statement::~Statement()
{
    sqlite3_finalize(m_stmt);
}

Statement::Statement(Statement &&other) noexcept
    : m_db(other.m_db)
    , m_stmt(std::exchange(other.m_stmt, nullptr))
{
}

Statement &Statement::bind(int index, const QString &value)
{
    return bind(index, QStringView(value));
}

Statement &Statement::bind(int index, QStringView value)
{
    const QByteArray utf8 = value.toUtf8();
    if (sqlite3_bind_text(m_stmt, index, utf8.constData(), static_cast<int>(utf8.size()), SQLITE_TRANSIENT)
        != SQLITE_OK)
        m_db->fail("bind");
    return *this;
}

Statement &Statement::bind(int index, const char *utf8)
{
    if (sqlite3_bind_text(m_stmt, index, utf8, -1, SQLITE_TRANSIENT) != SQLITE_OK)
        m_db->fail("bind");
    return *this;
}

Statement &Statement::bind(int index, qint64 value)
{
    if (sqlite3_bind_int64(m_stmt, index, value) != SQLITE_OK)
        m_db->fail("bind");
    return *this;
}

Statement &Statement::bind(int index, double value)
{
    if (sqlite3_bind_double(m_stmt, index, value) != SQLITE_OK)
        m_db->fail("bind");
    return *this;
}

Statement &Statement::bind(int index, const money::Decimal &value)
{
    return bind(index, value.toString());
}

Statement &Statement::bindNull(int index)
{
    if (sqlite3_bind_null(m_stmt, index) != SQLITE_OK)
        m_db->fail("bind");
    return *this;
}

bool Statement::step()
{
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    m_db->fail("step");
}

void Statement::run()
{
    while (step()) {}
}

void Statement::reset()
{
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

int Statement::columnCount() const
{
    return sqlite3_column_count(m_stmt);
}

bool Statement::isNull(int column) const
{
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

QString Statement::text(int column) const
{
    const auto *data = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    const int size = sqlite3_column_bytes(m_stmt, column);
    return data ? QString::fromUtf8(data, size) : QString();
}

qint64 Statement::int64(int column) const
{
    return sqlite3_column_int64(m_stmt, column);
}

double Statement::real(int column) const
{
    return sqlite3_column_double(m_stmt, column);
}

money::Decimal Statement::decimal(int column) const
{
    const QString value = text(column);
    auto parsed = money::Decimal::parse(value);
    if (!parsed) {
        throw SqlError(
            QStringLiteral("storage.corrupt"),
            QStringLiteral("%1: column %2 holds \"%3\", which is not an exact decimal")
                .arg(QString::fromUtf8(sqlite3_column_name(m_stmt, column)), QString::number(column + 1), value));
    }
    return *parsed;
}

// ---- Transaction ----------------------------------------------------------

Transaction::Transaction(Database &db)
    : m_db(db)
    , m_nested(db.inTransaction())
{
    m_db.exec(m_nested ? "SAVEPOINT ballast_nested" : "BEGIN IMMEDIATE");
}

Transaction::~Transaction()
{
    if (m_done)
        return;
    if (m_nested) {
        sqlite3_exec(m_db.handle(), "ROLLBACK TO ballast_nested; RELEASE ballast_nested", nullptr, nullptr, nullptr);
    } else {
        sqlite3_exec(m_db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
}

void Transaction::commit()
{
    m_db.exec(m_nested ? "RELEASE ballast_nested" : "COMMIT");
    m_done = true;
}

// ---- ReadSnapshot ---------------------------------------------------------

ReadSnapshot::ReadSnapshot(Database &db)
    : m_db(db)
    , m_open(!db.inTransaction())
{
    if (m_open)
        m_db.exec("BEGIN DEFERRED");
}

ReadSnapshot::~ReadSnapshot()
{
    if (m_open)
        sqlite3_exec(m_db.handle(), "COMMIT", nullptr, nullptr, nullptr);
}

// ---- Database -------------------------------------------------------------

Database::Database(QString path)
    : m_path(std::move(path))
{
}

Database::~Database()
{
    sqlite3_close_v2(m_handle);
}

int Database::latestVersion()
{
    return static_cast<int>(migrations().size());
}

/// SQLite says "database or disk is full" (SQLITE_FULL) or, when the OS
/// reports ENOSPC on a sync, "disk I/O error"; either way the disk is full.
bool Database::diskFull() const
{
    const int rc = sqlite3_extended_errcode(m_handle);
    return (rc & 0xff) == SQLITE_FULL || ((rc & 0xff) == SQLITE_IOERR && sqlite3_system_errno(m_handle) == ENOSPC);
}

void Database::fail(const char *what) const
{
    const int rc = sqlite3_extended_errcode(m_handle);
    if (diskFull())
        throw SqlError(QStringLiteral("storage.full"), diskFullError(m_path).message);
    throw SqlError(codeFor(rc),
                   QStringLiteral("%1: %2 failed: %3")
                       .arg(QDir::toNativeSeparators(m_path), QString::fromLatin1(what), sqliteMessage(m_handle)));
}

void Database::exec(const char *sql)
{
    char *message = nullptr;
    if (sqlite3_exec(m_handle, sql, nullptr, nullptr, &message) != SQLITE_OK) {
        const QString text = message ? QString::fromUtf8(message) : sqliteMessage(m_handle);
        sqlite3_free(message);
        if (diskFull())
            throw SqlError(QStringLiteral("storage.full"), diskFullError(m_path).message);
        throw SqlError(codeFor(sqlite3_extended_errcode(m_handle)),
                       QStringLiteral("%1: %2").arg(QDir::toNativeSeparators(m_path), text));
    }
}

QString Database::scalar(const char *sql)
{
    Statement statement(*this, sql);
    return statement.step() ? statement.text(0) : QString();
}

qint64 Database::lastInsertId() const
{
    return sqlite3_last_insert_rowid(m_handle);
}

int Database::changes() const
{
    return sqlite3_changes(m_handle);
}

bool Database::inTransaction() const
{
    return sqlite3_get_autocommit(m_handle) == 0;
}

int Database::schemaVersion()
{
    return scalar("PRAGMA user_version").toInt();
}

Result<std::unique_ptr<Database>> Database::open(const QString &path, Mode mode)
{
    return openAtVersion(path, mode == Mode::ReadWriteExisting ? -2 : -1);
}

// version -1: latest, creating the file if needed; -2: latest, file must exist.
Result<std::unique_ptr<Database>> Database::openAtVersion(const QString &path, int version)
{
    const QString shown = QDir::toNativeSeparators(path);
    const bool mustExist = version == -2;
    if (mustExist && !QFileInfo::exists(path)) {
        return makeError(QStringLiteral("storage.missing"),
                         QStringLiteral("%1: no Ballast database here; run \"ballast-cli init\" first").arg(shown));
    }
    if (version < 0)
        version = latestVersion();

    const QFileInfo info(path);
    if (!info.dir().exists() && !QDir().mkpath(info.absolutePath())) {
        return makeError(QStringLiteral("storage.cannot_open"),
                         QStringLiteral("%1: cannot create the folder %2").arg(shown, info.absolutePath()));
    }

    if (!QFileInfo::exists(path) && !createPrivate(path)) {
        return makeError(QStringLiteral("storage.cannot_open"),
                         QStringLiteral("%1: cannot create the database file").arg(shown));
    }
    std::unique_ptr<Database> db(new Database(path));
    const QByteArray file = QFile::encodeName(path);
    const int rc = sqlite3_open_v2(file.constData(), &db->m_handle,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        return makeError(codeFor(rc), QStringLiteral("%1: cannot open: %2").arg(shown, sqliteMessage(db->m_handle)));
    }
    sqlite3_extended_result_codes(db->m_handle, 1);
    sqlite3_busy_timeout(db->m_handle, 5000);

    try {
        // Read-only checks first, so a refused file is left exactly as it was.
        const int appId = db->scalar("PRAGMA application_id").toInt();
        const int current = db->schemaVersion();
        const int tables = db->scalar("SELECT count(*) FROM sqlite_master").toInt();
        if (appId != kApplicationId && (current != 0 || tables != 0)) {
            return makeError(
                QStringLiteral("storage.foreign"),
                QStringLiteral("%1: this SQLite file is not a Ballast database; refusing to change it").arg(shown));
        }
        if (current > latestVersion()) {
            return makeError(QStringLiteral("storage.too_new"),
                             QStringLiteral("%1: written by a newer Ballast (schema %2; this build knows up to %3); "
                                            "please upgrade Ballast")
                                 .arg(shown)
                                 .arg(current)
                                 .arg(latestVersion()));
        }
        if (version < current) {
            return makeError(
                QStringLiteral("storage.downgrade"),
                QStringLiteral("%1: schema %2 cannot be taken back to %3").arg(shown).arg(current).arg(version));
        }

        // A new ledger gets 64 KiB pages (SQLite's largest), not its 4 KiB:
        // in WAL mode every page is written twice (to the log, then to the
        // file at the checkpoint), and the candles are most of a ledger's
        // pages. A million-candle import took 1.26 s at 4 KiB, 0.92 s at
        // 16 KiB (2026-12-04), and from 16 to 64 KiB 1.19 -> 1.02 s for a
        // shuffled file and 0.89 -> 0.76 s for one in order; the first paint
        // with 5 M stored candles 361 -> 185 ms (benchmarks.md, session 16).
        // What it costs: a new ledger is 4 MB instead of 1 (a page per table
        // and index), `init` 62 -> 89 ms, a small write command (prices set)
        // 40 -> 43 ms; the Transactions page on 105,694 transactions was
        // unchanged. A ledger made before keeps its size: a file in WAL mode
        // cannot change it.
        if (current == 0 && tables == 0)
            db->exec(QByteArray("PRAGMA page_size = " + QByteArray::number(kPageSize)).constData());
        db->exec("PRAGMA journal_mode = WAL");
        db->exec("PRAGMA foreign_keys = ON");
        db->exec("PRAGMA synchronous = FULL");
        if (auto migrated = db->migrateTo(version); !migrated)
            return migrated.error();
        db->ensureDatabaseId();
        for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
            makePrivate(path + suffix);
        if (db->scalar("PRAGMA foreign_keys").toInt() != 1) {
            return makeError(QStringLiteral("storage.error"),
                             QStringLiteral("%1: this SQLite build cannot enforce foreign keys").arg(shown));
        }
    } catch (const SqlError &e) {
        return e.toError();
    }
    return db;
}

void Database::ensureDatabaseId()
{
    if (schemaVersion() < 1)
        return; // no meta table yet
    Statement read(*this, "SELECT value FROM meta WHERE key = 'database_id'");
    if (read.step()) {
        m_databaseId = read.text(0);
        return;
    }
    // Not a migration: older files get theirs here, at their first open.
    std::array<quint32, 4> words{};
    QRandomGenerator::system()->fillRange(words.data(), words.size());
    QString id;
    for (const quint32 word : words)
        id += QStringLiteral("%1").arg(word, 8, 16, QLatin1Char('0'));
    Statement write(*this, "INSERT OR IGNORE INTO meta (key, value) VALUES ('database_id', ?)");
    write.bind(1, id);
    write.run();
    Statement again(*this, "SELECT value FROM meta WHERE key = 'database_id'");
    m_databaseId = again.step() ? again.text(0) : id;
}

Status Database::migrateTo(int version)
{
    const auto steps = migrations();
    const int current = schemaVersion();
    for (int next = current; next < version; ++next) {
        // One transaction per step: a failed migration leaves the previous
        // version intact, and user_version moves with the schema atomically.
        Transaction transaction(*this);
        if (next == 0)
            exec(QByteArray("PRAGMA application_id = " + QByteArray::number(kApplicationId)).constData());
        exec(steps[static_cast<std::size_t>(next)]);
        exec(QByteArray("PRAGMA user_version = " + QByteArray::number(next + 1)).constData());
        transaction.commit();
    }
    return {};
}

} // namespace ballast::storage
