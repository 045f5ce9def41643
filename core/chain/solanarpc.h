#pragma once

#include "chain/jsonrpc.h"
#include "common/result.h"
#include "money/decimal.h"

#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringView>
#include <QUrl>

namespace ballast::exchange {
class HttpClient;
}

namespace ballast::chain {

/// The SPL Token program and the Token-2022 program: every token account is
/// owned by one of them.
inline constexpr auto kSolanaTokenProgram = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
inline constexpr auto kSolanaToken2022Program = "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb";

/// The symbol Ballast knows for a mint (USDC, USDT), or an empty string.
QString solanaMintSymbol(QStringView mint);

/// One token account as getTokenAccountsByOwner (encoding jsonParsed) shows it.
struct SplTokenAccount
{
    QString pubkey;
    QString mint;
    int decimals = 0;
    money::Decimal amount; ///< tokenAmount.amount scaled by its decimals, exact
};

/// The balance of one mint, summed over the owner's accounts of both programs.
struct SplTokenBalance
{
    QString mint;
    QString symbol; ///< the known symbol, else the mint address itself
    int decimals = 0;
    money::Decimal amount;
    int accounts = 0;
};

/// Reads the result of getBalance: {"context": {...}, "value": lamports}, in
/// SOL (9 decimals). Refused, naming the field, unless value is a whole number
/// from 0 to 2^63 - 1.
Result<money::Decimal> parseSolanaBalance(const QJsonValue &result);
/// Reads the result of getTokenAccountsByOwner with encoding jsonParsed:
/// value[i].pubkey and value[i].account.data.parsed.info.{mint, owner,
/// tokenAmount{amount, decimals}}. The exact amount string is read, never
/// uiAmount. Refused, naming the field (value[2].account.data.parsed.info.
/// tokenAmount.amount), for anything missing or wrong, and for an account of
/// another owner than @p owner.
Result<QList<SplTokenAccount>> parseTokenAccounts(const QJsonValue &result, QStringView owner);

/// A reader of SOL and SPL token balances through a Solana JSON-RPC endpoint,
/// over the caller's HttpClient. Read-only.
class SolanaRpcClient
{
public:
    SolanaRpcClient(exchange::HttpClient &http, QUrl endpoint);

    /// getBalance, in SOL.
    Result<money::Decimal> getBalance(const QString &pubkey);
    /// getTokenAccountsByOwner for the Token and the Token-2022 programs in one
    /// batch; balances summed per mint, ordered by symbol then mint. Accounts
    /// holding zero are kept (the person may want to see them go to zero).
    Result<QList<SplTokenBalance>> tokenBalances(const QString &owner);

    [[nodiscard]] QString host() const { return m_rpc.host(); }
    [[nodiscard]] int requestsSent() const { return m_rpc.requestsSent(); }

private:
    JsonRpcClient m_rpc;
};

} // namespace ballast::chain
