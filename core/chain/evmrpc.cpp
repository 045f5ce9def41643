#include "chain/evmrpc.h"

#include "chain/addresses.h"
#include "chain/uint256.h"

#include <QJsonObject>

namespace ballast::chain {

namespace {

constexpr auto kBalanceOf = "0x70a08231"; // balanceOf(address)
constexpr auto kDecimals = "0x313ce567"; // decimals()

Error answerError(const QString &host, const QString &why)
{
    return makeError(QStringLiteral("evm.answer"), QStringLiteral("%1: unexpected answer: %2").arg(host, why));
}

Result<UInt256> hexValue(QStringView text)
{
    if (!text.startsWith(u"0x"))
        return makeError(QStringLiteral("chain.number"), QStringLiteral("does not start with 0x"));
    QStringView digits = text.mid(2);
    while (digits.size() > 1 && digits.front() == u'0')
        digits = digits.mid(1);
    return UInt256::fromDigits(digits, 16);
}

QString lowerHex(const QByteArray &address20)
{
    return QStringLiteral("0x") + QString::fromLatin1(address20.toHex());
}

QJsonArray ethCall(const QByteArray &contract20, const QString &data)
{
    return QJsonArray{QJsonObject{{QStringLiteral("to"), lowerHex(contract20)}, {QStringLiteral("data"), data}},
                      QStringLiteral("latest")};
}

/// An eth_call answer must be one 32-byte word; "0x" means no contract there.
Result<QString> wordOf(const QJsonValue &value, const QString &host, const QString &what)
{
    const QString text = value.toString();
    if (text == u"0x") {
        return makeError(
            QStringLiteral("evm.no_contract"),
            QStringLiteral("%1: %2 answered no data: no contract at that address on this chain?").arg(host, what));
    }
    if (!value.isString() || text.size() != 66 || !text.startsWith(u"0x"))
        return answerError(host, QStringLiteral("%1 is not a 32-byte word (0x and 64 hex digits)").arg(what));
    return text;
}

} // namespace

Result<money::Decimal> parseHexAmount(QStringView text, int decimals)
{
    auto value = hexValue(text);
    if (!value)
        return value.error();
    return value->scaled(decimals);
}

Result<std::uint64_t> parseHexQuantity(QStringView text)
{
    auto value = hexValue(text);
    if (!value)
        return value.error();
    return value->toUInt64();
}

EvmRpcClient::EvmRpcClient(exchange::HttpClient &http, QUrl endpoint)
    : m_rpc(http, std::move(endpoint))
{
}

Result<std::uint64_t> EvmRpcClient::chainId()
{
    auto answer = m_rpc.call(QStringLiteral("eth_chainId"), {});
    if (!answer)
        return answer.error();
    if (!answer->isString())
        return answerError(m_rpc.host(), QStringLiteral("the eth_chainId result is not a string"));
    auto id = parseHexQuantity(answer->toString());
    if (!id)
        return answerError(m_rpc.host(), QStringLiteral("the eth_chainId result %1").arg(id.error().message));
    return id;
}

Status EvmRpcClient::checkChain(std::uint64_t expected)
{
    auto id = chainId();
    if (!id)
        return id.error();
    if (*id != expected) {
        return makeError(QStringLiteral("evm.chain"),
                         QStringLiteral("%1 serves %2, not %3: check the RPC URL for this network")
                             .arg(m_rpc.host(), evmChainLabel(*id), evmChainLabel(expected)));
    }
    return {};
}

Result<money::Decimal> EvmRpcClient::nativeBalance(const QByteArray &address20)
{
    if (address20.size() != 20)
        return makeError(QStringLiteral("evm.address"), QStringLiteral("an EVM address has 20 bytes"));
    auto answer = m_rpc.call(QStringLiteral("eth_getBalance"), {lowerHex(address20), QStringLiteral("latest")},
                             evmChecksumAddress(address20));
    if (!answer)
        return answer.error();
    if (!answer->isString())
        return answerError(m_rpc.host(), QStringLiteral("the eth_getBalance result is not a string"));
    auto amount = parseHexAmount(answer->toString(), 18);
    if (!amount) {
        const bool range = amount.error().code == u"chain.range";
        return makeError(
            range ? amount.error().code : QStringLiteral("evm.answer"),
            QStringLiteral("%1: %2the eth_getBalance result %3")
                .arg(m_rpc.host(), range ? QString() : QStringLiteral("unexpected answer: "), amount.error().message));
    }
    return amount;
}

Result<QList<EvmTokenBalance>> EvmRpcClient::tokenBalances(const QByteArray &owner20, const QList<EvmToken> &tokens)
{
    if (owner20.size() != 20)
        return makeError(QStringLiteral("evm.address"), QStringLiteral("an EVM address has 20 bytes"));
    const QString ownerWord = QString::fromLatin1(QByteArray(12, '\0').toHex() + owner20.toHex());

    struct Planned
    {
        EvmTokenBalance balance;
        qsizetype balanceCall = -1;
        qsizetype decimalsCall = -1;
    };
    QList<Planned> plan;
    QList<RpcCall> calls;
    for (const EvmToken &token : tokens) {
        auto contract = parseEvmAddress(token.contract);
        if (!contract) {
            return makeError(contract.error().code,
                             QStringLiteral("token %1: contract %2: %3")
                                 .arg(token.symbol, token.contract, contract.error().message));
        }
        if (token.decimals && (*token.decimals < 0 || *token.decimals > 255)) {
            return makeError(QStringLiteral("evm.decimals"),
                             QStringLiteral("token %1: %2 decimals (0 to 255)").arg(token.symbol).arg(*token.decimals));
        }
        Planned entry;
        entry.balance.symbol = token.symbol;
        entry.balance.contract = evmChecksumAddress(*contract);
        entry.balance.decimals = token.decimals.value_or(0);
        entry.balanceCall = calls.size();
        calls.append({QStringLiteral("eth_call"), ethCall(*contract, QString::fromLatin1(kBalanceOf) + ownerWord),
                      QStringLiteral("balanceOf %1 %2").arg(token.symbol, entry.balance.contract)});
        if (!token.decimals) {
            entry.decimalsCall = calls.size();
            calls.append({QStringLiteral("eth_call"), ethCall(*contract, QString::fromLatin1(kDecimals)),
                          QStringLiteral("decimals of %1 %2").arg(token.symbol, entry.balance.contract)});
        }
        plan.append(entry);
    }
    auto results = m_rpc.batch(calls);
    if (!results)
        return results.error();

    QList<EvmTokenBalance> out;
    for (Planned &entry : plan) {
        const QString name = QStringLiteral("%1 %2").arg(entry.balance.symbol, entry.balance.contract);
        if (entry.decimalsCall >= 0) {
            const QString what = QStringLiteral("decimals() of %1").arg(name);
            auto word = wordOf(results->at(entry.decimalsCall), m_rpc.host(), what);
            if (!word)
                return word.error();
            auto decimals = parseHexQuantity(*word);
            if (!decimals || *decimals > 255)
                return answerError(m_rpc.host(), QStringLiteral("%1 is not from 0 to 255").arg(what));
            entry.balance.decimals = static_cast<int>(*decimals);
        }
        const QString what = QStringLiteral("balanceOf of %1").arg(name);
        auto word = wordOf(results->at(entry.balanceCall), m_rpc.host(), what);
        if (!word)
            return word.error();
        auto amount = parseHexAmount(*word, entry.balance.decimals);
        if (!amount)
            return makeError(amount.error().code,
                             QStringLiteral("%1: %2 %3").arg(m_rpc.host(), what, amount.error().message));
        entry.balance.amount = *amount;
        out.append(entry.balance);
    }
    return out;
}

} // namespace ballast::chain
