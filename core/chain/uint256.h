#pragma once

#include "common/result.h"
#include "money/decimal.h"

#include <QString>
#include <QStringView>

#include <array>
#include <cstdint>

namespace ballast::chain {

/// An unsigned 256-bit integer, the width of every EVM word: token balances
/// arrive as uint256 and Solana token amounts as u64 digit strings. Only what
/// reading a balance needs: digits in, an exact Decimal out (never wrapped).
class UInt256
{
public:
    UInt256() = default;
    static UInt256 fromUInt64(std::uint64_t value);

    /// Digits in base 10 or 16 (no prefix, no sign, at least one digit). The
    /// error says what is wrong: an empty text, a character that is not a
    /// digit, a value past 2^256 - 1.
    static Result<UInt256> fromDigits(QStringView digits, int base);

    /// The value times 10^-decimals as a Decimal, exactly: refused when it
    /// passes Decimal's range (about 1.7e20 units) or, for more than 18
    /// decimals, when it has digits below 10^-18 that a Decimal cannot hold.
    [[nodiscard]] Result<money::Decimal> scaled(int decimals) const;

    /// The value when it fits 64 bits.
    [[nodiscard]] Result<std::uint64_t> toUInt64() const;

    /// "0x" and the shortest hex digits ("0x0" for zero): a JSON-RPC quantity.
    [[nodiscard]] QString toQuantity() const;
    /// "0x" and 64 hex digits: a 32-byte word as eth_call answers it.
    [[nodiscard]] QString toWord() const;
    /// Decimal digits.
    [[nodiscard]] QString toDecimalString() const;

    [[nodiscard]] bool isZero() const;
    bool operator==(const UInt256 &other) const = default;

private:
    bool mulAdd(std::uint32_t factor, std::uint32_t addend); ///< false on overflow
    std::uint32_t divide(std::uint32_t divisor); ///< returns the remainder

    std::array<std::uint32_t, 8> m_limbs{}; ///< little-endian 32-bit limbs
};

} // namespace ballast::chain
