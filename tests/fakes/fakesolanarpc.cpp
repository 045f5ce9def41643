#include "fakesolanarpc.h"

#include "chain/addresses.h"
#include "chain/solanarpc.h"
#include "chain/uint256.h"

#include <QJsonArray>
#include <QJsonObject>

namespace ballast::test::fake {

namespace {

QJsonObject tokenAmountJson(const FakeSolanaRpc::TokenAccount &account)
{
    QString text = account.amount;
    if (const auto units = chain::UInt256::fromDigits(account.amount, 10)) {
        if (const auto amount = units->scaled(account.decimals))
            text = amount->toString();
    }
    return QJsonObject{{QStringLiteral("amount"), account.amount},
                       {QStringLiteral("decimals"), account.decimals},
                       {QStringLiteral("uiAmount"), text.toDouble()},
                       {QStringLiteral("uiAmountString"), text}};
}

QJsonObject accountJson(const QString &owner, const FakeSolanaRpc::TokenAccount &account)
{
    const QString program =
        QString::fromLatin1(account.token2022 ? chain::kSolanaToken2022Program : chain::kSolanaTokenProgram);
    const QJsonObject info{{QStringLiteral("isNative"), false},
                           {QStringLiteral("mint"), account.mint},
                           {QStringLiteral("owner"), owner},
                           {QStringLiteral("state"), QStringLiteral("initialized")},
                           {QStringLiteral("tokenAmount"), tokenAmountJson(account)}};
    const QJsonObject data{
        {QStringLiteral("program"), account.token2022 ? QStringLiteral("spl-token-2022") : QStringLiteral("spl-token")},
        {QStringLiteral("parsed"),
         QJsonObject{{QStringLiteral("info"), info}, {QStringLiteral("type"), QStringLiteral("account")}}},
        {QStringLiteral("space"), 165}};
    return QJsonObject{{QStringLiteral("pubkey"), account.pubkey},
                       {QStringLiteral("account"),
                        QJsonObject{{QStringLiteral("data"), data},
                                    {QStringLiteral("executable"), false},
                                    {QStringLiteral("lamports"), 2039280},
                                    {QStringLiteral("owner"), program},
                                    {QStringLiteral("rentEpoch"), 18446744073709551615.0},
                                    {QStringLiteral("space"), 165}}}};
}

FakeJsonRpc::Reply invalidParam(const QString &why)
{
    return FakeJsonRpc::Reply::error(-32602, QStringLiteral("Invalid param: %1").arg(why));
}

} // namespace

FakeSolanaRpc::FakeSolanaRpc(QObject *parent)
    : FakeJsonRpc(parent)
{
}

QJsonObject FakeSolanaRpc::context() const
{
    return QJsonObject{{QStringLiteral("apiVersion"), QStringLiteral("2.0.15")},
                       {QStringLiteral("slot"), static_cast<qint64>(m_slot)}};
}

FakeJsonRpc::Reply FakeSolanaRpc::dispatch(const QString &method, const QJsonArray &params)
{
    if (method == u"getBalance") {
        const QString pubkey = params.at(0).toString();
        if (!chain::parseSolanaAddress(pubkey))
            return invalidParam(QStringLiteral("Invalid"));
        return Reply::ok(QJsonObject{{QStringLiteral("context"), context()},
                                     {QStringLiteral("value"), static_cast<qint64>(m_balances.value(pubkey))}});
    }
    if (method == u"getTokenAccountsByOwner") {
        const QString owner = params.at(0).toString();
        if (!chain::parseSolanaAddress(owner))
            return invalidParam(QStringLiteral("Invalid"));
        const QJsonObject filter = params.at(1).toObject();
        const bool byMint = filter.contains(QStringLiteral("mint"));
        const bool byProgram = filter.contains(QStringLiteral("programId"));
        if (byMint == byProgram)
            return Reply::error(-32602, QStringLiteral("Invalid params: expected a mint or a programId filter"));
        const QString program = filter.value(QStringLiteral("programId")).toString();
        if (byProgram && program != QLatin1String(chain::kSolanaTokenProgram)
            && program != QLatin1String(chain::kSolanaToken2022Program)) {
            return invalidParam(QStringLiteral("unrecognized Token program id"));
        }
        if (params.at(2).toObject().value(QStringLiteral("encoding")).toString() != u"jsonParsed")
            return invalidParam(QStringLiteral("this fake answers encoding jsonParsed only"));
        QJsonArray value;
        for (const TokenAccount &account : m_accounts.value(owner)) {
            const bool matches = byMint
                ? account.mint == filter.value(QStringLiteral("mint")).toString()
                : account.token2022 == (program == QLatin1String(chain::kSolanaToken2022Program));
            if (matches)
                value.append(accountJson(owner, account));
        }
        return Reply::ok(QJsonObject{{QStringLiteral("context"), context()}, {QStringLiteral("value"), value}});
    }
    return Reply::error(-32601, QStringLiteral("Method not found"));
}

} // namespace ballast::test::fake
