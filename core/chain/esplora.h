#pragma once

#include "chain/bitcoinkeys.h"
#include "common/result.h"

#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <cstdint>
#include <functional>

namespace ballast::exchange {
class HttpClient;
}

namespace ballast::chain {

/// What an Esplora server (Blockstream's API, also served by mempool.space and
/// a self-hosted electrs) says about one address, in satoshis.
struct AddressActivity
{
    QString address;
    std::int64_t confirmedSats = 0; ///< chain_stats: funded minus spent
    std::int64_t pendingSats = 0; ///< mempool_stats: funded minus spent (may be negative)
    std::int64_t txCount = 0; ///< confirmed and unconfirmed transactions

    [[nodiscard]] bool used() const { return txCount > 0; }
};

/// Reads the answer of `GET /address/{address}`. Refused with the field that
/// is missing or wrong: a sum that is not a whole number from 0 to 21e14
/// satoshis, spent above funded in the confirmed stats, another address.
Result<AddressActivity> parseEsploraAddress(QByteArrayView body, QStringView address);

/// A client of the Esplora REST API over the caller's HttpClient (so on the
/// caller's thread: the account worker). Read-only, no key.
class EsploraClient
{
public:
    EsploraClient(exchange::HttpClient &http, QUrl baseUrl);

    /// `GET {base}/address/{address}`. Errors say which server and why: no
    /// answer, HTTP 400 (the server's own words, e.g. an invalid address),
    /// HTTP 429 (too many requests, with the wait it asks for), another status.
    Result<AddressActivity> address(const QString &address);
    [[nodiscard]] int requestsSent() const { return m_requests; }

private:
    exchange::HttpClient &m_http;
    QUrl m_base;
    int m_requests = 0;
};

/// One address a scan looked at.
struct ScannedAddress
{
    QString path; ///< "0/5" below the account key (receive 0, change 1); empty for a plain address
    AddressActivity activity;
};

struct WalletScan
{
    QList<ScannedAddress> addresses; ///< every address asked about, in order
    std::int64_t confirmedSats = 0;
    std::int64_t pendingSats = 0;
};

/// Called after each address; returning false cancels the scan (the result
/// is then an error with code "chain.cancelled").
using ScanProgress = std::function<bool(const ScannedAddress &)>;

/// The balance of an account key: its receive chain (0) and change chain (1)
/// are each walked from index 0 until @p gapLimit addresses in a row have no
/// transaction (BIP-44's gap limit, 20 by default).
Result<WalletScan> scanExtendedKey(const ExtendedPublicKey &key, EsploraClient &client, int gapLimit = 20,
                                   const ScanProgress &progress = {});
/// The balance of plain addresses (each checked for @p network first).
Result<WalletScan> scanAddresses(const QStringList &addresses, BitcoinNetwork network, EsploraClient &client,
                                 const ScanProgress &progress = {});

} // namespace ballast::chain
