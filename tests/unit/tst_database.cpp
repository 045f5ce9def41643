#include "services/ledger.h"
#include "storage/database.h"
#include "storage/pricestore.h"
#include "storage/schema.h"
#include "testsupport.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include <sqlite3.h>
#include <sys/stat.h>

using ballast::storage::Database;
using ballast::storage::Statement;
using ballast::storage::Transaction;

namespace {

int filePermissions(const QString &path)
{
    struct stat info = {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return -1;
    return static_cast<int>(info.st_mode & 07777);
}

// Representative rows for a database at @p version, written with the SQL of
// that version, so that every later migration has real data to carry.
void seed(Database &db, int version)
{
    if (version >= 1) {
        db.exec("INSERT INTO assets (symbol, name, decimals, kind, networks) VALUES ('BTC', 'Bitcoin', 8, 'crypto', "
                "'bitcoin'), ('USDC', 'USD Coin', 6, 'stablecoin', 'ethereum,base')");
        db.exec(
            "INSERT INTO accounts (id, name, kind, exchange, base_url, created_at) VALUES "
            "(1, 'paper', 'paper', 'paper', '', 1700000000000), (2, 'cold', 'wallet', 'manual', '', 1700000000000)");
        db.exec("INSERT INTO holdings VALUES (1, 'BTC', '', '0.12345678', 1700000000000), "
                "(2, 'USDC', 'base', '100.5', 1700000000000), (2, 'USDC', 'ethereum', '42', 1700000000000)");
        db.exec("INSERT INTO prices VALUES ('BTC', 'USDT', 1700000000000, '43210.12', 'manual')");
    }
    if (version >= 2) {
        db.exec("INSERT INTO portfolios (id, name, quote, band, policy, created_at) VALUES "
                "(1, 'Main', 'USDT', '5pp', 'threshold:5pp', 1700000000000)");
        db.exec("INSERT INTO targets VALUES (1, 'BTC', '0.6', NULL), (1, 'USDC', '0.4', '25%')");
        db.exec("INSERT INTO valuations (portfolio_id, ts, kind, value, quote, simulated) VALUES (1, 1700000000000, "
                "'daily', '5376.98', 'USDT', 0)");
    }
    if (version >= 3) {
        db.exec("INSERT INTO candles (asset, quote, interval, ts, open, high, low, close, volume, source) VALUES "
                "('BTC', 'USDT', '1d', 1700000000000, 1, 2, 0.5, 1.5, 10, 'import')");
        db.exec("INSERT INTO paper_balances VALUES (1, 'BTC', '0.12345678', '0')");
    }
}

QString one(Database &db, const char *sql)
{
    return db.scalar(sql);
}

} // namespace

class TestDatabase : public QObject
{
    Q_OBJECT

private slots:
    void createsLatestSchemaWithPragmas()
    {
        ballast::test::TempDatabase temp{ballast::test::TempDatabase::FromScratch{}};
        Database &db = temp.db();
        QCOMPARE(db.schemaVersion(), Database::latestVersion());
        QCOMPARE(one(db, "PRAGMA journal_mode"), QStringLiteral("wal"));
        QCOMPARE(one(db, "PRAGMA foreign_keys"), QStringLiteral("1"));
        QCOMPARE(one(db, "PRAGMA integrity_check"), QStringLiteral("ok"));
        QCOMPARE(one(db, "PRAGMA page_size"), QStringLiteral("65536"));
    }

