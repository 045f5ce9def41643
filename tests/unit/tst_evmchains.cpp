// The EVM chain table (core/chain/evmchains) and the exact reading of uint256
// amounts (core/chain/uint256, parseHexAmount): every listed contract carries
// its EIP-55 checksum, so a mistyped character fails here.
#include "chain/addresses.h"
#include "chain/evmchains.h"
#include "chain/evmrpc.h"
#include "chain/uint256.h"

#include <QSet>
#include <QTest>

using namespace ballast;
using namespace ballast::chain;

class TestEvmChains : public QObject
{
    Q_OBJECT

private slots:
    void chainsAreTheSixOfTheIssue()
    {
        QStringList keys;
        for (const EvmChain &chain : evmChains())
            keys.append(QStringLiteral("%1=%2 %3").arg(chain.key).arg(chain.chainId).arg(chain.nativeSymbol));
        QCOMPARE(keys,
                 (QStringList{QStringLiteral("ethereum=1 ETH"), QStringLiteral("arbitrum=42161 ETH"),
                              QStringLiteral("base=8453 ETH"), QStringLiteral("optimism=10 ETH"),
                              QStringLiteral("polygon=137 POL"), QStringLiteral("bsc=56 BNB")}));
        QCOMPARE(evmChainByKey(u"Polygon")->chainId, std::uint64_t{137});
        QVERIFY(evmChainByKey(u"avalanche") == nullptr);
        QCOMPARE(evmChainLabel(8453), QStringLiteral("Base (8453)"));
        QCOMPARE(evmChainLabel(5), QStringLiteral("chain 5"));
    }

    void everyContractPassesItsChecksum()
    {
        int checked = 0;
        for (const EvmChain &chain : evmChains()) {
            QSet<QString> symbols;
            QVERIFY2(!chain.defaultTokens.isEmpty(), qPrintable(chain.key));
            for (const EvmToken &token : chain.defaultTokens) {
                const QString where = QStringLiteral("%1 %2 %3").arg(chain.key, token.symbol, token.contract);
                const auto bytes = parseEvmAddress(token.contract);
                QVERIFY2(bytes, qPrintable(where + QStringLiteral(": ") + (bytes ? QString() : bytes.error().message)));
                // Stored in its checksum form, not in lower case (which carries no checksum).
                QCOMPARE(evmChecksumAddress(*bytes), token.contract);
                QVERIFY2(token.decimals.has_value(), qPrintable(where));
                QVERIFY2(!symbols.contains(token.symbol), qPrintable(where));
                symbols.insert(token.symbol);
                ++checked;
            }
        }
        QCOMPARE(checked, 27);
    }

    void decimalsPerChain()
    {
        const auto decimalsOf = [](QStringView chain, QStringView symbol) {
            for (const EvmToken &token : evmChainByKey(chain)->defaultTokens) {
                if (token.symbol == symbol)
                    return token.decimals.value_or(-1);
            }
            return -2;
        };
        QCOMPARE(decimalsOf(u"ethereum", u"USDC"), 6);
        QCOMPARE(decimalsOf(u"polygon", u"USDT"), 6);
        QCOMPARE(decimalsOf(u"arbitrum", u"WBTC"), 8);
        QCOMPARE(decimalsOf(u"bsc", u"USDC"), 18); // Binance-Peg
        QCOMPARE(decimalsOf(u"bsc", u"USDT"), 18);
        QCOMPARE(decimalsOf(u"base", u"USDT"), -2); // none issued by Tether there
    }

