#include "security/keychainmodule.h"
#include "security/keystore.h"
#include "security/vault.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using ballast::security::Credentials;
using ballast::security::KeyStore;
using ballast::security::Vault;
namespace keychain = ballast::security::keychain;

namespace {

const QString passphrase = QStringLiteral("correct horse battery staple");
// Database identities (Database::databaseId() is 32 hex digits).
const QString databaseId = QStringLiteral("c0ffee00d15ea5e5bada55decafbabe1");
const QString otherDatabaseId = QStringLiteral("feedface0badf00ddeadbeef8badcafe");

/// A vault at the lowest accepted cost (2^15), so that the many rows below
/// stay quick; the default cost has tests of its own.
Vault fastVault(const QString &path, const QString &id = databaseId)
{
    Vault vault(path, id);
    vault.setScryptParams({15, 8, 1});
    return vault;
}
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
constexpr qsizetype kBindingAt = kNameAt + 5;
constexpr qsizetype kDatabaseIdAt = kBindingAt + 2;
constexpr qsizetype kParamsAt = kDatabaseIdAt + 32;
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
        QVERIFY(fastVault(path).store(QStringLiteral("alpha"), alphaCredentials, passphrase).ok());
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
        Vault vault = fastVault(m_path);
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
        Vault vault = fastVault(m_path);
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
        Vault vault = fastVault(m_path);
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
        Vault vault = fastVault(m_path);
        QVERIFY(vault.store(QStringLiteral("alpha"), alphaCredentials, passphrase).ok());
        const auto loaded = vault.load(QStringLiteral("alpha"), QStringLiteral("Correct horse battery staple"));
        QVERIFY(!loaded.ok());
        QCOMPARE(loaded.error().code, QStringLiteral("vault.wrong-passphrase"));
        QCOMPARE(loaded.error().message, QStringLiteral("wrong passphrase for alpha"));
    }

    void unknownAccountIsNamed()
    {
        Vault vault = fastVault(m_path);
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
        Vault vault = fastVault(m_path);
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
        Vault vault = fastVault(m_path);
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
        QTest::newRow("binding") << kBindingAt;
        QTest::newRow("database id") << kDatabaseIdAt + 4;
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
        Vault vault = fastVault(m_path);
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
        // Another identity: refused as another database's before any key is derived.
        QTest::newRow("database id") << kDatabaseIdAt + 4 << QStringLiteral("vault.other-database");
        // Salt or check altered: the key no longer matches, which cannot be
        // told apart from a wrong passphrase; it still never decrypts.
        QTest::newRow("salt") << kSaltAt << QStringLiteral("vault.wrong-passphrase");
        QTest::newRow("check") << kCheckAt << QStringLiteral("vault.wrong-passphrase");
    }

    void tamperingWithAValidChecksumStillFails()
    {
        QFETCH(qsizetype, offset);
        QFETCH(QString, code);
        Vault vault = fastVault(m_path);
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
        Vault vault = fastVault(m_path);
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
        Vault vault = fastVault(m_path);
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
        Vault vault = fastVault(m_path);
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
        Vault vault = fastVault(m_path);
        QVERIFY(vault.store(QStringLiteral("alpha"), alphaCredentials, passphrase).ok());
        const auto wrong = vault.load(QStringLiteral("alpha"), QStringLiteral("guess"));
        QVERIFY(!wrong.ok());
        QVERIFY(!wrong.error().message.contains(QStringLiteral("guess")));
        QVERIFY(!wrong.error().message.contains(passphrase));
    }

    void scryptParametersAreStored()
    {
        Vault vault = fastVault(m_path);
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
        Vault vault = fastVault(m_path);
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
        Vault vault = fastVault(m_path);
        const auto stored = vault.store(QStringLiteral("alpha"), alphaCredentials, passphrase);
        QVERIFY(!stored.ok());
        QCOMPARE(stored.error().code, QStringLiteral("vault.damaged"));
        QCOMPARE(readAll(m_path), QByteArrayLiteral("{\"not\": \"a vault\"}"));
    }

    void defaultCostIsScrypt2To17()
    {
        Vault vault(m_path, databaseId);
        QCOMPARE(vault.scryptParams().log2N, quint8(17));
        QCOMPARE(vault.scryptParams().r, quint32(8));
        QCOMPARE(vault.scryptParams().p, quint32(1));
        // 128 MiB of scrypt memory: OpenSSL's limit must allow it.
        const auto stored = vault.store(QStringLiteral("alpha"), alphaCredentials, passphrase);
        QVERIFY2(stored.ok(), stored.ok() ? "" : qPrintable(stored.error().message));
        QCOMPARE(vault.storedParams(QStringLiteral("alpha"))->log2N, quint8(17));
        QCOMPARE(static_cast<int>(readAll(m_path)[kParamsAt + 1]), 17);
        const auto loaded = vault.load(QStringLiteral("alpha"), passphrase);
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : qPrintable(loaded.error().message));
        QCOMPARE(loaded->secret, alphaCredentials.secret);
    }

    void aVaultCopiedFromAnotherDatabaseIsRefused()
    {
        Vault original = fastVault(m_path);
        QVERIFY(original.store(QStringLiteral("alpha"), alphaCredentials, passphrase).ok());
        const QString copy = m_path + QStringLiteral(".copy");
        QVERIFY(QFile::copy(m_path, copy));

        // Same passphrase, same account name, another database: refused, and said so.
        Vault elsewhere = fastVault(copy, otherDatabaseId);
        const auto loaded = elsewhere.load(QStringLiteral("alpha"), passphrase);
        QVERIFY(!loaded.ok());
        QCOMPARE(loaded.error().code, QStringLiteral("vault.other-database"));
        QVERIFY2(loaded.error().message.contains(QStringLiteral("belongs to another Ballast database")),
                 qPrintable(loaded.error().message));
        QVERIFY(!loaded.error().message.contains(passphrase));
        QCOMPARE(readAll(copy), readAll(m_path)); // nothing re-sealed or rewritten

        // Writing the other identity into the record does not help: it is in the AAD.
        QByteArray bytes = readAll(m_path);
        QCOMPARE(bytes.mid(kDatabaseIdAt, 32), databaseId.toLatin1());
        bytes.replace(kDatabaseIdAt, 32, otherDatabaseId.toLatin1());
        writeAll(copy, withFreshChecksum(bytes));
        const auto forged = elsewhere.load(QStringLiteral("alpha"), passphrase);
        QVERIFY(!forged.ok());
        QCOMPARE(forged.error().code, QStringLiteral("vault.damaged"));

        // The original still opens where it belongs.
        QVERIFY(original.load(QStringLiteral("alpha"), passphrase).ok());
        // A vault used without an identity refuses rather than ignoring the binding.
        QCOMPARE(Vault(m_path, QString()).load(QStringLiteral("alpha"), passphrase).error().code,
                 QStringLiteral("vault.unbound"));
    }

    void aVersion1FileOpensAndIsResealedAtTheNextUnlock()
    {
        // Written by the previous release: records bound to the account name
        // only, scrypt N = 2^15, passphrase and keys as above.
        const QString fixture = QFINDTESTDATA("data/vault-v1-scrypt15.bin");
        QVERIFY(!fixture.isEmpty());
        QVERIFY(QFile::copy(fixture, m_path));
        QVERIFY(QFile::setPermissions(m_path, QFile::ReadOwner | QFile::WriteOwner));
        QCOMPARE(readAll(m_path)[8], char(1));

        Vault vault(m_path, databaseId); // the default cost, 2^17
        QCOMPARE(vault.accounts(), (QStringList{QStringLiteral("alpha"), QStringLiteral("bravo")}));
        QCOMPARE(vault.storedParams(QStringLiteral("alpha"))->log2N, quint8(15));
        QCOMPARE(*vault.isBound(QStringLiteral("alpha")), false);

        // A wrong passphrase changes nothing.
        const QByteArray before = readAll(m_path);
        QCOMPARE(vault.load(QStringLiteral("alpha"), QStringLiteral("wrong")).error().code,
                 QStringLiteral("vault.wrong-passphrase"));
        QCOMPARE(readAll(m_path), before);

        const auto alpha = vault.load(QStringLiteral("alpha"), passphrase);
        QVERIFY2(alpha.ok(), alpha.ok() ? "" : qPrintable(alpha.error().message));
        QCOMPARE(alpha->apiKey, alphaCredentials.apiKey);
        QCOMPARE(alpha->secret, alphaCredentials.secret);

        // Re-sealed: this database's binding, the current cost, a version-2 file.
        QCOMPARE(readAll(m_path)[8], char(2));
        QCOMPARE(vault.storedParams(QStringLiteral("alpha"))->log2N, quint8(17));
        QCOMPARE(*vault.isBound(QStringLiteral("alpha")), true);
        // The other record is kept as it was, and still opens (then is re-sealed too).
        QCOMPARE(vault.storedParams(QStringLiteral("bravo"))->log2N, quint8(15));
        QCOMPARE(*vault.isBound(QStringLiteral("bravo")), false);
        const auto bravo = vault.load(QStringLiteral("bravo"), passphrase);
        QVERIFY(bravo.ok());
        QCOMPARE(bravo->secret, bravoCredentials.secret);
        QCOMPARE(*vault.isBound(QStringLiteral("bravo")), true);

        // The re-sealed record opens here and is refused next to another database.
        QVERIFY(vault.load(QStringLiteral("alpha"), passphrase).ok());
        QCOMPARE(Vault(m_path, otherDatabaseId).load(QStringLiteral("alpha"), passphrase).error().code,
                 QStringLiteral("vault.other-database"));
        QCOMPARE(filePermissions(m_path), 0600);
    }

    void aRecordAtAnOldCostIsResealedAtTheNextUnlock()
    {
        QVERIFY(fastVault(m_path).store(QStringLiteral("alpha"), alphaCredentials, passphrase).ok());
        Vault vault(m_path, databaseId);
        QCOMPARE(vault.storedParams(QStringLiteral("alpha"))->log2N, quint8(15));
        QVERIFY(vault.load(QStringLiteral("alpha"), passphrase).ok());
        QCOMPARE(vault.storedParams(QStringLiteral("alpha"))->log2N, quint8(17));
        const QByteArray resealed = readAll(m_path);
        // Once at the current cost, an unlock writes nothing.
        const auto again = vault.load(QStringLiteral("alpha"), passphrase);
        QVERIFY(again.ok());
        QCOMPARE(again->secret, alphaCredentials.secret);
        QCOMPARE(readAll(m_path), resealed);
    }

    void aNewKeysPassphraseIsCheckedAgainstTheVault()
    {
        Vault vault = fastVault(m_path);
        // No vault yet: any passphrase will be the vault's.
        QVERIFY(vault.checkPassphrase(QStringLiteral("anything")).ok());
        QCOMPARE(vault.checkPassphrase(QString()).error().code, QStringLiteral("vault.invalid"));
        QVERIFY(vault.store(QStringLiteral("alpha"), alphaCredentials, passphrase).ok());
        const QByteArray before = readAll(m_path);
        QVERIFY(vault.checkPassphrase(passphrase).ok());
        const auto wrong = vault.checkPassphrase(QStringLiteral("correct horse battery stapel"));
        QVERIFY(!wrong.ok());
        QCOMPARE(wrong.error().code, QStringLiteral("vault.wrong-passphrase"));
        QVERIFY2(wrong.error().message.contains(QStringLiteral("does not open the key vault")),
                 qPrintable(wrong.error().message));
        QVERIFY(!wrong.error().message.contains(QStringLiteral("stapel")));
        QCOMPARE(readAll(m_path), before);

        // The key store offers the same check (the CLI and the desktop app use it).
        KeyStore store(m_path, databaseId, KeyStore::Mode::VaultOnly);
        QVERIFY(store.checkPassphrase(passphrase).ok());
        QCOMPARE(store.checkPassphrase(QStringLiteral("nope")).error().code, QStringLiteral("vault.wrong-passphrase"));
    }

    void keyStoreFallsBackToTheVaultFile()
    {
        // Always runs: the forced fallback, whatever the machine has.
        KeyStore store(m_path, databaseId, KeyStore::Mode::VaultOnly);
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

        KeyStore store(m_path, databaseId);
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

    void keychainModuleLoadsOnlyWhenAsked()
    {
        // QtKeychain and D-Bus are in the module, not in what links core:
        // nothing of them is mapped until the module is loaded.
        const auto mapped = [](const char *name) {
            QFile maps(QStringLiteral("/proc/self/maps"));
            return maps.open(QIODevice::ReadOnly) && maps.readAll().contains(name);
        };
        QVERIFY(!mapped("libqt6keychain"));
        QVERIFY(!mapped("libQt6DBus"));
#ifndef BALLAST_TEST_KEYCHAIN_MODULE
        QCOMPARE(KeyStore::keychainCompiledIn(), false);
        QSKIP("this build has no keychain module (QtKeychain was not found)");
#else
        QVERIFY(KeyStore::keychainCompiledIn());
        QString why;
        const keychain::Calls *calls = keychain::load(QStringLiteral(BALLAST_TEST_KEYCHAIN_MODULE), &why);
        QVERIFY2(calls, qPrintable(why));
        QCOMPARE(calls->version, keychain::kCallsVersion);
        QVERIFY(mapped("libqt6keychain"));
        // A session bus address that leads nowhere: the module's job ends
        // with "no keychain" or an error, never with an entry or a hang.
        const QByteArray bus = qgetenv("DBUS_SESSION_BUS_ADDRESS");
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/ballast-test-bus");
        const keychain::Reply reply =
            calls->read(QStringLiteral("Ballast test"), QStringLiteral("tst_vault-nothing"), 20000);
        qputenv("DBUS_SESSION_BUS_ADDRESS", bus);
        QVERIFY2(reply.answer == keychain::Answer::NoBackend || reply.answer == keychain::Answer::Failed,
                 qPrintable(QStringLiteral("answer %1: %2").arg(static_cast<int>(reply.answer)).arg(reply.why)));
        QVERIFY(!reply.why.isEmpty());
        QVERIFY(reply.data.isEmpty());
#endif
    }

    void keychainModuleRefusesWhatIsNotIt()
    {
        QString why;
        const QString missing = m_dir.filePath(QStringLiteral("no-such-module.so"));
        QVERIFY(keychain::load(missing, &why) == nullptr);
        QVERIFY2(why.contains(QStringLiteral("no-such-module.so: no such file")), qPrintable(why));
        const QString text = m_dir.filePath(QStringLiteral("not-a-library.so"));
        QFile file(text);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("not a shared library\n");
        file.close();
        why.clear();
        QVERIFY(keychain::load(text, &why) == nullptr);
        QVERIFY2(why.startsWith(QDir::toNativeSeparators(text)), qPrintable(why));
        QVERIFY(keychain::load(QString(), &why) == nullptr);
    }

    void systemKeychainRoundTrip()
    {
        if (!KeyStore::systemKeychainAvailable())
            QSKIP("no system keychain here (no D-Bus session or no Secret Service); the vault fallback is tested");
        // A service name of its own, so a developer's real entries are never touched.
        const QString service = QStringLiteral("Ballast test %1").arg(QCoreApplication::applicationPid());
        KeyStore store(m_path, databaseId, KeyStore::Mode::Auto, service);
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