    // Ledgers made before the larger pages keep their 4 KiB ones (a file in
    // WAL mode cannot change its page size) and work as before.
    void anExistingLedgerKeepsItsPageSize()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("old.sqlite"));
        {
            auto made = Database::open(path);
            QVERIFY(made.ok());
            (*made)->exec("PRAGMA journal_mode = DELETE");
            (*made)->exec("PRAGMA page_size = 4096");
            (*made)->exec("VACUUM");
            (*made)->exec("PRAGMA journal_mode = WAL");
            QCOMPARE(one(**made, "PRAGMA page_size"), QStringLiteral("4096"));
        }
        auto again = Database::open(path, Database::Mode::ReadWriteExisting);
        QVERIFY2(again.ok(), again.ok() ? "" : qPrintable(again.error().message));
        Database &db = **again;
        QCOMPARE(one(db, "PRAGMA page_size"), QStringLiteral("4096"));
        QCOMPARE(one(db, "PRAGMA journal_mode"), QStringLiteral("wal"));
        db.exec("INSERT INTO candles (asset, quote, interval, ts, open, high, low, close, volume, source) "
                "VALUES ('BTC', 'USD', '1d', 0, 1, 1, 1, 1, 0, 'test')");
        QCOMPARE(one(db, "SELECT count(*) FROM candles"), QStringLiteral("1"));
        QCOMPARE(one(db, "PRAGMA integrity_check"), QStringLiteral("ok"));
    }

    void migratesFromEveryEarlierVersion_data()
    {
        QTest::addColumn<int>("from");
        for (int version = 0; version < Database::latestVersion(); ++version)
            QTest::newRow(qPrintable(QStringLiteral("v%1").arg(version))) << version;
    }

    void migratesFromEveryEarlierVersion()
    {
        QFETCH(int, from);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("old.sqlite"));
        {
            auto old = Database::openAtVersion(path, from);
            QVERIFY2(old.ok(), old.ok() ? "" : qPrintable(old.error().message));
            QCOMPARE((*old)->schemaVersion(), from);
            seed(**old, from);
        }
        auto migrated = Database::open(path, Database::Mode::ReadWriteExisting);
        QVERIFY2(migrated.ok(), migrated.ok() ? "" : qPrintable(migrated.error().message));
        Database &db = **migrated;
        QCOMPARE(db.schemaVersion(), Database::latestVersion());
        QCOMPARE(one(db, "PRAGMA integrity_check"), QStringLiteral("ok"));
        QCOMPARE(one(db, "SELECT count(*) FROM pragma_foreign_key_check"), QStringLiteral("0"));
        if (from >= 1) {
            QCOMPARE(one(db, "SELECT quantity FROM holdings WHERE asset = 'BTC'"), QStringLiteral("0.12345678"));
            QCOMPARE(one(db, "SELECT count(*) FROM holdings WHERE asset = 'USDC'"), QStringLiteral("2"));
            QCOMPARE(one(db, "SELECT price FROM prices"), QStringLiteral("43210.12"));
        }
        if (from >= 2)
            QCOMPARE(one(db, "SELECT band FROM targets WHERE asset = 'USDC'"), QStringLiteral("25%"));
        // The migrated schema is the same as a freshly created one.
        ballast::test::TempDatabase fresh{ballast::test::TempDatabase::FromScratch{}};
        QCOMPARE(one(db, "SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_master ORDER BY name)"),
                 one(fresh.db(), "SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_master ORDER BY name)"));
    }

    void eachDatabaseHasItsOwnIdentity()
    {
        ballast::test::TempDatabase first{ballast::test::TempDatabase::FromScratch{}};
        ballast::test::TempDatabase second{ballast::test::TempDatabase::FromScratch{}};
        const QString id = first.db().databaseId();
        QCOMPARE(id.size(), 32);
        QVERIFY(id.contains(QRegularExpression(QStringLiteral("^[0-9a-f]{32}$"))));
        QVERIFY(id != second.db().databaseId());
        QCOMPARE(one(first.db(), "SELECT value FROM meta WHERE key = 'database_id'"), id);
        // It stays the same across opens.
        first.close();
        auto again = Database::open(first.path(), Database::Mode::ReadWriteExisting);
        QVERIFY(again.ok());
        QCOMPARE((*again)->databaseId(), id);
    }

    /// The tests' TempDatabase copies one migrated template per process: each
    /// copy is the fresh schema with an identity of its own.
    void copiesOfTheTestTemplateAreFreshDatabases()
    {
        ballast::test::TempDatabase fresh{ballast::test::TempDatabase::FromScratch{}};
        ballast::test::TempDatabase first;
        ballast::test::TempDatabase second;
        QCOMPARE(first.db().schemaVersion(), Database::latestVersion());
        const char *schema = "SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_master ORDER BY name)";
        QCOMPARE(one(first.db(), schema), one(fresh.db(), schema));
        QCOMPARE(first.db().scalar("PRAGMA journal_mode"), QStringLiteral("wal"));
        QCOMPARE(first.db().databaseId().size(), 32);
        QVERIFY(first.db().databaseId() != second.db().databaseId());
        QVERIFY(first.db().databaseId() != fresh.db().databaseId());
        QCOMPARE(one(first.db(), "SELECT count(*) FROM meta WHERE key = 'database_id'"), QStringLiteral("1"));
    }

    void anOlderFileGetsItsIdentityAtItsFirstOpen()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("old.sqlite"));
        {
            // A file as an earlier build left it: migrated, but no identity.
            auto old = Database::open(path);
            QVERIFY(old.ok());
            (*old)->exec("DELETE FROM meta WHERE key = 'database_id'");
        }
        QString id;
        {
            auto opened = Database::open(path, Database::Mode::ReadWriteExisting);
            QVERIFY(opened.ok());
            id = (*opened)->databaseId();
            QCOMPARE(id.size(), 32);
            QCOMPARE((*opened)->schemaVersion(), Database::latestVersion()); // no migration for it
        }
        auto reopened = Database::open(path, Database::Mode::ReadWriteExisting);
        QVERIFY(reopened.ok());
        QCOMPARE((*reopened)->databaseId(), id);
    }

    void filesAreOwnerOnly()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("private.sqlite"));
        // Even with a permissive umask SQLite's files must not be readable by others.
        const mode_t saved = ::umask(0);
        auto opened = Database::open(path);
        ::umask(saved);
        QVERIFY(opened.ok());
        (*opened)->exec("INSERT INTO meta (key, value) VALUES ('x', 'y')");
        for (const QString &file : QStringList{path, path + QStringLiteral("-wal"), path + QStringLiteral("-shm")}) {
            QVERIFY2(QFile::exists(file), qPrintable(file));
            QCOMPARE(filePermissions(file), 0600);
        }
        opened->reset();

        // A file someone loosened is tightened at the next open.
        QVERIFY(
            QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther));
        QCOMPARE(filePermissions(path), 0644);
        auto again = Database::open(path, Database::Mode::ReadWriteExisting);
        QVERIFY(again.ok());
        QCOMPARE(filePermissions(path), 0600);
        QCOMPARE(filePermissions(path + QStringLiteral("-wal")), 0600);
    }

    void refusesDatabaseFromNewerBallast()
    {
        ballast::test::TempDatabase temp{ballast::test::TempDatabase::FromScratch{}};
        const QString path = temp.path();
        const int future = Database::latestVersion() + 1;
        temp.db().exec(QByteArray("PRAGMA user_version = " + QByteArray::number(future)).constData());
        temp.close();
        auto opened = Database::open(path);
        QVERIFY(!opened.ok());
        QCOMPARE(opened.error().code, QStringLiteral("storage.too_new"));
        QVERIFY(opened.error().message.contains(QStringLiteral("newer Ballast")));
        QVERIFY(opened.error().message.contains(path));
        auto raw = Database::openAtVersion(path, future);
        QVERIFY(!raw.ok()); // still refused: nothing was changed in between
        sqlite3 *handle = nullptr;
        QCOMPARE(sqlite3_open(QFile::encodeName(path).constData(), &handle), SQLITE_OK);
        sqlite3_stmt *statement = nullptr;
        sqlite3_prepare_v2(handle, "PRAGMA user_version", -1, &statement, nullptr);
        sqlite3_step(statement);
        QCOMPARE(sqlite3_column_int(statement, 0), future);
        sqlite3_finalize(statement);
        sqlite3_close(handle);
    }

    void refusesForeignSqliteFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("other.sqlite"));
        sqlite3 *handle = nullptr;
        QCOMPARE(sqlite3_open(QFile::encodeName(path).constData(), &handle), SQLITE_OK);
        QCOMPARE(sqlite3_exec(handle, "CREATE TABLE notes (text TEXT)", nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(handle);
        auto opened = Database::open(path);
        QVERIFY(!opened.ok());
        QCOMPARE(opened.error().code, QStringLiteral("storage.foreign"));
        QVERIFY(opened.error().message.contains(path));
    }

    void refusesFileThatIsNotSqlite()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("notes.txt"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        const QByteArray text = QByteArray("this is not a database, just some text that is long enough\n").repeated(20);
        file.write(text);
        file.close();
        auto opened = Database::open(path);
        QVERIFY(!opened.ok());
        QVERIFY(opened.error().message.contains(path));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), text);
    }

    void missingFileIsAnErrorWhenItMustExist()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("absent.sqlite"));
        auto opened = Database::open(path, Database::Mode::ReadWriteExisting);
        QVERIFY(!opened.ok());
        QCOMPARE(opened.error().code, QStringLiteral("storage.missing"));
        QVERIFY(!QFile::exists(path));
    }

    void ledgerColumnsAreNeverBinaryFloats()
    {
        // Exact values live in TEXT columns; only the candle history (analytics
        // data) may use REAL.
        ballast::test::TempDatabase temp{ballast::test::TempDatabase::FromScratch{}};
        Statement columns(temp.db(),
                          "SELECT m.name, p.name, p.type FROM sqlite_master m, pragma_table_info(m.name) p "
                          "WHERE m.type = 'table' AND m.name <> 'candles'");
        int checked = 0;
        while (columns.step()) {
            const QString type = columns.text(2).toUpper();
            QVERIFY2(type == QLatin1String("TEXT") || type == QLatin1String("INTEGER"),
                     qPrintable(columns.text(0) + QLatin1Char('.') + columns.text(1) + QLatin1Char(' ') + type));
            ++checked;
        }
        QVERIFY(checked > 40);
    }

    void transactionRollsBackUnlessCommitted()
    {
        ballast::test::TempDatabase temp{ballast::test::TempDatabase::FromScratch{}};
        Database &db = temp.db();
        {
            Transaction outer(db);
            db.exec("INSERT INTO meta VALUES ('a', '1')");
            {
                Transaction inner(db); // nested: a savepoint
                db.exec("INSERT INTO meta VALUES ('b', '2')");
            } // not committed: only 'b' goes
            outer.commit();
        }
        // (meta also holds the database's identity, made at creation)
        QCOMPARE(one(db, "SELECT group_concat(key) FROM meta WHERE key <> 'database_id'"), QStringLiteral("a"));
        {
            Transaction aborted(db);
            db.exec("INSERT INTO meta VALUES ('c', '3')");
        }
        QCOMPARE(one(db, "SELECT count(*) FROM meta WHERE key <> 'database_id'"), QStringLiteral("1"));
        QVERIFY(!db.inTransaction());
    }

    void fullDiskIsReportedAsSuchAndChangesNothing()
    {
        ballast::test::TempDatabase temp{ballast::test::TempDatabase::FromScratch{}};
        Database &db = temp.db();
        const qint64 now = QDateTime(QDate(2026, 11, 21), QTime(12, 0), QTimeZone::utc()).toMSecsSinceEpoch();
        ballast::services::Ledger ledger(db, [now] { return now; });
        QVERIFY(ledger.init(QStringLiteral("Main"), QStringLiteral("USDT")).ok());
        const QByteArray before = ballast::test::contentDigest(db);
        // The file may not grow by a single page: SQLite answers SQLITE_FULL,
        // as it does when the disk itself has no room left.
        const QByteArray pages = db.scalar("PRAGMA page_count").toLatin1();
        db.exec(QByteArray("PRAGMA max_page_count = " + pages).constData());
        QList<ballast::domain::PricePoint> points;
        for (int i = 0; i < 5000; ++i) {
            points.append({QStringLiteral("BTC"), QStringLiteral("USDT"),
                           QDateTime::fromMSecsSinceEpoch(now - qint64(i) * 60'000, QTimeZone::utc()),
                           ballast::money::Decimal::fromInt(50'000 + i), QStringLiteral("manual")});
        }
        const auto stored = ledger.setPrices(points);
        QVERIFY(!stored.ok());
        QCOMPARE(stored.error().code, QStringLiteral("storage.full"));
        QCOMPARE(stored.error().message,
                 QStringLiteral("the disk is full: could not write to %1 (free some space and try again; nothing "
                                "was changed)")
                     .arg(QDir::toNativeSeparators(temp.path())));
        QVERIFY(!db.inTransaction());
        QCOMPARE(ballast::test::contentDigest(db), before);
    }

    // The newest price per asset at or before a time, for one quote; checked
    // against the same answer worked out from the list of stored prices.
    void latestPricesAreTheNewestPerAssetAtOrBeforeTheTime()
    {
        using ballast::domain::PricePoint;
        using ballast::money::Decimal;
        ballast::test::TempDatabase temp{ballast::test::TempDatabase::FromScratch{}};
        ballast::storage::PriceStore store(temp.db());
        const QStringList assets = {QStringLiteral("ADA"), QStringLiteral("BTC"), QStringLiteral("ETH"),
                                    QStringLiteral("ZEC")};
        QList<PricePoint> points;
        int n = 0;
        for (const QString &asset : assets) {
            for (const QString &quote : {QStringLiteral("USDT"), QStringLiteral("EUR")}) {
                if (asset == QLatin1String("ZEC") && quote == QLatin1String("USDT"))
                    continue; // priced only in EUR
                for (int day = 0; day < 5; ++day) {
                    if (asset == QLatin1String("ETH") && day < 3)
                        continue; // priced only from the fourth day
                    points.append({asset, quote, QDateTime(QDate(2024, 1, 1 + day), QTime(12, 0), QTimeZone::utc()),
                                   Decimal::fromInt(++n), QStringLiteral("test")});
                }
            }
        }
        QVERIFY(store.setPrices(points).ok());
        for (const int day : {0, 1, 2, 3, 4, 9}) {
            const qint64 at = QDateTime(QDate(2024, 1, 1 + day), QTime(12, 0), QTimeZone::utc()).toMSecsSinceEpoch();
            QHash<QString, PricePoint> expected;
            for (const PricePoint &p : std::as_const(points)) {
                if (p.quote == QLatin1String("USDT") && p.time.toMSecsSinceEpoch() <= at
                    && (!expected.contains(p.asset) || expected.value(p.asset).time < p.time))
                    expected.insert(p.asset, p);
            }
            auto latest = store.latestAll(QStringLiteral("USDT"), at);
            if (!latest)
                QFAIL(qPrintable(latest.error().message));
            QCOMPARE(latest->keys().size(), expected.size());
            for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
                QVERIFY2(latest->contains(it.key()), qPrintable(it.key()));
                QCOMPARE(latest->value(it.key()).price, it.value().price);
                QCOMPARE(latest->value(it.key()).time, it.value().time);
            }
        }
        auto before = store.latestAll(QStringLiteral("USDT"), 0);
        QVERIFY(before.ok());
        QVERIFY(before->isEmpty());
    }

    void decimalColumnRejectsDamagedValue()
    {
        ballast::test::TempDatabase temp{ballast::test::TempDatabase::FromScratch{}};
        Database &db = temp.db();
        db.exec("INSERT INTO meta VALUES ('x', '1.2.3')");
        Statement query(db, "SELECT value FROM meta WHERE key = 'x'");
        QVERIFY(query.step());
        QVERIFY_THROWS_EXCEPTION(ballast::storage::SqlError, (void)query.decimal(0));
    }
};

QTEST_GUILESS_MAIN(TestDatabase)
#include "tst_database.moc"
