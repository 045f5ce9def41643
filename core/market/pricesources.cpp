#include "market/pricesources.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <limits>

namespace ballast::market {

namespace {

constexpr qint64 kDayMs = 86'400'000;
constexpr qint64 kHourMs = 3'600'000;
// Times past year 9999 or before 1970 are not price history.
constexpr qint64 kLatestMs = 253'402'300'799'000;

Error parseError(const QString &what, const QString &message)
{
    return makeError(QStringLiteral("prices.answer"), what + QStringLiteral(": ") + message);
}

Result<QJsonDocument> readJson(QByteArrayView body, const QString &what)
{
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(body.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError)
        return parseError(what, QStringLiteral("not JSON (%1 at byte %2)").arg(error.errorString()).arg(error.offset));
    return document;
}

/// A price or amount that arrives as a decimal string or a JSON number.
std::optional<double> numberOf(const QJsonValue &value)
{
    double number = std::numeric_limits<double>::quiet_NaN();
    if (value.isString()) {
        bool ok = false;
        number = value.toString().toDouble(&ok);
        if (!ok)
            return std::nullopt;
    } else if (value.isDouble()) {
        number = value.toDouble();
    } else {
        return std::nullopt;
    }
    if (!std::isfinite(number))
        return std::nullopt;
    return number;
}

/// A time in milliseconds (or seconds times @p scale) that is a whole number in range.
std::optional<qint64> timeOf(const QJsonValue &value, qint64 scale)
{
    if (!value.isDouble())
        return std::nullopt;
    const double number = value.toDouble();
    if (!std::isfinite(number) || number < 0 || number != std::floor(number)
        || number * static_cast<double>(scale) > static_cast<double>(kLatestMs))
        return std::nullopt;
    return static_cast<qint64>(number) * scale;
}

const char *const kOhlcFields[] = {"open", "high", "low", "close"};

/// Reads open, high, low and close from @p row at @p first.. and checks them.
std::optional<QString> readOhlc(const QJsonArray &row, int first, domain::Candle &candle)
{
    double *targets[] = {&candle.open, &candle.high, &candle.low, &candle.close};
    for (int i = 0; i < 4; ++i) {
        const auto value = numberOf(row.at(first + i));
        if (!value || *value <= 0.0)
            return QStringLiteral("%1 is not a positive number").arg(QLatin1String(kOhlcFields[i]));
        *targets[i] = *value;
    }
    if (candle.high < candle.low)
        return QStringLiteral("high %1 is below low %2").arg(candle.high).arg(candle.low);
    return std::nullopt;
}

QString krakenBase(const QString &asset)
{
    static const QHash<QString, QString> renamed = {{QStringLiteral("BTC"), QStringLiteral("XBT")},
                                                    {QStringLiteral("DOGE"), QStringLiteral("XDG")}};
    return renamed.value(asset, asset);
}

QString coinGeckoId(const QString &asset)
{
    static const QHash<QString, QString> ids = {
        {QStringLiteral("BTC"), QStringLiteral("bitcoin")},
        {QStringLiteral("ETH"), QStringLiteral("ethereum")},
        {QStringLiteral("SOL"), QStringLiteral("solana")},
        {QStringLiteral("USDT"), QStringLiteral("tether")},
        {QStringLiteral("USDC"), QStringLiteral("usd-coin")},
        {QStringLiteral("DAI"), QStringLiteral("dai")},
        {QStringLiteral("BNB"), QStringLiteral("binancecoin")},
        {QStringLiteral("XRP"), QStringLiteral("ripple")},
        {QStringLiteral("ADA"), QStringLiteral("cardano")},
        {QStringLiteral("DOGE"), QStringLiteral("dogecoin")},
        {QStringLiteral("TRX"), QStringLiteral("tron")},
        {QStringLiteral("DOT"), QStringLiteral("polkadot")},
        {QStringLiteral("AVAX"), QStringLiteral("avalanche-2")},
        {QStringLiteral("LINK"), QStringLiteral("chainlink")},
        {QStringLiteral("LTC"), QStringLiteral("litecoin")},
        {QStringLiteral("BCH"), QStringLiteral("bitcoin-cash")},
        {QStringLiteral("MATIC"), QStringLiteral("matic-network")},
        {QStringLiteral("POL"), QStringLiteral("polygon-ecosystem-token")},
        {QStringLiteral("UNI"), QStringLiteral("uniswap")},
        {QStringLiteral("XLM"), QStringLiteral("stellar")},
        {QStringLiteral("ATOM"), QStringLiteral("cosmos")},
        {QStringLiteral("NEAR"), QStringLiteral("near")},
        {QStringLiteral("ARB"), QStringLiteral("arbitrum")},
        {QStringLiteral("OP"), QStringLiteral("optimism")},
        {QStringLiteral("WBTC"), QStringLiteral("wrapped-bitcoin")},
        {QStringLiteral("WETH"), QStringLiteral("weth")},
        {QStringLiteral("SHIB"), QStringLiteral("shiba-inu")},
        {QStringLiteral("TON"), QStringLiteral("the-open-network")},
        {QStringLiteral("XMR"), QStringLiteral("monero")},
        {QStringLiteral("ETC"), QStringLiteral("ethereum-classic")},
        {QStringLiteral("SUI"), QStringLiteral("sui")},
        {QStringLiteral("APT"), QStringLiteral("aptos")},
        {QStringLiteral("FIL"), QStringLiteral("filecoin")},
        {QStringLiteral("AAVE"), QStringLiteral("aave")},
    };
    return ids.value(asset);
}

QJsonObject coinGeckoStatus(const QJsonObject &root)
{
    if (root.value(QStringLiteral("status")).isObject())
        return root.value(QStringLiteral("status")).toObject();
    const QJsonObject error = root.value(QStringLiteral("error")).toObject();
    return error.value(QStringLiteral("status")).toObject();
}

} // namespace

QString historySourceName(HistorySource source)
{
    switch (source) {
    case HistorySource::Binance:
        return QStringLiteral("binance");
    case HistorySource::Kraken:
        return QStringLiteral("kraken");
    case HistorySource::CoinGecko:
        return QStringLiteral("coingecko");
    }
    return {};
}

std::optional<HistorySource> historySourceFromName(QStringView name)
{
    for (HistorySource source : {HistorySource::Binance, HistorySource::Kraken, HistorySource::CoinGecko}) {
        if (name.compare(historySourceName(source), Qt::CaseInsensitive) == 0)
            return source;
    }
    return std::nullopt;
}

QString historySourceNames()
{
    return QStringLiteral("binance, kraken or coingecko");
}

QString defaultHistoryQuote(HistorySource source)
{
    return source == HistorySource::Binance ? QStringLiteral("USDT") : QStringLiteral("USD");
}

QUrl defaultHistoryBaseUrl(HistorySource source)
{
    switch (source) {
    case HistorySource::Binance:
        return QUrl(QStringLiteral("https://api.binance.com"));
    case HistorySource::Kraken:
        return QUrl(QStringLiteral("https://api.kraken.com"));
    case HistorySource::CoinGecko:
        return QUrl(QStringLiteral("https://api.coingecko.com"));
    }
    return {};
}

qint64 historyIntervalMs(QStringView interval)
{
    if (interval == u"1d")
        return kDayMs;
    if (interval == u"1h")
        return kHourMs;
    return 0;
}

QString automaticSymbol(HistorySource source, const QString &asset, const QString &quote)
{
    switch (source) {
    case HistorySource::Binance:
        return asset + quote;
    case HistorySource::Kraken:
        return krakenBase(asset) + krakenBase(quote);
    case HistorySource::CoinGecko:
        return coinGeckoId(asset);
    }
    return {};
}

Result<QList<Kline>> parseBinanceKlines(QByteArrayView body)
{
    const QString what = QStringLiteral("Binance klines");
    auto document = readJson(body, what);
    if (!document)
        return document.error();
    if (!document->isArray())
        return parseError(what, QStringLiteral("expected an array of rows"));
    const QJsonArray rows = document->array();
    QList<Kline> klines;
    klines.reserve(rows.size());
    for (qsizetype i = 0; i < rows.size(); ++i) {
        const auto rowError = [&](const QString &message) {
            return parseError(what, QStringLiteral("row %1: %2").arg(i + 1).arg(message));
        };
        if (!rows.at(i).isArray())
            return rowError(QStringLiteral("not an array"));
        const QJsonArray row = rows.at(i).toArray();
        if (row.size() < 7)
            return rowError(QStringLiteral("%1 fields, expected at least 7").arg(row.size()));
        Kline kline;
        const auto open = timeOf(row.at(0), 1);
        if (!open)
            return rowError(QStringLiteral("open time is not a time in milliseconds"));
        const auto close = timeOf(row.at(6), 1);
        if (!close || *close < *open)
            return rowError(QStringLiteral("close time is not a time in milliseconds after the open time"));
        kline.candle.openTimeMs = *open;
        kline.closeTimeMs = *close;
        if (auto wrong = readOhlc(row, 1, kline.candle))
            return rowError(*wrong);
        const auto volume = numberOf(row.at(5));
        if (!volume || *volume < 0.0)
            return rowError(QStringLiteral("volume is not a number of at least 0"));
        kline.candle.volume = *volume;
        if (!klines.isEmpty() && klines.last().candle.openTimeMs >= *open)
            return rowError(QStringLiteral("open time does not follow the previous row's"));
        klines.append(kline);
    }
    return klines;
}

Result<KrakenOhlc> parseKrakenOhlc(QByteArrayView body)
{
    const QString what = QStringLiteral("Kraken OHLC");
    auto document = readJson(body, what);
    if (!document)
        return document.error();
    if (!document->isObject())
        return parseError(what, QStringLiteral("expected an object"));
    const QJsonObject root = document->object();
    const QJsonArray errors = root.value(QStringLiteral("error")).toArray();
    if (!errors.isEmpty()) {
        QStringList words;
        for (const QJsonValue &error : errors)
            words.append(error.toString());
        return makeError(QStringLiteral("kraken.error"), words.join(QStringLiteral("; ")));
    }
    if (!root.value(QStringLiteral("result")).isObject())
        return parseError(what, QStringLiteral("no \"result\" object"));
    const QJsonObject result = root.value(QStringLiteral("result")).toObject();
    KrakenOhlc ohlc;
    for (auto it = result.constBegin(); it != result.constEnd(); ++it) {
        if (it.key() == QLatin1String("last"))
            continue;
        if (!ohlc.pairKey.isEmpty())
            return parseError(what, QStringLiteral("more than one pair (%1, %2)").arg(ohlc.pairKey, it.key()));
        ohlc.pairKey = it.key();
    }
    if (ohlc.pairKey.isEmpty())
        return parseError(what, QStringLiteral("no pair in \"result\""));
    const auto last = timeOf(result.value(QStringLiteral("last")), 1);
    if (!last)
        return parseError(what, QStringLiteral("\"last\" is not a whole number"));
    ohlc.last = *last;
    if (!result.value(ohlc.pairKey).isArray())
        return parseError(what, QStringLiteral("\"%1\" is not an array").arg(ohlc.pairKey));
    const QJsonArray rows = result.value(ohlc.pairKey).toArray();
    for (qsizetype i = 0; i < rows.size(); ++i) {
        const auto rowError = [&](const QString &message) {
            return parseError(what, QStringLiteral("%1 row %2: %3").arg(ohlc.pairKey).arg(i + 1).arg(message));
        };
        const QJsonArray row = rows.at(i).toArray();
        if (row.size() < 7)
            return rowError(QStringLiteral("%1 fields, expected 8").arg(row.size()));
        domain::Candle candle;
        const auto open = timeOf(row.at(0), 1000);
        if (!open)
            return rowError(QStringLiteral("time is not a time in seconds"));
        candle.openTimeMs = *open;
        if (auto wrong = readOhlc(row, 1, candle))
            return rowError(*wrong);
        const auto volume = numberOf(row.at(6));
        if (!volume || *volume < 0.0)
            return rowError(QStringLiteral("volume is not a number of at least 0"));
        candle.volume = *volume;
        if (!ohlc.candles.isEmpty() && ohlc.candles.last().openTimeMs >= candle.openTimeMs)
            return rowError(QStringLiteral("time does not follow the previous row's"));
        ohlc.candles.append(candle);
    }
    return ohlc;
}

Result<QList<domain::Candle>> parseCoinGeckoRange(QByteArrayView body)
{
    const QString what = QStringLiteral("CoinGecko market chart");
    auto document = readJson(body, what);
    if (!document)
        return document.error();
    if (!document->isObject())
        return parseError(what, QStringLiteral("expected an object"));
    const QJsonObject root = document->object();
    if (!root.value(QStringLiteral("prices")).isArray()) {
        const QString words = coinGeckoErrorMessage(body);
        return parseError(what, words.isEmpty() ? QStringLiteral("no \"prices\" array") : words);
    }
    // Day start -> candle, the first point of each day wins.
    QList<domain::Candle> candles;
    QHash<qint64, qsizetype> byDay;
    const auto points = [&](const char *name, auto apply) -> std::optional<Error> {
        const QJsonValue value = root.value(QLatin1String(name));
        if (value.isUndefined() && qstrcmp(name, "prices") != 0)
            return std::nullopt; // market caps and volumes are optional
        if (!value.isArray())
            return parseError(what, QStringLiteral("\"%1\" is not an array").arg(QLatin1String(name)));
        const QJsonArray array = value.toArray();
        QHash<qint64, qint64> taken; // day -> time of the point used
        for (qsizetype i = 0; i < array.size(); ++i) {
            const QJsonArray point = array.at(i).toArray();
            const auto time = timeOf(point.at(0), 1);
            if (point.size() != 2 || !time)
                return parseError(
                    what, QStringLiteral("%1[%2]: expected [milliseconds, value]").arg(QLatin1String(name)).arg(i));
            // A coin without a market cap that day has null there.
            if (point.at(1).isNull())
                continue;
            const auto number = numberOf(point.at(1));
            if (!number || *number < 0.0)
                return parseError(
                    what,
                    QStringLiteral("%1[%2]: value is not a number of at least 0").arg(QLatin1String(name)).arg(i));
            const qint64 day = *time - *time % kDayMs;
            if (auto seen = taken.constFind(day); seen != taken.cend() && *seen <= *time)
                continue;
            taken.insert(day, *time);
            if (auto wrong = apply(day, *number, i))
                return wrong;
        }
        return std::nullopt;
    };
    if (auto wrong = points("prices", [&](qint64 day, double price, qsizetype i) -> std::optional<Error> {
            if (price <= 0.0)
                return parseError(what, QStringLiteral("prices[%1]: price is not positive").arg(i));
            auto found = byDay.constFind(day);
            if (found == byDay.cend()) {
                byDay.insert(day, candles.size());
                candles.append(domain::Candle{day, price, price, price, price, 0, 0});
            } else {
                domain::Candle &candle = candles[*found];
                candle.open = candle.high = candle.low = candle.close = price;
            }
            return std::nullopt;
        }))
        return *wrong;
    if (auto wrong = points("market_caps", [&](qint64 day, double cap, qsizetype) -> std::optional<Error> {
            if (auto found = byDay.constFind(day); found != byDay.cend())
                candles[*found].marketCap = cap;
            return std::nullopt;
        }))
        return *wrong;
    if (auto wrong = points("total_volumes", [&](qint64 day, double volume, qsizetype) -> std::optional<Error> {
            if (auto found = byDay.constFind(day); found != byDay.cend())
                candles[*found].volume = volume;
            return std::nullopt;
        }))
        return *wrong;
    std::sort(candles.begin(), candles.end(),
              [](const domain::Candle &a, const domain::Candle &b) { return a.openTimeMs < b.openTimeMs; });
    return candles;
}

QString coinGeckoErrorMessage(QByteArrayView body)
{
    const QJsonDocument document = QJsonDocument::fromJson(body.toByteArray());
    if (!document.isObject())
        return {};
    const QJsonObject root = document.object();
    const QString message = coinGeckoStatus(root).value(QStringLiteral("error_message")).toString();
    if (!message.isEmpty())
        return message.trimmed();
    return root.value(QStringLiteral("error")).toString().trimmed();
}

int coinGeckoErrorCode(QByteArrayView body)
{
    const QJsonDocument document = QJsonDocument::fromJson(body.toByteArray());
    if (!document.isObject())
        return 0;
    return coinGeckoStatus(document.object()).value(QStringLiteral("error_code")).toInt();
}

} // namespace ballast::market
