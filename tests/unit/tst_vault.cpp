#include "security/keystore.h"
#include "security/vault.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using ballast::security::Credentials;
using ballast::security::KeyStore;
using ballast::security::Vault;

namespace {

const QString passphrase = QStringLiteral("correct horse battery staple");
const Credentials alphaCredentials{QStringLiteral("AKIAalphaPUBLICkey0123456789"),
                                   QStringLiteral("s3cr3t-alpha-NhqPtmdSJYdKjVHjA7PZj4Mge3R5")};
const Credentials bravoCredentials{QStringLiteral("AKIAbravoPUBLICkey9876543210"),
                                   QStringLiteral("s3cr3t-bravo-kQH5HW/8p1uGOVjbgWA7FunAmGO8")};

QByteArray readAll(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

void writeAll(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(bytes), bytes.size());
}

/// Rewrites the trailing SHA-256, as an attacker who knows the format would.
QByteArray withFreshChecksum(QByteArray bytes)
{
    bytes.chop(32);
    return bytes + QCryptographicHash::hash(bytes, QCryptographicHash::Sha256);
}

int filePermissions(const QString &path)
{
    struct stat info = {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return -1;
    return static_cast<int>(info.st_mode & 07777);
}

// Offsets inside a file holding exactly one record for "alpha" (see vault.h).
constexpr qsizetype kHeaderSize = 8 + 1 + 4;
constexpr qsizetype kNameAt = kHeaderSize + 2;
constexpr qsizetype kParamsAt = kNameAt + 5;
constexpr qsizetype kSaltAt = kParamsAt + 1 + 1 + 4 + 4;
constexpr qsizetype kNonceAt = kSaltAt + 16;
constexpr qsizetype kCheckAt = kNonceAt + 12;
constexpr qsizetype kCiphertextAt = kCheckAt + 32 + 4;

} // namespace

class TestVault : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        // One sealed "alpha" file shared by the tampering rows: each row then
        // costs at most one scrypt derivation instead of two.
        QVERIFY(m_dir.isValid());
        const QString path = m_dir.filePath(QStringLiteral("pristine.bin"));
        QVERIFY(Vault(path).store(QStringLiteral("alpha"), alphaCredentials, passphrase).ok());
        m_pristine = readAll(path);
        QVERIFY(!m_pristine.isEmpty());
    }

    void init()
    {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QStringLiteral("vault-%1.bin").arg(++m_counter));
    }

    void roundTrip()
    {
        Vault vault(m_path);
        QElapsedTimer timer;
        timer.start();
        const auto stored = vault.store(QStringLiteral("alpha"), alphaCredentials, passphrase);
        QVERIFY2(stored.ok(), stored.ok() ? "" : qPrintable(stored.error().message));
        qInfo("store (one scrypt derivation, N=2^15 r=8 p=1): %lld ms", static_cast<long long>(timer.restart()));
        const auto loaded = vault.load(QStringLiteral("alpha"), passphrase);
        qInfo("load (one scrypt derivation): %lld ms", static_cast<long long>(timer.elapsed()));
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : qPrintable(loaded.error().message));
        QCOMPARE(loaded->apiKey, alphaCredentials.apiKey);
        QCOMPARE(loaded->secret, alphaCredentials.secret);
        QCOMPARE(vault.accounts(), QStringList{QStringLiteral("alpha")});
        QVERIFY(vault.contains(QStringLiteral("alpha")));
        QVERIFY(!vault.contains(QStringLiteral("bravo")));
    }

    void unicodeAndEmptyFieldsSurvive()
    {
        Vault vault(m_path);
        const Credentials odd{QString(), QStringLiteral("clé sécrète ✓ １２３")};
        const QString name = QStringLiteral("Kraken – main");
        QVERIFY(vault.store(name, odd, QStringLiteral("pässwörd")).ok());
        const auto loaded = vault.load(name, QStringLiteral("pässwörd"));
        QVERIFY(loaded.ok());
        QCOMPARE(loaded->apiKey, QString());
        QCOMPARE(loaded->secret, odd.secret);
    }

    void twoAccountsAndReplace()
    {
        Vault vault(m_path);
        QVERIFY(vault.store(QStringLiteral("alpha"), alphaCredentials, passphrase).ok());
        QVERIFY(vault.store(QStringLiteral("bravo"), bravoCredentials, QStringLiteral("other passphrase")).ok());
        QCOMPARE(vault.accounts(), (QStringList{QStringLiteral("alpha"), QStringLiteral("bravo")}));

        const auto bravo = vault.load(QStringLiteral("bravo"), QStringLiteral("other passphrase"));
        QVERIFY(bravo.ok());
        QCOMPARE(bravo->secret, bravoCredentials.secret);

        // Replacing one record keeps the other one readable.
        QVERIFY(vault.store(QStringLiteral("bravo"), alphaCredentials, QStringLiteral("third")).ok());
        QCOMPARE(vault.accounts(), (QStringList{QStringLiteral("alpha"), QStringLiteral("bravo")}));
        const auto alpha = vault.load(QStringLiteral("alpha"), passphrase);
        QVERIFY(alpha.ok());
        QCOMPARE(alpha->secret, alphaCredentials.secret);
    }

    void wrongPassphrase()
    {
        Vault vault(m_path);
        QVERIFY(vault.store(QStringLiteral("alpha"), alphaCredentials, passphrase).ok());
        const auto loaded = vault.load(QStringLiteral("alpha"), QStringLiteral("Correct horse battery staple"));
        QVERIFY(!loaded.ok());
        QCOMPARE(loaded.error().code, QStringLiteral("vault.wrong-passphrase"));
        QCOMPARE(loaded.error().message, QStringLiteral("wrong passphrase for alpha"));
    }

    void unknownAccountIsNamed()
    {
        Vault vault(m_path);
        const auto missingFile = vault.load(QStringLiteral("ghost"), passphrase);
        QVERIFY(!missingFile.ok());
        QCOMPARE(missingFile.error().code, QStringLiteral("vault.unknown-account"));
        QVERIFY(missingFile.error().message.contains(QStringLiteral("ghost")));

        QVERIFY(vault.store(QStringLiteral("alpha"), alphaCredentials, passphrase).ok());
        const auto missing = vault.load(QStringLiteral("ghost"), passphrase);
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, QStringLiteral("vault.unknown-account"));
        QVERIFY(missing.error().message.contains(QStringLiteral("ghost")));
        QVERIFY(!vault.remove(QStringLiteral("ghost")).ok());
    }

    void removeKeepsOthers()
    {
        Vault vault(m_path);
        QVERIFY(vault.store(QStringLiteral("alpha"), alphaCredentials, passphrase).ok());
        QVERIFY(vault.store(QStringLiteral("bravo"), bravoCredentials, passphrase).ok());
        QVERIFY(vault.remove(QStringLiteral("alpha")).ok());
        QCOMPARE(vault.accounts(), QStringList{QStringLiteral("bravo")});
        const auto gone = vault.load(QStringLiteral("alpha"), passphrase);
        QVERIFY(!gone.ok());
        QCOMPARE(gone.error().code, QStringLiteral("vault.unknown-account"));
        QVERIFY(vault.load(QStringLiteral("bravo"), passphrase).ok());
        QVERIFY(vault.remove(QStringLiteral("bravo")).ok());
        QVERIFY(vault.accounts().isEmpty());
    }

    void refusesEmptyNameAndPassphrase()
    {
        Vault vault(m_path);
        QVERIFY(!vault.store(QString(), alphaCredentials, passphrase).ok());
        const auto empty = vault.store(QStringLiteral("alpha"), alphaCredentials, QString());
        QVERIFY(!empty.ok());
        QCOMPARE(empty.error().code, QStringLiteral("vault.invalid"));
        QVERIFY(!QFile::exists(m_path));
    }

    void tamperedBytesAreDetected_data()
    {
        QTest::addColumn<qsizetype>("offset");
        QTest::newRow("magic") << qsizetype(0);
        QTest::newRow("version") << qsizetype(8);
        QTest::newRow("record count") << qsizetype(12);
        QTest::newRow("name length") << qsizetype(kHeaderSize + 1);
        QTest::newRow("account name") << kNameAt;
        QTest::newRow("scrypt log2 N") << kParamsAt + 1;
        QTest::newRow("scrypt r") << kParamsAt + 5;
        QTest::newRow("salt") << kSaltAt + 3;
        QTest::newRow("nonce") << kNonceAt + 5;
        QTest::newRow("passphrase check") << kCheckAt + 7;
        QTest::newRow("ciphertext first byte") << kCiphertextAt;
        QTest::newRow("tag (from the end)") << qsizetype(-32 - 1);
        QTest::newRow("checksum (last byte)") << qsizetype(-1);
    }

    void tamperedBytesAreDetected()
    {
        QFETCH(qsizetype, offset);
        Vault vault(m_path);
        QByteArray bytes = m_pristine;
        const qsizetype at = offset >= 0 ? offset : bytes.size() + offset;
        QVERIFY(at >= 0 && at < bytes.size());
        bytes[at] = static_cast<char>(bytes[at] ^ 0x01);
        writeAll(m_path, bytes);

        // The checksum catches every flip before any key is derived.
        const auto loaded = vault.load(QStringLiteral("alpha"), passphrase);
        QVERIFY(!loaded.ok());
        QCOMPARE(loaded.error().code, QStringLiteral("vault.damaged"));
        QVERIFY(loaded.error().message.contains(QStringLiteral("is damaged or was tampered with")));
        QVERIFY(loaded.error().message.contains(m_path));
        QVERIFY(vault.accounts().isEmpty());
        // A damaged file is never overwritten, which would lose the other records.
        QVERIFY(!vault.store(QStringLiteral("bravo"), bravoCredentials, passphrase).ok());
        QCOMPARE(readAll(m_path), bytes);
    }

    void tamperingWithAValidChecksumStillFails_data()
    {
        QTest::addColumn<qsizetype>("offset");
        QTest::addColumn<QString>("code");
        QTest::newRow("nonce") << kNonceAt << QStringLiteral("vault.damaged");
        QTest::newRow("ciphertext") << kCiphertextAt + 3 << QStringLiteral("vault.damaged");
        QTest::newRow("tag") << qsizetype(-32 - 16) << QStringLiteral("vault.damaged");
        // Salt or check altered: the key no longer matches, which cannot be
        // told apart from a wrong passphrase; it still never decrypts.
        QTest::newRow("salt") << kSaltAt << QStringLiteral("vault.wrong-passphrase");
        QTest::newRow("check") << kCheckAt << QStringLiteral("vault.wrong-passphrase");
    }

    void tamperingWithAValidChecksumStillFails()
    {
        QFETCH(qsizetype, offset);
        QFETCH(QString, code);
        Vault vault(m_path);
        QCOMPARE(withFreshChecksum(m_pristine), m_pristine); // the helper matches the real checksum
        QByteArray bytes = m_pristine;
        const qsizetype at = offset >= 0 ? offset : bytes.size() + offset;
        bytes[at] = static_cast<char>(bytes[at] ^ 0x80);
        writeAll(m_path, withFreshChecksum(bytes));
        const auto loaded = vault.load(QStringLiteral("alpha"), passphrase);
        QVERIFY(!loaded.ok());
        QCOMPARE(loaded.error().code, code);
    }

    void recordsCannotBeSwappedBetweenAccounts()
    {
        Vault vault(m_path);
        QVERIFY(vault.store(QStringLiteral("alpha"), alphaCredentials, passphrase).ok());
        QVERIFY(vault.store(QStringLiteral("bravo"), bravoCredentials, passphrase).ok());
        // Same-length names: swapping them moves each sealed record to the other account.
        QByteArray bytes = readAll(m_path);
        const qsizetype alphaAt = bytes.indexOf("alpha");
        const qsizetype bravoAt = bytes.indexOf("bravo");
        QVERIFY(alphaAt > 0 && bravoAt > 0);
        bytes.replace(alphaAt, 5, "bravo");
        bytes.replace(bravoAt, 5, "alpha");
        writeAll(m_path, withFreshChecksum(bytes));
        QCOMPARE(vault.accounts(), (QStringList{QStringLiteral("bravo"), QStringLiteral("alpha")}));

        for (const QString &account : {QStringLiteral("alpha"), QStringLiteral("bravo")}) {
            const auto loaded = vault.load(account, passphrase);
            QVERIFY(!loaded.ok());
            QCOMPARE(loaded.error().code, QStringLiteral("vault.damaged"));
            QVERIFY(loaded.error().message.contains(account));
        }
    }

    void fileIsOwnerOnly()
    {
        Vault vault(m_path);
        QVERIFY(vault.store(QStringLiteral("alpha"), alphaCredentials, passphrase).ok());
        QCOMPARE(filePermissions(m_path), 0600);
        // A rewrite tightens a file someone loosened.
        QVERIFY(QFile::setPermissions(m_path, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadOther));
        QCOMPARE(filePermissions(m_path), 0604);
        QVERIFY(vault.remove(QStringLiteral("alpha")).ok());
        QCOMPARE(filePermissions(m_path), 0600);
        QVERIFY(!QFile::exists(m_path + QStringLiteral(".lock")));
    }

    void fileHoldsNoPlaintext()
    {
        Vault vault(m_path);
        QVERIFY(vault.store(QStringLiteral("alpha"), alphaCredentials, passphrase).ok());
        QVERIFY(vault.store(QStringLiteral("bravo"), bravoCredentials, passphrase).ok());
        const QByteArray bytes = readAll(m_path);
        QVERIFY(!bytes.isEmpty());
        const QStringList secrets{alphaCredentials.apiKey, alphaCredentials.secret, bravoCredentials.apiKey,
                                  bravoCredentials.secret, passphrase};
        for (const QString &secret : secrets) {
            const QByteArray utf8 = secret.toUtf8();
            // Any 8-byte window, so a partial leak would show too.
            for (qsizetype i = 0; i + 8 <= utf8.size(); ++i)
                QVERIFY2(!bytes.contains(utf8.mid(i, 8)), "vault file contains plaintext");
            QVERIFY(!bytes.contains(utf8.toBase64()));
            QVERIFY(!bytes.contains(utf8.toHex()));
            const QByteArray utf16(reinterpret_cast<const char *>(secret.utf16()), secret.size() * 2);
            QVERIFY(!bytes.contains(utf16));
        }
    }

    void errorsNeverQuoteSecrets()
    {
        Vault vault(m_path);
        QVERIFY(vault.store(QStringLiteral("alpha"), alphaCredentials, passphrase).ok());
        const auto wrong = vault.load(QStringLiteral("alpha"), QStringLiteral("guess"));
        QVERIFY(!wrong.ok());
        QVERIFY(!wrong.error().message.contains(QStringLiteral("guess")));
        QVERIFY(!wrong.error().message.contains(passphrase));
    }

    void scryptParametersAreStored()
    {
        Vault vault(m_path);
        QCOMPARE(vault.scryptParams().log2N, quint8(15));
        QVERIFY(vault.store(QStringLiteral("alpha"), alphaCredentials, passphrase).ok());
        const auto params = vault.storedParams(QStringLiteral("alpha"));
        QVERIFY(params.ok());
        QVERIFY((quint64(1) << params->log2N) >= (quint64(1) << 15));
        QCOMPARE(params->r, quint32(8));
        QCOMPARE(params->p, quint32(1));
        // Raw bytes agree: log2 N right after the KDF id.
        const QByteArray bytes = readAll(m_path);
        QCOMPARE(static_cast<int>(bytes[kParamsAt]), 1);
        QCOMPARE(static_cast<int>(bytes[kParamsAt + 1]), 15);

        // Weaker settings are refused; stronger ones go into new records only.
        vault.setScryptParams({14, 8, 1});
        QCOMPARE(vault.scryptParams().log2N, quint8(15));
        vault.setScryptParams({16, 8, 1});
        QCOMPARE(vault.scryptParams().log2N, quint8(16));
        QVERIFY(vault.store(QStringLiteral("bravo"), bravoCredentials, passphrase).ok());
        QCOMPARE(vault.storedParams(QStringLiteral("bravo"))->log2N, quint8(16));
        QCOMPARE(vault.storedParams(QStringLiteral("alpha"))->log2N, quint8(15));
        QVERIFY(vault.load(QStringLiteral("bravo"), passphrase).ok());
    }

    void saltAndNonceAreFreshPerWrite()
    {
        Vault vault(m_path);
        QVERIFY(vault.store(QStringLiteral("alpha"), alphaCredentials, passphrase).ok());
        const QByteArray first = readAll(m_path);
        QVERIFY(vault.store(QStringLiteral("alpha"), alphaCredentials, passphrase).ok());
        const QByteArray second = readAll(m_path);
        QCOMPARE(first.size(), second.size());
        QVERIFY(first.mid(kSaltAt, 16) != second.mid(kSaltAt, 16));
        QVERIFY(first.mid(kNonceAt, 12) != second.mid(kNonceAt, 12));
        QVERIFY(first.mid(kCiphertextAt, 16) != second.mid(kCiphertextAt, 16));
    }

    void foreignFileIsNotOverwritten()
    {
        writeAll(m_path, QByteArrayLiteral("{\"not\": \"a vault\"}"));
        Vault vault(m_path);
        const auto stored = vault.store(QStringLiteral("alpha"), alphaCredentials, passphrase);
        QVERIFY(!stored.ok());
        QCOMPARE(stored.error().code, QStringLiteral("vault.damaged"));
        QCOMPARE(readAll(m_path), QByteArrayLiteral("{\"not\": \"a vault\"}"));
    }

    void keyStoreFallsBackToTheVaultFile()
    {
        // Always runs: the forced fallback, whatever the machine has.
        KeyStore store(m_path, KeyStore::Mode::VaultOnly);
        QCOMPARE(store.backend(), KeyStore::Backend::VaultFile);
        QVERIFY(store.store(QStringLiteral("alpha"), alphaCredentials, passphrase).ok());
        QVERIFY(store.vault().contains(QStringLiteral("alpha")));
        const auto loaded = store.load(QStringLiteral("alpha"), passphrase);
        QVERIFY(loaded.ok());
        QCOMPARE(loaded->secret, alphaCredentials.secret);
        const auto wrong = store.load(QStringLiteral("alpha"), QStringLiteral("nope"));
        QVERIFY(!wrong.ok());
        QCOMPARE(wrong.error().message, QStringLiteral("wrong passphrase for alpha"));
        QVERIFY(store.remove(QStringLiteral("alpha")).ok());
        QVERIFY(!store.load(QStringLiteral("alpha"), passphrase).ok());
    }

    void keyStoreAutoPicksABackendQuickly()
    {
        QElapsedTimer timer;
        timer.start();
        const bool available = KeyStore::systemKeychainAvailable();
        const qint64 firstMs = timer.restart();
        QCOMPARE(KeyStore::systemKeychainAvailable(), available); // cached
        // Reported, not asserted: a busy machine must not fail the suite.
        qInfo("keychain compiled in: %s, available: %s, probe took %lld ms, the cached answer %lld ms",
              KeyStore::keychainCompiledIn() ? "yes" : "no", available ? "yes" : "no", static_cast<long long>(firstMs),
              static_cast<long long>(timer.elapsed()));

        KeyStore store(m_path);
        QCOMPARE(store.backend(), available ? KeyStore::Backend::SystemKeychain : KeyStore::Backend::VaultFile);
        if (available)
            return; // the keychain path is covered by systemKeychainRoundTrip
        QVERIFY(store.store(QStringLiteral("alpha"), alphaCredentials, passphrase).ok());
        QVERIFY(QFile::exists(m_path));
        const auto loaded = store.load(QStringLiteral("alpha"), passphrase);
        QVERIFY(loaded.ok());
        QCOMPARE(loaded->apiKey, alphaCredentials.apiKey);
        QVERIFY(store.remove(QStringLiteral("alpha")).ok());
    }

    void systemKeychainRoundTrip()
    {
        if (!KeyStore::systemKeychainAvailable())
            QSKIP("no system keychain here (no D-Bus session or no Secret Service); the vault fallback is tested");
        // A service name of its own, so a developer's real entries are never touched.
        const QString service = QStringLiteral("Ballast test %1").arg(QCoreApplication::applicationPid());
        KeyStore store(m_path, KeyStore::Mode::Auto, service);
        QCOMPARE(store.backend(), KeyStore::Backend::SystemKeychain);
        const QString account = QStringLiteral("tst_vault-alpha");
        const auto stored = store.store(account, alphaCredentials, QString());
        QVERIFY2(stored.ok(), stored.ok() ? "" : qPrintable(stored.error().message));
        QVERIFY(!QFile::exists(m_path)); // nothing went to the file
        const auto loaded = store.load(account, QString());
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : qPrintable(loaded.error().message));
        QCOMPARE(loaded->secret, alphaCredentials.secret);
        QVERIFY(store.remove(account).ok());
        QVERIFY(!store.load(account, QString()).ok());
    }

private:
    QTemporaryDir m_dir;
    QString m_path;
    QByteArray m_pristine;
    int m_counter = 0;
};

QTEST_GUILESS_MAIN(TestVault)
#include "tst_vault.moc"
