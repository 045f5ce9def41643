#include "chain/base58.h"

#include "chain/hashes.h"

#include <array>
#include <vector>

namespace ballast::chain::base58 {

namespace {

constexpr char kAlphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
constexpr qsizetype kMaxText = 200;

int digitOf(QChar c)
{
    static const std::array<int, 128> table = [] {
        std::array<int, 128> t{};
        t.fill(-1);
        for (int i = 0; i < 58; ++i)
            t[static_cast<unsigned char>(kAlphabet[i])] = i;
        return t;
    }();
    const char16_t u = c.unicode();
    return u < 128 ? table[u] : -1;
}

} // namespace

QString encode(QByteArrayView bytes)
{
    qsizetype zeros = 0;
    while (zeros < bytes.size() && bytes[zeros] == 0)
        ++zeros;
    // Base-58 digits, least significant first.
    std::vector<unsigned char> digits;
    digits.reserve(static_cast<std::size_t>(bytes.size()) * 138 / 100 + 1);
    for (qsizetype i = zeros; i < bytes.size(); ++i) {
        int carry = static_cast<unsigned char>(bytes[i]);
        for (unsigned char &digit : digits) {
            carry += digit * 256;
            digit = static_cast<unsigned char>(carry % 58);
            carry /= 58;
        }
        while (carry > 0) {
            digits.push_back(static_cast<unsigned char>(carry % 58));
            carry /= 58;
        }
    }
    QString out(zeros, QLatin1Char('1'));
    out.reserve(zeros + static_cast<qsizetype>(digits.size()));
    for (auto it = digits.rbegin(); it != digits.rend(); ++it)
        out.append(QLatin1Char(kAlphabet[*it]));
    return out;
}

Result<QByteArray> decode(QStringView text)
{
    if (text.isEmpty())
        return makeError(QStringLiteral("base58.empty"), QStringLiteral("the text is empty"));
    if (text.size() > kMaxText)
        return makeError(
            QStringLiteral("base58.length"),
            QStringLiteral("the text is %1 characters long; at most %2 are read").arg(text.size()).arg(kMaxText));
    qsizetype ones = 0;
    while (ones < text.size() && text[ones] == QLatin1Char('1'))
        ++ones;
    // Bytes, least significant first.
    std::vector<unsigned char> bytes;
    for (qsizetype i = ones; i < text.size(); ++i) {
        const int digit = digitOf(text[i]);
        if (digit < 0) {
            return makeError(QStringLiteral("base58.character"),
                             QStringLiteral("character %1 ('%2') is not a Base58 character")
                                 .arg(i + 1)
                                 .arg(text[i].isPrint()
                                          ? QString(text[i])
                                          : QStringLiteral("U+%1").arg(text[i].unicode(), 4, 16, QLatin1Char('0'))));
        }
        int carry = digit;
        for (unsigned char &byte : bytes) {
            carry += byte * 58;
            byte = static_cast<unsigned char>(carry & 0xff);
            carry >>= 8;
        }
        while (carry > 0) {
            bytes.push_back(static_cast<unsigned char>(carry & 0xff));
            carry >>= 8;
        }
    }
    QByteArray out(ones, '\0');
    out.reserve(ones + static_cast<qsizetype>(bytes.size()));
    for (auto it = bytes.rbegin(); it != bytes.rend(); ++it)
        out.append(static_cast<char>(*it));
    return out;
}

QString encodeCheck(QByteArrayView payload)
{
    QByteArray withChecksum = payload.toByteArray();
    withChecksum.append(doubleSha256(payload).left(4));
    return encode(withChecksum);
}

Result<QByteArray> decodeCheck(QStringView text)
{
    auto bytes = decode(text);
    if (!bytes)
        return bytes.error();
    if (bytes->size() < 4)
        return makeError(QStringLiteral("base58.checksum"), QStringLiteral("too short to hold a checksum"));
    const QByteArray payload = bytes->left(bytes->size() - 4);
    if (doubleSha256(payload).left(4) != bytes->right(4))
        return makeError(QStringLiteral("base58.checksum"),
                         QStringLiteral("the checksum does not match (a character is wrong or missing)"));
    return payload;
}

} // namespace ballast::chain::base58
