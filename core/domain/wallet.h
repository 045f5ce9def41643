#pragma once

#include "money/decimal.h"

#include <QString>

#include <optional>

namespace ballast::domain {

/// What a watch-only wallet account watches on one network: an account key
/// (an extended public key, Bitcoin) or one address.
struct WalletSource
{
    qint64 id = 0;
    qint64 accountId = 0;
    QString network; ///< "bitcoin", "ethereum", "arbitrum", ..., "solana"
    QString kind; ///< "xpub" or "address"
    QString value; ///< the key or address as the person gave it (addresses normalised)
    QString script; ///< Bitcoin script type for a key ("p2wpkh", ...); empty otherwise

    bool operator==(const WalletSource &) const = default;
};

/// One address a wallet sync looked at, with what it held then.
struct WalletAddress
{
    QString network;
    qint64 sourceId = 0;
    QString path; ///< "0/5" below an account key; empty for a plain address
    QString address;
    QString asset;
    money::Decimal balance; ///< confirmed
    money::Decimal pending; ///< unconfirmed change (may be negative)
    qint64 txCount = 0;
    qint64 scannedAtMs = 0;

    bool operator==(const WalletAddress &) const = default;
};

/// An ERC-20 token an EVM wallet reads on one chain (its own, editable list).
struct WalletToken
{
    QString network; ///< the chain's key: "ethereum", "base", ...
    QString symbol; ///< the asset it is held as ("USDC")
    QString contract; ///< EIP-55 form
    std::optional<int> decimals; ///< empty: read from the contract

    bool operator==(const WalletToken &) const = default;
};

} // namespace ballast::domain
