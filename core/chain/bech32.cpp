#include "chain/bech32.h"

#include <array>
#include <cstdint>

namespace ballast::chain::bech32 {

namespace {

constexpr char kCharset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr std::uint32_t kBech32Constant = 1;
constexpr std::uint32_t kBech32mConstant = 0x2bc830a3;
constexpr qsizetype kMaxLength = 90;

std::uint32_t polymod(const QByteArray &values)
{
    constexpr std::array<std::uint32_t, 5> generator = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
    std::uint32_t checksum = 1;
    for (const char value : values) {
        const std::uint32_t top = checksum >> 25;
        checksum = ((checksum & 0x1ffffff) << 5) ^ static_cast<std::uint8_t>(value);
        for (int i = 0; i < 5; ++i) {
            if ((top >> i) & 1)
                checksum ^= generator[static_cast<std::size_t>(i)];
        }
    }
    return checksum;
}

QByteArray expandedHrp(QStringView hrp)
{
    QByteArray out;
    out.reserve(hrp.size() * 2 + 1);
    for (const QChar c : hrp)
        out.append(static_cast<char>(c.unicode() >> 5));
    out.append('\0');
    for (const QChar c : hrp)
        out.append(static_cast<char>(c.unicode() & 31));
    return out;
}

std::uint32_t constantOf(Variant variant)
{
    return variant == Variant::Bech32 ? kBech32Constant : kBech32mConstant;
}

int charsetIndex(QChar c)
{
    const char16_t u = c.toLower().unicode();
    for (int i = 0; i < 32; ++i) {
        if (static_cast<unsigned char>(kCharset[i]) == u)
            return i;
    }
    return -1;
}

Error refuse(const QString &why)
{
    return makeError(QStringLiteral("bech32.invalid"), why);
}

} // namespace

QString encode(QStringView hrp, QByteArrayView data, Variant variant)
{
    const QString lowerHrp = hrp.toString().toLower();
    QByteArray values = expandedHrp(lowerHrp);
    values.append(data.data(), data.size());
    values.append(QByteArray(6, '\0'));
    const std::uint32_t mod = polymod(values) ^ constantOf(variant);
    QString out = lowerHrp + QLatin1Char('1');
    for (const char value : data)
        out.append(QLatin1Char(kCharset[static_cast<std::uint8_t>(value) & 31]));
    for (int i = 0; i < 6; ++i)
        out.append(QLatin1Char(kCharset[(mod >> (5 * (5 - i))) & 31]));
    return out;
}

Result<Decoded> decode(QStringView text)
{
    if (text.size() > kMaxLength)
        return refuse(QStringLiteral("%1 characters; at most %2 are allowed").arg(text.size()).arg(kMaxLength));
    bool lower = false;
    bool upper = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t u = text[i].unicode();
        if (u < 33 || u > 126)
            return refuse(QStringLiteral("character %1 is outside the printable ASCII range").arg(i + 1));
        lower = lower || (u >= 'a' && u <= 'z');
        upper = upper || (u >= 'A' && u <= 'Z');
    }
    if (lower && upper)
        return refuse(QStringLiteral("mixes upper and lower case"));
    const qsizetype separator = text.lastIndexOf(QLatin1Char('1'));
    if (separator < 0)
        return refuse(QStringLiteral("has no separator ('1')"));
    if (separator == 0)
        return refuse(QStringLiteral("has an empty human-readable part"));
    if (text.size() - separator - 1 < 6)
        return refuse(QStringLiteral("the checksum is shorter than 6 characters"));
    Decoded out;
    out.hrp = text.left(separator).toString().toLower();
    QByteArray values = expandedHrp(out.hrp);
    for (qsizetype i = separator + 1; i < text.size(); ++i) {
        const int index = charsetIndex(text[i]);
        if (index < 0)
            return refuse(QStringLiteral("character %1 ('%2') is not a Bech32 character").arg(i + 1).arg(text[i]));
        values.append(static_cast<char>(index));
    }
    const std::uint32_t mod = polymod(values);
    if (mod == kBech32Constant)
        out.variant = Variant::Bech32;
    else if (mod == kBech32mConstant)
        out.variant = Variant::Bech32m;
    else
        return refuse(QStringLiteral("the checksum does not match (a character is wrong or missing)"));
    out.data = values.mid(out.hrp.size() * 2 + 1);
    out.data.chop(6);
    return out;
}

Result<QByteArray> convertBits(QByteArrayView in, int fromBits, int toBits, bool pad)
{
    std::uint32_t accumulator = 0;
    int bits = 0;
    const std::uint32_t maxValue = (1U << toBits) - 1;
    QByteArray out;
    out.reserve(in.size() * fromBits / toBits + 1);
    for (const char c : in) {
        const auto value = static_cast<std::uint8_t>(c);
        if ((value >> fromBits) != 0)
            return refuse(QStringLiteral("a value does not fit in %1 bits").arg(fromBits));
        accumulator = (accumulator << fromBits) | value;
        bits += fromBits;
        while (bits >= toBits) {
            bits -= toBits;
            out.append(static_cast<char>((accumulator >> bits) & maxValue));
        }
    }
    if (pad) {
        if (bits > 0)
            out.append(static_cast<char>((accumulator << (toBits - bits)) & maxValue));
    } else if (bits >= fromBits) {
        return refuse(QStringLiteral("more than 4 bits of padding"));
    } else if (((accumulator << (toBits - bits)) & maxValue) != 0) {
        return refuse(QStringLiteral("the padding bits are not zero"));
    }
    return out;
}

QString encodeSegwit(QStringView hrp, const WitnessProgram &witness)
{
    QByteArray data(1, static_cast<char>(witness.version));
    data.append(*convertBits(witness.program, 8, 5, true));
    return encode(hrp, data, witness.version == 0 ? Variant::Bech32 : Variant::Bech32m);
}

Result<WitnessProgram> decodeSegwit(QStringView hrp, QStringView address)
{
    auto decoded = decode(address);
    if (!decoded)
        return decoded.error();
    if (decoded->hrp != hrp.toString().toLower())
        return refuse(QStringLiteral("starts with '%1', not '%2'").arg(decoded->hrp, hrp.toString().toLower()));
    if (decoded->data.isEmpty())
        return refuse(QStringLiteral("has no data"));
    WitnessProgram out;
    out.version = static_cast<std::uint8_t>(decoded->data.at(0));
    if (out.version > 16)
        return refuse(QStringLiteral("witness version %1 does not exist (0 to 16)").arg(out.version));
    auto program = convertBits(QByteArrayView(decoded->data).sliced(1), 5, 8, false);
    if (!program)
        return program.error();
    out.program = *program;
    if (out.program.size() < 2 || out.program.size() > 40)
        return refuse(QStringLiteral("a witness program of %1 bytes (2 to 40)").arg(out.program.size()));
    if (out.version == 0 && out.program.size() != 20 && out.program.size() != 32)
        return refuse(QStringLiteral("a version 0 program of %1 bytes (20 or 32)").arg(out.program.size()));
    const Variant expected = out.version == 0 ? Variant::Bech32 : Variant::Bech32m;
    if (decoded->variant != expected) {
        return refuse(out.version == 0
                          ? QStringLiteral("a version 0 address with a Bech32m checksum")
                          : QStringLiteral("a version %1 address with a Bech32 checksum").arg(out.version));
    }
    return out;
}

} // namespace ballast::chain::bech32
