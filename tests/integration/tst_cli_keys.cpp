// Keys through the real ballast-cli: a new key's passphrase is checked against
// the vault, a vault copied from another database is refused, old vault files
// are re-sealed at their next unlock, and the files are owner-only. Only
// 127.0.0.1 is ever addressed (port 9, where nothing listens).
#include "testsupport.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

namespace {

const QString kPassphrase = QStringLiteral("correct horse battery staple");

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

int filePermissions(const QString &path)
{
    struct stat info = {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return -1;
    return static_cast<int>(info.st_mode & 07777);
}

} // namespace

class TestCliKeys : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_counter = 0;

    static Run cli(const QString &db, const QStringList &arguments, const QString &passphrase = kPassphrase,
                   const QByteArray &input = {})
    {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("BALLAST_NOW"), QStringLiteral("2026-11-21T12:00:00Z"));
        env.insert(QStringLiteral("BALLAST_PASSPHRASE"), passphrase);
        env.insert(QStringLiteral("BALLAST_NO_KEYCHAIN"), QStringLiteral("1"));
        env.remove(QStringLiteral("BALLAST_DB"));
        process.setProcessEnvironment(env);
        process.start(qEnvironmentVariable("BALLAST_CLI"), QStringList{QStringLiteral("--db"), db} + arguments);
        process.write(input);
        process.closeWriteChannel();
        if (!process.waitForFinished(120000))
            qFatal("ballast-cli did not finish");
        return Run{process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
                   QString::fromUtf8(process.readAllStandardError())};
    }

    static Run addBinance(const QString &db, const QString &name, const QString &passphrase = kPassphrase)
    {
        return cli(db,
                   {QStringLiteral("accounts"), QStringLiteral("add"), QStringLiteral("--exchange"),
                    QStringLiteral("binance"), QStringLiteral("--name"), name, QStringLiteral("--base-url"),
                    QStringLiteral("http://127.0.0.1:9")},
                   passphrase, QByteArrayLiteral("AKIAtestKEY\ntest-secret-value\n"));
    }

    /// The rows of the database and the bytes of its vault.
    static QByteArray state(const QString &db)
    {
        QByteArray rows;
        {
            auto opened = ballast::storage::Database::open(db, ballast::storage::Database::Mode::ReadWriteExisting);
            rows = opened ? ballast::test::contentDigest(**opened) : opened.error().message.toUtf8();
        }
        return rows + '|' + readAll(db + QStringLiteral(".vault")).toHex();
    }

    QString newDatabase()
    {
        const QString db = m_dir.filePath(QStringLiteral("keys-%1.sqlite").arg(++m_counter));
        const Run init = cli(db, {QStringLiteral("init")});
        if (init.exitCode != 0)
            qWarning("init failed: %s", qPrintable(init.err));
        return db;
    }

    static void checkOneLineRefusal(const Run &run, const QString &words)
    {
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.startsWith(QStringLiteral("ballast-cli: ")), qPrintable(run.err));
        QVERIFY2(run.err.contains(words), qPrintable(run.err));
        QCOMPARE(run.err.count(QLatin1Char('\n')), 1);
    }

private slots:
    void aMistypedPassphraseSealsNoNewKey()
    {
        const QString db = newDatabase();
        QCOMPARE(addBinance(db, QStringLiteral("bn1")).exitCode, 0);
        const QByteArray before = state(db);
        const Run wrong = addBinance(db, QStringLiteral("bn2"), QStringLiteral("correct horse battery stapel"));
        checkOneLineRefusal(wrong, QStringLiteral("does not open the key vault"));
        QCOMPARE(state(db), before); // no account row, no vault record
        QCOMPARE(addBinance(db, QStringLiteral("bn2")).exitCode, 0);
    }

    void aVaultCopiedFromAnotherDatabaseIsRefused()
    {
        const QString first = newDatabase();
        const QString second = newDatabase();
        QCOMPARE(addBinance(first, QStringLiteral("bn")).exitCode, 0);
        QCOMPARE(addBinance(second, QStringLiteral("bn")).exitCode, 0);
        // The second database's vault replaced by a copy of the first's.
        QVERIFY(QFile::remove(second + QStringLiteral(".vault")));
        QVERIFY(QFile::copy(first + QStringLiteral(".vault"), second + QStringLiteral(".vault")));
        const QByteArray before = state(second);
        const Run sync = cli(second, {QStringLiteral("sync"), QStringLiteral("--account"), QStringLiteral("bn")});
        checkOneLineRefusal(sync, QStringLiteral("belongs to another Ballast database"));
        QCOMPARE(state(second), before);
    }

    void anOldVaultIsResealedAtTheNextUnlock()
    {
        const QString db = newDatabase();
        QCOMPARE(addBinance(db, QStringLiteral("alpha")).exitCode, 0);
        // The previous release's file: version 1, records bound to the name only, scrypt 2^15.
        const QString vault = db + QStringLiteral(".vault");
        QVERIFY(QFile::remove(vault));
        QVERIFY(QFile::copy(QString::fromLocal8Bit(qgetenv("BALLAST_SOURCE_DIR"))
                                + QStringLiteral("/tests/unit/data/vault-v1-scrypt15.bin"),
                            vault));
        QVERIFY(QFile::setPermissions(vault, QFile::ReadOwner | QFile::WriteOwner));
        const QByteArray old = readAll(vault);
        QCOMPARE(old[8], char(1));
        // The sync unlocks the key (then fails to reach 127.0.0.1:9, where nothing listens).
        const Run sync = cli(db, {QStringLiteral("sync"), QStringLiteral("--account"), QStringLiteral("alpha")});
        QCOMPARE(sync.exitCode, 1);
        QVERIFY2(!sync.err.contains(QStringLiteral("vault")), qPrintable(sync.err));
        const QByteArray resealed = readAll(vault);
        QCOMPARE(resealed[8], char(2));
        QVERIFY(resealed != old);
        QCOMPARE(filePermissions(vault), 0600);
        // The re-sealed record is bound to this database: a second unlock writes nothing.
        (void)cli(db, {QStringLiteral("sync"), QStringLiteral("--account"), QStringLiteral("alpha")});
        QCOMPARE(readAll(vault), resealed);
    }

    void databaseAndVaultAreOwnerOnly()
    {
        const QString db = newDatabase();
        QCOMPARE(addBinance(db, QStringLiteral("bn")).exitCode, 0);
        QCOMPARE(filePermissions(db), 0600);
        QCOMPARE(filePermissions(db + QStringLiteral(".vault")), 0600);
        for (const QString &suffix : {QStringLiteral("-wal"), QStringLiteral("-shm")}) {
            if (QFile::exists(db + suffix))
                QCOMPARE(filePermissions(db + suffix), 0600);
        }
    }
};

QTEST_GUILESS_MAIN(TestCliKeys)
#include "tst_cli_keys.moc"
