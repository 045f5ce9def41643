#pragma once

#include "money/decimal.h"

#include <QString>

namespace ballast::exchange {

/// One deposit to or withdrawal from an exchange account, as its history
/// lists it (Binance capital deposit and withdrawal history).
struct Movement
{
    enum class Direction { Deposit, Withdrawal };
    enum class State {
        Pending, ///< not booked yet (or not final): it may still change
        Completed, ///< booked on the account
        Failed, ///< rejected, cancelled or failed: never moved the balance
    };

    Direction direction = Direction::Deposit;
    QString id; ///< the exchange's id of the record
    QString asset; ///< plain symbol ("BTC")
    /// Deposits: what arrived. Withdrawals: what was sent; the fee comes on top.
    money::Decimal amount;
    money::Decimal fee; ///< withdrawals: the network fee the exchange charged, in the asset
    QString network; ///< "BTC", "ETH", "BSC", ...; empty when not given
    QString txHash; ///< the blockchain transaction id; empty for internal transfers
    QString address;
    bool internal = false; ///< a transfer between two accounts of the exchange (no chain)
    qint64 timeMs = 0; ///< deposits: insertTime; withdrawals: applyTime
    State state = State::Pending;
    QString status; ///< the exchange's status, as text, for messages

    bool operator==(const Movement &) const = default;
};

/// One entry of an exchange account's ledger (Kraken private/Ledgers): every
/// change of one asset's balance with what caused it.
struct LedgerEntry
{
    QString id; ///< the ledger id ("L4UESK-KG3EQ-UFO4T5")
    QString refid; ///< what caused it: for trades the trade id
    qint64 timeMs = 0;
    QString type; ///< "trade", "deposit", "withdrawal", "staking", "transfer", "earn", ...
    QString subtype;
    QString assetClass; ///< "currency"
    QString asset; ///< as the exchange writes it ("XXBT", "ZEUR", "DOT.S")
    money::Decimal amount; ///< signed change, before the fee
    money::Decimal fee;
    money::Decimal balance; ///< the asset's balance after the entry

    bool operator==(const LedgerEntry &) const = default;
};

} // namespace ballast::exchange
