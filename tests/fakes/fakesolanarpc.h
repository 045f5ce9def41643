#pragma once

#include "fakejsonrpc.h"

#include <QHash>
#include <QList>
#include <QString>

namespace ballast::test::fake {

/// A loopback Solana JSON-RPC endpoint (what an Agave validator or a provider
/// serves) with the calls Ballast's balance reader makes, in their shapes:
///
/// - `getBalance [pubkey, config?]`: {"context": {"apiVersion", "slot"},
///   "value": lamports} (0 for an account nobody set);
/// - `getTokenAccountsByOwner [owner, {"programId"} or {"mint"}, {"encoding":
///   "jsonParsed"}]`: {"context", "value": [{pubkey, account: {data: {program,
///   parsed: {info: {isNative, mint, owner, state, tokenAmount: {amount,
///   decimals, uiAmount, uiAmountString}}, type}, space}, executable,
///   lamports, owner, rentEpoch, space}}]}, filtered by program or mint;
/// - -32602 for a pubkey that is not Base58 of 32 bytes, a filter with neither
///   or both of programId and mint, a program id that is not a token program,
///   or an encoding other than jsonParsed (the only one this fake writes);
///   -32601 for any other method; HTTP 429 with code 429, as Solana's public
///   endpoints answer;
/// - plus everything FakeJsonRpc does (batches, -32700).
class FakeSolanaRpc : public FakeJsonRpc
{
    Q_OBJECT

public:
    struct TokenAccount
    {
        QString pubkey; ///< the token account's own address
        QString mint;
        QString amount; ///< raw units, decimal digits (u64)
        int decimals = 0;
        bool token2022 = false; ///< owned by the Token-2022 program instead of the Token program
    };

    explicit FakeSolanaRpc(QObject *parent = nullptr);

    void setBalance(const QString &pubkey, quint64 lamports) { m_balances.insert(pubkey, lamports); }
    void addTokenAccount(const QString &owner, const TokenAccount &account) { m_accounts[owner].append(account); }
    /// Closes every token account of @p owner (as closing an emptied account
    /// does on Solana): they are no longer listed.
    void closeTokenAccounts(const QString &owner) { m_accounts.remove(owner); }
    void setSlot(quint64 slot) { m_slot = slot; }

protected:
    Reply dispatch(const QString &method, const QJsonArray &params) override;
    [[nodiscard]] int rateLimitCode() const override { return 429; }

private:
    [[nodiscard]] QJsonObject context() const;

    QHash<QString, quint64> m_balances;
    QHash<QString, QList<TokenAccount>> m_accounts; ///< by owner
    quint64 m_slot = 341197933;
};

} // namespace ballast::test::fake
