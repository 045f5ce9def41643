#pragma once

#include "chain/evmchains.h"
#include "chain/jsonrpc.h"
#include "common/result.h"
#include "money/decimal.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringView>
#include <QUrl>

#include <cstdint>

namespace ballast::exchange {
class HttpClient;
}

namespace ballast::chain {

/// A JSON-RPC quantity or data word ("0x" and 1 to 64 hex digits; leading
/// zeros allowed, as eth_call answers 32-byte words) as an amount with
/// @p decimals: exact, or refused when it passes Decimal's range or has
/// digits below 10^-18.
Result<money::Decimal> parseHexAmount(QStringView text, int decimals);
/// The same for a count that fits 64 bits (a chain id, a token's decimals).
Result<std::uint64_t> parseHexQuantity(QStringView text);

/// What balanceOf said about one token.
struct EvmTokenBalance
{
    QString symbol;
    QString contract; ///< EIP-55 form
    int decimals = 0;
    money::Decimal amount;
};

/// A reader of balances on an EVM chain through a JSON-RPC endpoint (the
/// person's own node or a provider), over the caller's HttpClient.
/// Read-only: eth_chainId, eth_getBalance and eth_call, never a key.
class EvmRpcClient
{
public:
    EvmRpcClient(exchange::HttpClient &http, QUrl endpoint);

    /// eth_chainId.
    Result<std::uint64_t> chainId();
    /// Refused with code "evm.chain" when the endpoint serves another chain
    /// than @p expected (a URL pasted for the wrong network).
    Status checkChain(std::uint64_t expected);
    /// eth_getBalance at "latest", in the native asset (18 decimals).
    Result<money::Decimal> nativeBalance(const QByteArray &address20);
    /// balanceOf of every token in one JSON-RPC batch, with decimals() for the
    /// tokens whose decimals are not given. All or nothing: any token that
    /// cannot be read fails the call, naming it.
    Result<QList<EvmTokenBalance>> tokenBalances(const QByteArray &owner20, const QList<EvmToken> &tokens);

    [[nodiscard]] QString host() const { return m_rpc.host(); }
    [[nodiscard]] int requestsSent() const { return m_rpc.requestsSent(); }

private:
    JsonRpcClient m_rpc;
};

} // namespace ballast::chain
