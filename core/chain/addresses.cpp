#include "chain/addresses.h"

#include "chain/base58.h"
#include "chain/hashes.h"

#include <QRegularExpression>

namespace ballast::chain {

namespace {

Error addressError(const QString &why)
{
    return makeError(QStringLiteral("chain.address"), why);
}

bool isHexDigit(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= '0' && u <= '9') || (u >= 'a' && u <= 'f') || (u >= 'A' && u <= 'F');
}

} // namespace

QString evmChecksumAddress(const QByteArray &address20)
{
    const QByteArray lower = address20.toHex();
    const QByteArray hash = keccak256(lower);
    QString out = QStringLiteral("0x");
    out.reserve(42);
    for (qsizetype i = 0; i < lower.size(); ++i) {
        const auto byte = static_cast<std::uint8_t>(hash.at(i / 2));
        const int nibble = (i % 2 == 0) ? (byte >> 4) : (byte & 0x0f);
        const char c = lower.at(i);
        out.append(QLatin1Char(c >= 'a' && nibble >= 8 ? static_cast<char>(c - 'a' + 'A') : c));
    }
    return out;
}

Result<QByteArray> parseEvmAddress(QStringView text)
{
    const QStringView trimmed = text.trimmed();
    if (!trimmed.startsWith(u"0x") && !trimmed.startsWith(u"0X"))
        return addressError(QStringLiteral("an EVM address starts with 0x"));
    const QStringView digits = trimmed.sliced(2);
    if (digits.size() != 40)
        return addressError(QStringLiteral("an EVM address has 40 hex digits after 0x, not %1").arg(digits.size()));
    bool lower = false;
    bool upper = false;
    for (qsizetype i = 0; i < digits.size(); ++i) {
        const QChar c = digits[i];
        if (!isHexDigit(c))
            return addressError(QStringLiteral("character %1 ('%2') is not a hex digit").arg(i + 3).arg(c));
        lower = lower || c.isLower();
        upper = upper || c.isUpper();
    }
    const QByteArray bytes = QByteArray::fromHex(digits.toLatin1());
    if (lower && upper && evmChecksumAddress(bytes).sliced(2) != digits) {
        return addressError(QStringLiteral("the EIP-55 checksum (the mix of upper and lower case) does not match: a "
                                           "character is mistyped"));
    }
    return bytes;
}

Result<QByteArray> parseSolanaAddress(QStringView text)
{
    auto bytes = base58::decode(text.trimmed());
    if (!bytes)
        return addressError(QStringLiteral("not a Solana address: %1").arg(bytes.error().message));
    if (bytes->size() != 32)
        return addressError(QStringLiteral("not a Solana address: %1 bytes instead of 32").arg(bytes->size()));
    return *bytes;
}

std::optional<QString> secretReason(QStringView text)
{
    const QString trimmed = text.trimmed().toString();
    static const QRegularExpression extendedPrivate(QStringLiteral("^[xyztuv]prv[1-9A-HJ-NP-Za-km-z]{100,}$"));
    if (extendedPrivate.match(trimmed).hasMatch())
        return QStringLiteral("this is an extended private key: it can spend the coins");
    const QStringList words = trimmed.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
    static const QRegularExpression word(QStringLiteral("^[a-z]{3,8}$"));
    if (words.size() >= 12 && words.size() <= 24 && words.size() % 3 == 0) {
        bool allWords = true;
        for (const QString &w : words)
            allWords = allWords && word.match(w).hasMatch();
        if (allWords)
            return QStringLiteral("this looks like a recovery phrase of %1 words: it can spend the coins")
                .arg(words.size());
    }
    static const QRegularExpression hex64(QStringLiteral("^(0x)?[0-9a-fA-F]{64}$"));
    if (hex64.match(trimmed).hasMatch())
        return QStringLiteral("64 hex digits are a private key's length: a private key can spend the coins");
    static const QRegularExpression byteArray(QStringLiteral("^\\[\\s*\\d{1,3}(\\s*,\\s*\\d{1,3}){63}\\s*\\]$"));
    if (byteArray.match(trimmed).hasMatch())
        return QStringLiteral("this looks like a Solana key file (64 numbers): it holds the secret key");
    if (trimmed.size() >= 50 && trimmed.size() <= 100) {
        if (auto wif = base58::decodeCheck(trimmed);
            wif && (wif->size() == 33 || wif->size() == 34) && (wif->at(0) == '\x80' || wif->at(0) == '\xef'))
            return QStringLiteral("this is a private key in wallet import format (WIF): it can spend the coins");
        if (auto raw = base58::decode(trimmed); raw && raw->size() == 64)
            return QStringLiteral("this looks like a Solana secret key (64 bytes): it can spend the coins");
    }
    return std::nullopt;
}

} // namespace ballast::chain
