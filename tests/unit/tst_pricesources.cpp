// The price-history answers read by pure functions (market/pricesources.h):
// the real shapes of Binance klines, Kraken OHLC and CoinGecko's
// market_chart/range, and malformed answers refused with the row and field.
#include "market/pricesources.h"

#include <QTest>

using namespace ballast::market;

class TestPriceSources : public QObject
{
    Q_OBJECT

private slots:
    void binanceKlinesRealShape()
    {
        // Two rows as Binance writes them: numbers for times and counts, strings for amounts.
        const QByteArray body = R"([
 [1499040000000,"0.01634790","0.80000000","0.01575800","0.01577100","148976.11427815",1499644799999,
  "2434.19055334",308,"1756.87402397","28.46694368","0"],
 [1499644800000,"0.01577100","0.01600000","0.01500000","0.01590000","1000.5",1500249599999,"15.9",12,"500","7.9","0"]
])";
        auto klines = parseBinanceKlines(body);
        QVERIFY2(klines, klines ? "" : qPrintable(klines.error().message));
        QCOMPARE(klines->size(), 2);
        QCOMPARE(klines->at(0).candle.openTimeMs, Q_INT64_C(1499040000000));
        QCOMPARE(klines->at(0).closeTimeMs, Q_INT64_C(1499644799999));
        QCOMPARE(klines->at(0).candle.open, 0.0163479);
        QCOMPARE(klines->at(0).candle.high, 0.8);
        QCOMPARE(klines->at(0).candle.low, 0.015758);
        QCOMPARE(klines->at(0).candle.close, 0.015771);
        QCOMPARE(klines->at(0).candle.volume, 148976.11427815);
        QCOMPARE(klines->at(1).candle.close, 0.0159);
        auto empty = parseBinanceKlines("[]");
        QVERIFY(empty);
        QVERIFY(empty->isEmpty());
    }

    void binanceKlinesRefused_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("words");
        QTest::newRow("not json") << QByteArray("<html>") << QStringLiteral("Binance klines: not JSON");
        QTest::newRow("error object") << QByteArray(R"({"code":-1121,"msg":"Invalid symbol."})")
                                      << QStringLiteral("expected an array of rows");
        QTest::newRow("short row") << QByteArray(R"([[1,"1","1","1","1"]])")
                                   << QStringLiteral("row 1: 5 fields, expected at least 7");
        QTest::newRow("open time text") << QByteArray(R"([["x","1","1","1","1","1",2]])")
                                        << QStringLiteral("row 1: open time is not a time");
        QTest::newRow("negative high") << QByteArray(R"([[1,"1","-1","1","1","1",2]])")
                                       << QStringLiteral("row 1: high is not a positive number");
        QTest::newRow("high below low") << QByteArray(R"([[1,"1","1","2","1","1",2]])")
                                        << QStringLiteral("row 1: high 1 is below low 2");
        QTest::newRow("close before open") << QByteArray(R"([[5,"1","1","1","1","1",2]])")
                                           << QStringLiteral("row 1: close time is not a time in milliseconds after");
        QTest::newRow("volume") << QByteArray(R"([[1,"1","1","1","1","x",2]])")
                                << QStringLiteral("row 1: volume is not a number");
        QTest::newRow("not rising") << QByteArray(R"([[10,"1","1","1","1","1",20],[10,"1","1","1","1","1",20]])")
                                    << QStringLiteral("row 2: open time does not follow");
    }

    void binanceKlinesRefused()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, words);
        auto klines = parseBinanceKlines(body);
        QVERIFY(!klines);
        QVERIFY2(klines.error().message.contains(words), qPrintable(klines.error().message));
    }

    void krakenOhlcRealShape()
    {
        const QByteArray body = R"({"error":[],"result":{"XXBTZUSD":[
 [1688671200,"30306.1","30306.2","30305.7","30305.7","30306.1","3.39243896",23],
 [1688671260,"30304.5","30304.5","30300.0","30300.0","30300.3","4.42996871",18]],"last":1688671260}})";
        auto ohlc = parseKrakenOhlc(body);
        QVERIFY2(ohlc, ohlc ? "" : qPrintable(ohlc.error().message));
        QCOMPARE(ohlc->pairKey, QStringLiteral("XXBTZUSD"));
        QCOMPARE(ohlc->last, Q_INT64_C(1688671260));
        QCOMPARE(ohlc->candles.size(), 2);
        QCOMPARE(ohlc->candles.at(0).openTimeMs, Q_INT64_C(1688671200000));
        QCOMPARE(ohlc->candles.at(0).open, 30306.1);
        QCOMPARE(ohlc->candles.at(1).low, 30300.0);
        QCOMPARE(ohlc->candles.at(1).volume, 4.42996871);
    }

    void krakenOhlcRefused_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("words");
        QTest::newRow("error words") << QByteArray(R"({"error":["EQuery:Unknown asset pair"]})")
                                     << QStringLiteral("kraken.error") << QStringLiteral("EQuery:Unknown asset pair");
        QTest::newRow("rate words") << QByteArray(R"({"error":["EGeneral:Too many requests"]})")
                                    << QStringLiteral("kraken.error") << QStringLiteral("EGeneral:Too many requests");
        QTest::newRow("no result") << QByteArray(R"({"error":[]})") << QStringLiteral("prices.answer")
                                   << QStringLiteral("no \"result\" object");
        QTest::newRow("no pair") << QByteArray(R"({"error":[],"result":{"last":5}})") << QStringLiteral("prices.answer")
                                 << QStringLiteral("no pair in \"result\"");
        QTest::newRow("two pairs") << QByteArray(R"({"error":[],"result":{"A":[],"B":[],"last":5}})")
                                   << QStringLiteral("prices.answer") << QStringLiteral("more than one pair (A, B)");
        QTest::newRow("last") << QByteArray(R"({"error":[],"result":{"A":[],"last":"x"}})")
                              << QStringLiteral("prices.answer") << QStringLiteral("\"last\" is not a whole number");
        QTest::newRow("row close") << QByteArray(
            R"({"error":[],"result":{"A":[[60,"1","1","1","0","1","1",1]],"last":60}})")
                                   << QStringLiteral("prices.answer")
                                   << QStringLiteral("A row 1: close is not a positive number");
    }

    void krakenOhlcRefused()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, code);
        QFETCH(QString, words);
        auto ohlc = parseKrakenOhlc(body);
        QVERIFY(!ohlc);
        QCOMPARE(ohlc.error().code, code);
        QVERIFY2(ohlc.error().message.contains(words), qPrintable(ohlc.error().message));
    }

    void coinGeckoRangeDailyWithCaps()
    {
        // Daily points at 00:00 UTC and the latest one taken mid-day; a null cap.
        const QByteArray body =
            R"({"prices":[[1704067200000,42261.04],[1704153600000,44167.33],[1704200000000,44500.5]],
 "market_caps":[[1704067200000,827596236151.2],[1704153600000,null],[1704200000000,870000000000]],
 "total_volumes":[[1704067200000,14214163552.1],[1704153600000,18233453014.8],[1704200000000,1.5e10]]})";
        auto candles = parseCoinGeckoRange(body);
        QVERIFY2(candles, candles ? "" : qPrintable(candles.error().message));
        QCOMPARE(candles->size(), 2);
        QCOMPARE(candles->at(0).openTimeMs, Q_INT64_C(1704067200000));
        QCOMPARE(candles->at(0).close, 42261.04);
        QCOMPARE(candles->at(0).open, 42261.04);
        QCOMPARE(candles->at(0).marketCap, 827596236151.2);
        QCOMPARE(candles->at(0).volume, 14214163552.1);
        // The day's first point wins; the later snapshot of the same day gives the missing cap.
        QCOMPARE(candles->at(1).openTimeMs, Q_INT64_C(1704153600000));
        QCOMPARE(candles->at(1).close, 44167.33);
        QCOMPARE(candles->at(1).marketCap, 870000000000.0);
        QCOMPARE(candles->at(1).volume, 18233453014.8);
    }

    void coinGeckoRangeRefused_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("words");
        QTest::newRow("array") << QByteArray("[]") << QStringLiteral("expected an object");
        QTest::newRow("error body") << QByteArray(R"({"error":"coin not found"})") << QStringLiteral("coin not found");
        QTest::newRow("point shape") << QByteArray(R"({"prices":[[1,2,3]]})")
                                     << QStringLiteral("prices[0]: expected [milliseconds, value]");
        QTest::newRow("price zero") << QByteArray(R"({"prices":[[86400000,0]]})")
                                    << QStringLiteral("prices[0]: price is not positive");
        QTest::newRow("cap text") << QByteArray(R"({"prices":[[86400000,1]],"market_caps":[[86400000,"x"]]})")
                                  << QStringLiteral("market_caps[0]: value is not a number");
        QTest::newRow("volumes object") << QByteArray(R"({"prices":[],"total_volumes":{}})")
                                        << QStringLiteral("\"total_volumes\" is not an array");
    }

    void coinGeckoRangeRefused()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, words);
        auto candles = parseCoinGeckoRange(body);
        QVERIFY(!candles);
        QVERIFY2(candles.error().message.contains(words), qPrintable(candles.error().message));
    }

    void coinGeckoErrorBodies()
    {
        const QByteArray limit =
            R"({"error":{"status":{"timestamp":"2026-01-01T00:00:00.000Z","error_code":10012,"error_message":"too far back"}}})";
        QCOMPARE(coinGeckoErrorCode(limit), 10012);
        QCOMPARE(coinGeckoErrorMessage(limit), QStringLiteral("too far back"));
        const QByteArray rate = R"({"status":{"error_code":429,"error_message":"slow down "}})";
        QCOMPARE(coinGeckoErrorCode(rate), 429);
        QCOMPARE(coinGeckoErrorMessage(rate), QStringLiteral("slow down"));
        QCOMPARE(coinGeckoErrorMessage("not json"), QString());
    }

    void automaticSymbols_data()
    {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("asset");
        QTest::addColumn<QString>("quote");
        QTest::addColumn<QString>("symbol");
        QTest::newRow("binance") << "binance"
                                 << "BTC"
                                 << "USDT"
                                 << "BTCUSDT";
        QTest::newRow("binance eth btc") << "binance"
                                         << "ETH"
                                         << "BTC"
                                         << "ETHBTC";
        QTest::newRow("kraken btc") << "kraken"
                                    << "BTC"
                                    << "USD"
                                    << "XBTUSD";
        QTest::newRow("kraken doge") << "kraken"
                                     << "DOGE"
                                     << "USD"
                                     << "XDGUSD";
        QTest::newRow("kraken eth btc") << "kraken"
                                        << "ETH"
                                        << "BTC"
                                        << "ETHXBT";
        QTest::newRow("coingecko btc") << "coingecko"
                                       << "BTC"
                                       << "USD"
                                       << "bitcoin";
        QTest::newRow("coingecko sol") << "coingecko"
                                       << "SOL"
                                       << "USD"
                                       << "solana";
        QTest::newRow("coingecko unknown") << "coingecko"
                                           << "NOPE"
                                           << "USD"
                                           << "";
    }

    void automaticSymbols()
    {
        QFETCH(QString, source);
        QFETCH(QString, asset);
        QFETCH(QString, quote);
        QFETCH(QString, symbol);
        const auto kind = historySourceFromName(source);
        QVERIFY(kind);
        QCOMPARE(automaticSymbol(*kind, asset, quote), symbol);
    }

    void namesAndIntervals()
    {
        QCOMPARE(historySourceFromName(u"CoinGecko"), std::optional(HistorySource::CoinGecko));
        QVERIFY(!historySourceFromName(u"bitstamp"));
        QCOMPARE(historyIntervalMs(u"1d"), Q_INT64_C(86400000));
        QCOMPARE(historyIntervalMs(u"1h"), Q_INT64_C(3600000));
        QCOMPARE(historyIntervalMs(u"5m"), Q_INT64_C(0));
        QCOMPARE(defaultHistoryQuote(HistorySource::Binance), QStringLiteral("USDT"));
        QCOMPARE(defaultHistoryQuote(HistorySource::Kraken), QStringLiteral("USD"));
    }
};

QTEST_GUILESS_MAIN(TestPriceSources)
#include "tst_pricesources.moc"
