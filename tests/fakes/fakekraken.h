#pragma once

#include "fakecandles.h"
#include "fakeexchange.h"

#include <QHash>
#include <QList>
#include <QPair>
#include <QRandomGenerator>
#include <QString>
#include <QStringList>

#include <optional>

namespace ballast::test::fake {

/// One Kraken asset as /public/Assets describes it (legacy codes such as XXBT, ZUSD).
struct KrakenAsset
{
    QString code; ///< "XXBT"
    QString altname; ///< "XBT"
    int decimals = 10;
    int displayDecimals = 5;
};

/// One Kraken pair as /public/AssetPairs describes it.
struct KrakenPair
{
    QString name; ///< "XXBTZUSD"
    QString altname; ///< "XBTUSD"
    QString wsname; ///< "XBT/USD"
    QString base; ///< "XXBT"
    QString quote; ///< "ZUSD"
    int pairDecimals = 1; ///< price decimals
    int costDecimals = 5;
    int lotDecimals = 8; ///< volume decimals
    Decimal orderMin; ///< minimum volume (base)
    Decimal costMin; ///< minimum cost (quote)
    Decimal tickSize;
    QList<QPair<qint64, Decimal>> fees; ///< taker tiers [[volume, percent]]
    QList<QPair<qint64, Decimal>> feesMaker;
    QString status = QStringLiteral("online");
};

/// One entry of the account ledger (private/Ledgers) a test seeds: deposits,
/// withdrawals, staking rewards, transfers. Trades come from the order book.
struct KrakenLedgerSeed
{
    QString id; ///< "L4UESK-KG3EQ-UFO4T5"
    QString refid;
    qint64 timeMs = 0;
    QString type; ///< "deposit", "withdrawal", "staking", "transfer", "earn", ...
    QString subtype;
    QString asset; ///< Kraken's code: "XXBT", "ZEUR", "DOT.S"
    Decimal amount; ///< signed
    Decimal fee;
};

/// Loopback fake of the Kraken Spot REST API (/0 subset a rebalancer needs):
/// public Time, SystemStatus, Assets, AssetPairs, Ticker; private Balance,
/// BalanceEx, AddOrder (market/limit, cl_ord_id, validate, deadline),
/// QueryOrders, OpenOrders, ClosedOrders, CancelOrder, CancelAll and
/// TradesHistory, with legacy asset codes (XXBT, ZUSD, XETH; pair XXBTZUSD /
/// altname XBTUSD). Verifies API-Key, API-Sign = base64(HMAC-SHA512(secret,
/// path + SHA256(nonce + body))) over the exact body bytes, strictly
/// increasing nonces per key, and the REST call counter with decay; answers
/// in the {"error":[...],"result":{...}} envelope with Kraken's error strings.
class FakeKraken : public FakeExchange
{
    Q_OBJECT

public:
    /// The private key of Kraken's published signing example (vector V4) and a key name.
    static QString docsApiKey();
    static QByteArray docsSecret();

    /// Starts with the docs key, pairs XXBTZUSD, XETHZUSD, XETHXXBT and SOLUSD,
    /// taker 0.26 % / maker 0.16 %, Starter-tier call counter (15, -0.33/s), no balances.
    explicit FakeKraken(QObject *parent = nullptr);

    /// @p secretBase64 is the private key as Kraken shows it (base64).
    void setCredentials(const QString &apiKey, const QByteArray &secretBase64);
    [[nodiscard]] QString apiKey() const { return m_apiKey; }

    void addAsset(const KrakenAsset &asset);
    /// Adds or replaces a pair trading at @p lastPrice with best bid/ask @p halfSpread away.
    void addPair(const KrakenPair &pair, const Decimal &lastPrice, const Decimal &halfSpread = {});
    [[nodiscard]] KrakenPair *pair(const QString &name);

    /// REST call counter: maximum and decay per second (Starter 15 / 0.33, Intermediate 20 / 0.5, Pro 20 / 1).
    void setRateLimit(double maximum, double decayPerSecond);
    /// The counter now (after decay).
    [[nodiscard]] double callCounter() const;
    [[nodiscard]] quint64 lastNonce() const { return m_lastNonce; }

    /// reset() keeps the credentials and the rate-limit tier; it clears orders, balances,
    /// prices (back to the default pairs), nonces, faults and the clock offset.

    /// Adds an entry to the ledger; reset() clears them. Every fill of the
    /// order book adds its two trade entries (refid = the trade id) by itself.
    void addLedgerEntry(const KrakenLedgerSeed &entry) { m_ledger.append(entry); }

