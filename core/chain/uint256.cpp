#include "chain/uint256.h"

namespace ballast::chain {

namespace {

int digitValue(QChar c)
{
    const char16_t u = c.unicode();
    if (u >= u'0' && u <= u'9')
        return u - u'0';
    if (u >= u'a' && u <= u'f')
        return u - u'a' + 10;
    if (u >= u'A' && u <= u'F')
        return u - u'A' + 10;
    return -1;
}

} // namespace

UInt256 UInt256::fromUInt64(std::uint64_t value)
{
    UInt256 out;
    out.m_limbs[0] = static_cast<std::uint32_t>(value);
    out.m_limbs[1] = static_cast<std::uint32_t>(value >> 32);
    return out;
}

Result<UInt256> UInt256::fromDigits(QStringView digits, int base)
{
    if (digits.isEmpty())
        return makeError(QStringLiteral("chain.number"), QStringLiteral("has no digits"));
    UInt256 out;
    for (const QChar c : digits) {
        const int value = digitValue(c);
        if (value < 0 || value >= base) {
            return makeError(QStringLiteral("chain.number"),
                             QStringLiteral("has a character that is not a %1 digit")
                                 .arg(base == 16 ? QStringLiteral("hex") : QStringLiteral("decimal")));
        }
        if (!out.mulAdd(static_cast<std::uint32_t>(base), static_cast<std::uint32_t>(value)))
            return makeError(QStringLiteral("chain.range"), QStringLiteral("is larger than 2^256 - 1"));
    }
    return out;
}

bool UInt256::mulAdd(std::uint32_t factor, std::uint32_t addend)
{
    std::uint64_t carry = addend;
    for (std::uint32_t &limb : m_limbs) {
        const std::uint64_t product = static_cast<std::uint64_t>(limb) * factor + carry;
        limb = static_cast<std::uint32_t>(product);
        carry = product >> 32;
    }
    return carry == 0;
}

std::uint32_t UInt256::divide(std::uint32_t divisor)
{
    std::uint64_t remainder = 0;
    for (auto it = m_limbs.rbegin(); it != m_limbs.rend(); ++it) {
        const std::uint64_t current = (remainder << 32) | *it;
        *it = static_cast<std::uint32_t>(current / divisor);
        remainder = current % divisor;
    }
    return static_cast<std::uint32_t>(remainder);
}

bool UInt256::isZero() const
{
    for (const std::uint32_t limb : m_limbs) {
        if (limb != 0)
            return false;
    }
    return true;
}

Result<money::Decimal> UInt256::scaled(int decimals) const
{
    if (decimals < 0 || decimals > 255)
        return makeError(QStringLiteral("chain.decimals"), QStringLiteral("has %1 decimals (0 to 255)").arg(decimals));
    const Error tooLarge = makeError(QStringLiteral("chain.range"),
                                     QStringLiteral("is larger than Ballast's limit of about 1.7e20 units"));
    UInt256 value = *this;
    for (int i = money::Decimal::kScale; i < decimals; ++i) {
        if (value.divide(10) != 0) {
            return makeError(QStringLiteral("chain.inexact"),
                             QStringLiteral("has digits below 10^-18 (%1 decimals), which Ballast cannot hold exactly")
                                 .arg(decimals));
        }
    }
    for (int i = decimals; i < money::Decimal::kScale; ++i) {
        if (!value.mulAdd(10, 0))
            return tooLarge;
    }
    // A Decimal's mantissa is a signed 128-bit integer: the top 129 bits must be clear.
    if (value.m_limbs[4] != 0 || value.m_limbs[5] != 0 || value.m_limbs[6] != 0 || value.m_limbs[7] != 0
        || (value.m_limbs[3] & 0x8000'0000U) != 0) {
        return tooLarge;
    }
    money::UInt128 raw = 0;
    for (int i = 3; i >= 0; --i)
        raw = (raw << 32) | value.m_limbs[static_cast<std::size_t>(i)];
    return money::Decimal::fromRaw(static_cast<money::Int128>(raw));
}

Result<std::uint64_t> UInt256::toUInt64() const
{
    for (std::size_t i = 2; i < m_limbs.size(); ++i) {
        if (m_limbs[i] != 0)
            return makeError(QStringLiteral("chain.range"), QStringLiteral("is larger than 2^64 - 1"));
    }
    return (static_cast<std::uint64_t>(m_limbs[1]) << 32) | m_limbs[0];
}

QString UInt256::toWord() const
{
    QString out = QStringLiteral("0x");
    for (auto it = m_limbs.rbegin(); it != m_limbs.rend(); ++it)
        out += QStringLiteral("%1").arg(*it, 8, 16, QLatin1Char('0'));
    return out;
}

QString UInt256::toQuantity() const
{
    QString digits = toWord().mid(2);
    while (digits.size() > 1 && digits.front() == QLatin1Char('0'))
        digits.remove(0, 1);
    return QStringLiteral("0x") + digits;
}

QString UInt256::toDecimalString() const
{
    if (isZero())
        return QStringLiteral("0");
    UInt256 value = *this;
    QString out;
    while (!value.isZero())
        out.prepend(QChar(u'0' + value.divide(10)));
    return out;
}

} // namespace ballast::chain
