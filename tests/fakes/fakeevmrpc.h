#pragma once

#include "fakejsonrpc.h"

#include <QHash>
#include <QString>

#include <optional>

namespace ballast::test::fake {

/// A loopback EVM JSON-RPC endpoint (what geth, a provider such as Infura or
/// Alchemy, or a public RPC serves) with the calls Ballast's balance reader
/// makes:
///
/// - `eth_chainId`: the chain id as a hex quantity;
/// - `eth_blockNumber`: a fixed block;
/// - `eth_getBalance [address, block]`: wei as a hex quantity ("0x0" for an
///   address nobody set);
/// - `eth_call [{to, data}, block]`: balanceOf(address) (0x70a08231) and
///   decimals() (0x313ce567) of the configured tokens as 32-byte words;
///   "0x" for a call to an address without a contract, as a node answers;
///   -32000 "execution reverted" for another selector or a token without
///   decimals();
/// - -32602 for an address that is not 0x and 40 hex digits or a block that is
///   not a tag or a quantity; -32601 for any other method;
/// - plus everything FakeJsonRpc does (batches, -32700, 429).
class FakeEvmRpc : public FakeJsonRpc
{
    Q_OBJECT

public:
    explicit FakeEvmRpc(QObject *parent = nullptr);

    void setChainId(quint64 chainId) { m_chainId = chainId; }
    /// @p wei in decimal digits (up to 2^256 - 1).
    void setBalance(const QString &address, const QString &wei);
    /// A token contract; without @p decimals its decimals() reverts.
    void addToken(const QString &contract, std::optional<int> decimals);
    /// @p units in decimal digits: the raw uint256 balanceOf answers.
    void setTokenBalance(const QString &contract, const QString &owner, const QString &units);

protected:
    Reply dispatch(const QString &method, const QJsonArray &params) override;

private:
    struct Token
    {
        std::optional<int> decimals;
        QHash<QString, QString> balances; ///< lower-case owner -> units
    };

    quint64 m_chainId = 1;
    QHash<QString, QString> m_balances; ///< lower-case address -> wei
    QHash<QString, Token> m_tokens; ///< lower-case contract
};

} // namespace ballast::test::fake