    /// The price history public/OHLC serves for @p pair (its key, e.g.
    /// XXBTZUSD; by default every pair's, listed 2013-10-06). OHLC answers the
    /// 720 most recent bars of the interval after `since` (never older ones,
    /// as Kraken), the still-open bar last, and `last`.
    void setCandleHistory(const QString &pair, const FakeCandleHistory &history)
    {
        m_candleHistory.insert(pair, history);
    }
    [[nodiscard]] FakeCandleHistory candleHistory(const QString &pair) const;
    /// The next @p count OHLC calls are answered "EGeneral:Too many requests".
    void setOhlcTooManyRequests(int count) { setOhlcRefusals(count, QStringLiteral("EGeneral:Too many requests")); }
    /// The next @p count OHLC calls are answered with the error @p words
    /// ("EAPI:Rate limit exceeded", "EService: Throttled: 1767225600", ...).
    void setOhlcRefusals(int count, const QString &words)
    {
        m_ohlcTooMany = count;
        m_ohlcRefusal = words;
    }

    /// Fills a resting limit order (by txid) as maker; returns an error text, empty on success.
    QString fillOrder(const QString &txid, std::optional<Decimal> qty = {}, std::optional<Decimal> price = {});

protected:
    FakeEndpoint classify(const FakeRequest &request) const override;
    FakeResponse faultResponse(const FakeRequest &request, const FaultRule &rule) override;
    FakeResponse process(const FakeRequest &request, const ProcessContext &context) override;
    std::optional<FakeResponse> control(const QString &name, const QJsonObject &args) override;
    QString fillByRef(const QString &ref, std::optional<Decimal> qty, std::optional<Decimal> price) override;
    void restoreDefaults() override;

private:
    using Params = QHash<QString, QString>;

    static Params parseParams(const FakeRequest &request);
    static FakeResponse ok(const QJsonValue &result);
    static FakeResponse fail(const QString &error, int status = 200);
    [[nodiscard]] QString method(const FakeRequest &request) const;
    [[nodiscard]] const KrakenPair *findPair(const QString &text) const;
    std::optional<FakeResponse> authenticate(const FakeRequest &request, const Params &params);
    std::optional<FakeResponse> countCall(const QString &method, qint64 nowMs);
    [[nodiscard]] QString nextId(QChar prefix);

    FakeResponse handleTime(const ProcessContext &context) const;
    FakeResponse handleAssets(const Params &params) const;
    FakeResponse handleAssetPairs(const Params &params) const;
    FakeResponse handleTicker(const Params &params) const;
    FakeResponse handleOhlc(const Params &params, qint64 nowMs);
    FakeResponse handleBalance(bool extended) const;
    FakeResponse handleAddOrder(const FakeRequest &request, const Params &params, const ProcessContext &context);
    FakeResponse handleQueryOrders(const Params &params, const ProcessContext &context) const;
    FakeResponse handleOpenOrders(const Params &params, const ProcessContext &context) const;
    FakeResponse handleClosedOrders(const Params &params, const ProcessContext &context) const;
    FakeResponse handleCancelOrder(const Params &params, const ProcessContext &context);
    FakeResponse handleCancelAll(const ProcessContext &context);
    FakeResponse handleTradesHistory(const Params &params, const ProcessContext &context) const;
    /// POST /private/Ledgers: start/end (exclusive), asset, type, ofs; 50 a page, newest first, with count.
    FakeResponse handleLedgers(const Params &params, const ProcessContext &context) const;
    /// POST /private/QueryTrades: txid = comma list of at most 20 trade ids.
    FakeResponse handleQueryTrades(const Params &params, const ProcessContext &context) const;

    [[nodiscard]] QJsonObject orderJson(const BookOrder &order, bool withTrades) const;
    [[nodiscard]] QJsonObject tradeJson(const BookOrder &order, const BookFill &fill) const;
    [[nodiscard]] QString describe(const BookOrder &order) const;
    [[nodiscard]] const KrakenPair *pairOf(const BookOrder &order) const;

    QString m_apiKey;
    QByteArray m_secret; ///< decoded private key
    QHash<QString, KrakenAsset> m_assets;
    QStringList m_assetOrder;
    QHash<QString, KrakenPair> m_pairs;
    QList<KrakenLedgerSeed> m_ledger;
    QStringList m_pairOrder;
    quint64 m_lastNonce = 0;
    double m_counterMax = 15;
    double m_decayPerSec = 0.33;
    mutable double m_counter = 0;
    mutable qint64 m_counterAtMs = 0;
    QRandomGenerator m_idRandom;
    QHash<QString, FakeCandleHistory> m_candleHistory;
    int m_ohlcTooMany = 0;
    QString m_ohlcRefusal;
};

} // namespace ballast::test::fake