    void hexAmounts_data()
    {
        QTest::addColumn<QString>("hex");
        QTest::addColumn<int>("decimals");
        QTest::addColumn<QString>("expected"); // the amount, or "!" and a part of the error
        QTest::newRow("zero") << QStringLiteral("0x0") << 18 << QStringLiteral("0");
        QTest::newRow("one wei") << QStringLiteral("0x1") << 18 << QStringLiteral("0.000000000000000001");
        QTest::newRow("eth") << QStringLiteral("0x112210f47de98115") << 18 << QStringLiteral("1.234567890123456789");
        QTest::newRow("word") << QStringLiteral("0x") + QString(58, QLatin1Char('0')) + QStringLiteral("12d687") << 6
                              << QStringLiteral("1.234567");
        QTest::newRow("upper hex") << QStringLiteral("0xFF") << 0 << QStringLiteral("255");
        QTest::newRow("limit") << QStringLiteral("0x7fffffffffffffffffffffffffffffff") << 18
                               << QStringLiteral("170141183460469231731.687303715884105727");
        QTest::newRow("past limit") << QStringLiteral("0x80000000000000000000000000000000") << 18
                                    << QStringLiteral("!larger than Ballast's limit");
        QTest::newRow("past limit 0 decimals") << QStringLiteral("0x2540be400000000000") << 0
                                               << QStringLiteral("!larger than Ballast's limit"); // about 1.1e22
        QTest::newRow("24 decimals exact") << QStringLiteral("0xf4240") << 24 << QStringLiteral("0.000000000000000001");
        QTest::newRow("24 decimals inexact") << QStringLiteral("0xf4241") << 24 << QStringLiteral("!below 10^-18");
        QTest::newRow("full uint256 at 77")
            << QStringLiteral("0x") + QString(64, QLatin1Char('f')) << 77 << QStringLiteral("!below 10^-18");
        QTest::newRow("past uint256") << QStringLiteral("0x1") + QString(64, QLatin1Char('0')) << 0
                                      << QStringLiteral("!larger than 2^256 - 1");
        QTest::newRow("leading zeros past 64")
            << QStringLiteral("0x") + QString(70, QLatin1Char('0')) + QStringLiteral("5") << 0 << QStringLiteral("5");
        QTest::newRow("empty") << QStringLiteral("0x") << 18 << QStringLiteral("!no digits");
        QTest::newRow("no prefix") << QStringLiteral("ff") << 18 << QStringLiteral("!does not start with 0x");
        QTest::newRow("sign") << QStringLiteral("0x-1") << 18 << QStringLiteral("!not a hex digit");
        QTest::newRow("decimals 256") << QStringLiteral("0x1") << 256 << QStringLiteral("!0 to 255");
    }
    void hexAmounts()
    {
        QFETCH(QString, hex);
        QFETCH(int, decimals);
        QFETCH(QString, expected);
        const auto amount = parseHexAmount(hex, decimals);
        if (expected.startsWith(QLatin1Char('!'))) {
            QVERIFY2(!amount, qPrintable(amount ? amount->toString() : QString()));
            QVERIFY2(amount.error().message.contains(expected.mid(1)), qPrintable(amount.error().message));
        } else {
            QVERIFY2(amount, qPrintable(amount ? QString() : amount.error().message));
            QCOMPARE(amount->toString(), expected);
        }
    }

    void quantitiesAndWords()
    {
        QCOMPARE(*parseHexQuantity(u"0xa4b1"), std::uint64_t{42161});
        QCOMPARE(*parseHexQuantity(u"0xffffffffffffffff"), std::numeric_limits<std::uint64_t>::max());
        QVERIFY(!parseHexQuantity(u"0x10000000000000000"));
        const auto value = UInt256::fromDigits(u"1234567890123456789", 10);
        QVERIFY(value);
        QCOMPARE(value->toQuantity(), QStringLiteral("0x112210f47de98115"));
        QCOMPARE(value->toWord(),
                 QStringLiteral("0x") + QString(48, QLatin1Char('0')) + QStringLiteral("112210f47de98115"));
        QCOMPARE(value->toDecimalString(), QStringLiteral("1234567890123456789"));
        QCOMPARE(UInt256().toQuantity(), QStringLiteral("0x0"));
        const QString max =
            QStringLiteral("115792089237316195423570985008687907853269984665640564039457584007913129639935");
        QCOMPARE(UInt256::fromDigits(max, 10)->toDecimalString(), max);
        QVERIFY(!UInt256::fromDigits(u"115792089237316195423570985008687907853269984665640564039457584007913129639936",
                                     10));
    }
};

QTEST_GUILESS_MAIN(TestEvmChains)
#include "tst_evmchains.moc"
