#include "chain/solanarpc.h"

#include "chain/addresses.h"
#include "chain/uint256.h"

#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>
#include <limits>

namespace ballast::chain {

namespace {

constexpr int kSolDecimals = 9; // 1 SOL = 10^9 lamports

Error answerError(const QString &why)
{
    return makeError(QStringLiteral("solana.answer"), QStringLiteral("unexpected Solana answer: %1").arg(why));
}

/// The field at a dotted path below @p root, or undefined.
QJsonValue at(const QJsonObject &root, QStringView path)
{
    QJsonValue value = root;
    for (const QStringView part : path.split(u'.'))
        value = value.toObject().value(part.toString());
    return value;
}

} // namespace

QString solanaMintSymbol(QStringView mint)
{
    // Mints of Circle's USDC (developers.circle.com, USDC contract addresses:
    // Solana) and Tether's USDT (tether.to, supported protocols: Solana).
    if (mint == u"EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v")
        return QStringLiteral("USDC");
    if (mint == u"Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB")
        return QStringLiteral("USDT");
    return {};
}

Result<money::Decimal> parseSolanaBalance(const QJsonValue &result)
{
    const QJsonValue value = result.toObject().value(QStringLiteral("value"));
    const qint64 lamports = value.toInteger(-1);
    if (!value.isDouble() || lamports < 0)
        return answerError(QStringLiteral("value is not a whole number of lamports"));
    return UInt256::fromUInt64(static_cast<std::uint64_t>(lamports)).scaled(kSolDecimals);
}

Result<QList<SplTokenAccount>> parseTokenAccounts(const QJsonValue &result, QStringView owner)
{
    const QJsonValue list = result.toObject().value(QStringLiteral("value"));
    if (!list.isArray())
        return answerError(QStringLiteral("value is not an array"));
    QList<SplTokenAccount> out;
    const QJsonArray accounts = list.toArray();
    for (qsizetype i = 0; i < accounts.size(); ++i) {
        const QString where = QStringLiteral("value[%1]").arg(i);
        const QJsonObject entry = accounts.at(i).toObject();
        SplTokenAccount account;
        account.pubkey = entry.value(QStringLiteral("pubkey")).toString();
        if (!parseSolanaAddress(account.pubkey))
            return answerError(QStringLiteral("%1.pubkey is not a Solana address").arg(where));
        const QJsonValue parsed = at(entry, u"account.data.parsed");
        if (!parsed.isObject())
            return answerError(
                QStringLiteral("%1.account.data.parsed is missing (not a jsonParsed answer)").arg(where));
        const QJsonObject info = parsed.toObject().value(QStringLiteral("info")).toObject();
        const QString field = where + QStringLiteral(".account.data.parsed.info.");
        account.mint = info.value(QStringLiteral("mint")).toString();
        if (!parseSolanaAddress(account.mint))
            return answerError(QStringLiteral("%1mint is not a Solana address").arg(field));
        if (info.value(QStringLiteral("owner")).toString() != owner)
            return answerError(QStringLiteral("%1owner is not %2").arg(field, owner));
        const QJsonObject tokenAmount = info.value(QStringLiteral("tokenAmount")).toObject();
        const QJsonValue decimals = tokenAmount.value(QStringLiteral("decimals"));
        const qint64 places = decimals.toInteger(-1);
        if (!decimals.isDouble() || places < 0 || places > 255)
            return answerError(QStringLiteral("%1tokenAmount.decimals is not a whole number from 0 to 255").arg(field));
        account.decimals = static_cast<int>(places);
        const QJsonValue amountText = tokenAmount.value(QStringLiteral("amount"));
        if (!amountText.isString())
            return answerError(QStringLiteral("%1tokenAmount.amount is not a string").arg(field));
        auto units = UInt256::fromDigits(amountText.toString(), 10);
        if (!units)
            return answerError(QStringLiteral("%1tokenAmount.amount %2").arg(field, units.error().message));
        // Token amounts are u64 on chain.
        if (!units->toUInt64())
            return answerError(QStringLiteral("%1tokenAmount.amount is larger than 2^64 - 1").arg(field));
        auto amount = units->scaled(account.decimals);
        if (!amount) {
            return makeError(amount.error().code,
                             QStringLiteral("token account %1 (mint %2): the amount %3")
                                 .arg(account.pubkey, account.mint, amount.error().message));
        }
        account.amount = *amount;
        out.append(account);
    }
    return out;
}

SolanaRpcClient::SolanaRpcClient(exchange::HttpClient &http, QUrl endpoint)
    : m_rpc(http, std::move(endpoint))
{
}

Result<money::Decimal> SolanaRpcClient::getBalance(const QString &pubkey)
{
    if (auto valid = parseSolanaAddress(pubkey); !valid)
        return makeError(valid.error().code, QStringLiteral("%1: %2").arg(pubkey, valid.error().message));
    auto result = m_rpc.call(QStringLiteral("getBalance"), {pubkey}, pubkey);
    if (!result)
        return result.error();
    auto balance = parseSolanaBalance(*result);
    if (!balance)
        return makeError(balance.error().code, QStringLiteral("%1: %2").arg(m_rpc.host(), balance.error().message));
    return balance;
}

Result<QList<SplTokenBalance>> SolanaRpcClient::tokenBalances(const QString &owner)
{
    if (auto valid = parseSolanaAddress(owner); !valid)
        return makeError(valid.error().code, QStringLiteral("%1: %2").arg(owner, valid.error().message));
    QList<RpcCall> calls;
    for (const char *program : {kSolanaTokenProgram, kSolanaToken2022Program}) {
        const QString id = QString::fromLatin1(program);
        calls.append({QStringLiteral("getTokenAccountsByOwner"),
                      {owner, QJsonObject{{QStringLiteral("programId"), id}},
                       QJsonObject{{QStringLiteral("encoding"), QStringLiteral("jsonParsed")}}},
                      QStringLiteral("program %1").arg(id)});
    }
    auto results = m_rpc.batch(calls);
    if (!results)
        return results.error();

    QList<SplTokenBalance> balances;
    for (qsizetype i = 0; i < results->size(); ++i) {
        auto accounts = parseTokenAccounts(results->at(i), owner);
        if (!accounts) {
            return makeError(
                accounts.error().code,
                QStringLiteral("%1: %2 (%3)").arg(m_rpc.host(), accounts.error().message, calls.at(i).purpose));
        }
        for (const SplTokenAccount &account : *accounts) {
            auto it = std::find_if(balances.begin(), balances.end(),
                                   [&account](const SplTokenBalance &b) { return b.mint == account.mint; });
            if (it == balances.end()) {
                const QString symbol = solanaMintSymbol(account.mint);
                balances.append(
                    {account.mint, symbol.isEmpty() ? account.mint : symbol, account.decimals, account.amount, 1});
                continue;
            }
            if (it->decimals != account.decimals) {
                return makeError(QStringLiteral("solana.answer"),
                                 QStringLiteral("%1: unexpected Solana answer: token account %2 of mint %3 has %4 "
                                                "decimals, another account of that mint %5")
                                     .arg(m_rpc.host(), account.pubkey, account.mint)
                                     .arg(account.decimals)
                                     .arg(it->decimals));
            }
            auto sum = it->amount.add(account.amount);
            if (!sum) {
                return makeError(QStringLiteral("chain.range"),
                                 QStringLiteral("%1: the balance of mint %2 is larger than Ballast's limit")
                                     .arg(m_rpc.host(), account.mint));
            }
            it->amount = *sum;
            ++it->accounts;
        }
    }
    std::sort(balances.begin(), balances.end(), [](const SplTokenBalance &a, const SplTokenBalance &b) {
        return std::pair(a.symbol, a.mint) < std::pair(b.symbol, b.mint);
    });
    return balances;
}

} // namespace ballast::chain
