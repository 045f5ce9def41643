#include "fakeevmrpc.h"

#include "chain/uint256.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>

namespace ballast::test::fake {

namespace {

const QString kBalanceOf = QStringLiteral("0x70a08231");
const QString kDecimals = QStringLiteral("0x313ce567");

bool isAddress(const QString &text)
{
    static const QRegularExpression shape(QStringLiteral("^0x[0-9a-fA-F]{40}$"));
    return shape.match(text).hasMatch();
}

bool isBlock(const QJsonValue &value)
{
    static const QRegularExpression quantity(QStringLiteral("^0x[0-9a-fA-F]{1,16}$"));
    static const QStringList tags = {QStringLiteral("latest"), QStringLiteral("pending"), QStringLiteral("earliest"),
                                     QStringLiteral("safe"), QStringLiteral("finalized")};
    return value.isString() && (tags.contains(value.toString()) || quantity.match(value.toString()).hasMatch());
}

QString wordOf(const QString &decimalDigits)
{
    const auto value = chain::UInt256::fromDigits(decimalDigits, 10);
    return value ? value->toWord() : chain::UInt256().toWord();
}

} // namespace

FakeEvmRpc::FakeEvmRpc(QObject *parent)
    : FakeJsonRpc(parent)
{
}

void FakeEvmRpc::setBalance(const QString &address, const QString &wei)
{
    m_balances.insert(address.toLower(), wei);
}

void FakeEvmRpc::addToken(const QString &contract, std::optional<int> decimals)
{
    m_tokens[contract.toLower()].decimals = decimals;
}

void FakeEvmRpc::setTokenBalance(const QString &contract, const QString &owner, const QString &units)
{
    m_tokens[contract.toLower()].balances.insert(owner.toLower(), units);
}

FakeJsonRpc::Reply FakeEvmRpc::dispatch(const QString &method, const QJsonArray &params)
{
    if (method == u"eth_chainId")
        return Reply::ok(chain::UInt256::fromUInt64(m_chainId).toQuantity());
    if (method == u"eth_blockNumber")
        return Reply::ok(QStringLiteral("0x1406f40"));
    if (method == u"eth_getBalance") {
        const QString address = params.at(0).toString();
        if (!isAddress(address)) {
            return Reply::error(-32602,
                                QStringLiteral("invalid argument 0: hex string has length %1, want 40 for "
                                               "common.Address")
                                    .arg(qMax(0, address.size() - 2)));
        }
        if (!isBlock(params.at(1)))
            return Reply::error(-32602, QStringLiteral("invalid argument 1: not a block number or tag"));
        const auto wei = chain::UInt256::fromDigits(m_balances.value(address.toLower(), QStringLiteral("0")), 10);
        return Reply::ok(wei ? wei->toQuantity() : QStringLiteral("0x0"));
    }
    if (method == u"eth_call") {
        const QJsonObject call = params.at(0).toObject();
        const QString to = call.value(QStringLiteral("to")).toString();
        const QString data = call.value(QStringLiteral("data")).toString().toLower();
        if (!isAddress(to))
            return Reply::error(-32602, QStringLiteral("invalid argument 0: the call has no valid 'to' address"));
        if (!isBlock(params.at(1)))
            return Reply::error(-32602, QStringLiteral("invalid argument 1: not a block number or tag"));
        const auto token = m_tokens.constFind(to.toLower());
        if (token == m_tokens.cend())
            return Reply::ok(QStringLiteral("0x")); // no code at that address: the call returns nothing
        if (data.startsWith(kBalanceOf) && data.size() == kBalanceOf.size() + 64) {
            const QString owner = QStringLiteral("0x") + data.right(40);
            return Reply::ok(wordOf(token->balances.value(owner, QStringLiteral("0"))));
        }
        if (data == kDecimals && token->decimals)
            return Reply::ok(wordOf(QString::number(*token->decimals)));
        return Reply::error(-32000, QStringLiteral("execution reverted"));
    }
    return Reply::error(-32601, QStringLiteral("the method %1 does not exist/is not available").arg(method));
}

} // namespace ballast::test::fake
