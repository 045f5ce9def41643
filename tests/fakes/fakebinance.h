#pragma once

#include "fakecandles.h"
#include "fakeexchange.h"

#include <QHash>
#include <QRandomGenerator>
#include <QString>
#include <QStringList>

#include <optional>

namespace ballast::test::fake {

/// Binance PRICE_FILTER; a zero field disables its rule.
struct BinancePriceFilter
{
    Decimal minPrice;
    Decimal maxPrice;
    Decimal tickSize;
};

/// Binance LOT_SIZE and MARKET_LOT_SIZE; a zero field disables its rule.
struct BinanceLotSize
{
    Decimal minQty;
    Decimal maxQty;
    Decimal stepSize;
};

/// Binance MIN_NOTIONAL (older symbols).
struct BinanceMinNotional
{
    Decimal minNotional;
    bool applyToMarket = true;
    int avgPriceMins = 5;
};

/// Binance NOTIONAL (newer symbols).
struct BinanceNotional
{
    Decimal minNotional;
    bool applyMinToMarket = true;
    Decimal maxNotional;
    bool applyMaxToMarket = false;
    int avgPriceMins = 5;
};

/// One Binance symbol as exchangeInfo describes it; a filter that is not set is absent.
struct BinanceSymbol
{
    QString symbol;
    QString baseAsset;
    QString quoteAsset;
    QString status = QStringLiteral("TRADING");
    int baseAssetPrecision = 8;
    int quoteAssetPrecision = 8;
    int quotePrecision = 8;
    int baseCommissionPrecision = 8;
    int quoteCommissionPrecision = 8;
    bool quoteOrderQtyMarketAllowed = true;
    std::optional<BinancePriceFilter> priceFilter;
    std::optional<BinanceLotSize> lotSize;
    std::optional<BinanceMinNotional> minNotional;
    std::optional<BinanceLotSize> marketLotSize;
    std::optional<BinanceNotional> notional;
    int maxNumOrders = 200; ///< MAX_NUM_ORDERS (0 = no such filter)
};

/// One record of the deposit or withdrawal history (/sapi/v1/capital/...).
struct BinanceMovementRecord
{
    QString id;
    QString coin;
    Decimal amount;
    Decimal transactionFee; ///< withdrawals only
    QString network;
    QString txId;
    QString address;
    int status = 1; ///< deposits: 0 pending, 1 success, 6 credited, ...; withdrawals: 6 completed, 4 processing, ...
    int transferType = 0; ///< 1 = internal transfer
    qint64 timeMs = 0; ///< insertTime (deposits) / applyTime (withdrawals)
};

/// Loopback fake of the Binance Spot REST API (/api/v3 subset a rebalancer
/// needs): exchangeInfo with real filters, tickers, SIGNED account, orders
/// (MARKET by quantity or quoteOrderQty, LIMIT GTC/IOC/FOK, ACK/RESULT/FULL),
/// order test, query, cancel, open/all orders and myTrades. Verifies
/// X-MBX-APIKEY, the HMAC-SHA256 signature over query string + body exactly as
/// sent, timestamp/recvWindow against its own clock, enforces filters and
/// balances with Binance's codes and messages, counts request weight
/// (X-MBX-USED-WEIGHT-1M, 429 + Retry-After, 418 ban) and fills orders in one
/// or several executions with commissions.
class FakeBinance : public FakeExchange
{
    Q_OBJECT

public:
    /// The key pair of Binance's published signing example (vectors V1-V3).
    static QString docsApiKey();
    static QString docsSecretKey();

    /// Starts with the docs key pair, symbols BTCUSDT, ETHUSDT (NOTIONAL) and
    /// ETHBTC (MIN_NOTIONAL), 0.1 % commissions, no balances. Call listenLocal().
    explicit FakeBinance(QObject *parent = nullptr);

    void setCredentials(const QString &apiKey, const QString &secretKey);
    [[nodiscard]] QString apiKey() const { return m_apiKey; }
    [[nodiscard]] QString secretKey() const { return m_secretKey; }

    /// Adds or replaces a symbol; its market trades at @p lastPrice with best bid/ask
    /// @p halfSpread away (rounded to the tick size).
    void addSymbol(const BinanceSymbol &symbol, const Decimal &lastPrice, const Decimal &halfSpread = {});
    [[nodiscard]] BinanceSymbol *symbol(const QString &name);

    /// Commission rates of every symbol and which asset pays them.
    void setCommission(const Decimal &maker, const Decimal &taker, FeeAssetPolicy feeAsset = FeeAssetPolicy::Received);
    /// Which asset pays commissions on @p symbol (empty = all symbols).
    void setFeeAsset(FeeAssetPolicy feeAsset, const QString &symbol = {});

    /// REQUEST_WEIGHT limit per window (default 6000 per 60 s). The window starts with its first request.
    void setWeightLimit(int limit, qint64 windowMs = 60000);
    /// How long an IP ban (418) lasts (default 120 s).
    void setBanDurationMs(qint64 ms) { m_banMs = ms; }
    [[nodiscard]] int usedWeight() const { return m_usedWeight; }
    [[nodiscard]] qint64 bannedUntilMs() const { return m_banUntilMs; }

    /// reset() keeps the credentials, commissions and limits; it clears orders, balances,
    /// prices (back to the default symbols), faults, the clock offset and the weight counters.

    /// History the capital endpoints serve (newest first, offset paging,
    /// windows under 90 days); reset() clears it.
    void addDeposit(const BinanceMovementRecord &record) { m_deposits.append(record); }
    void addWithdrawal(const BinanceMovementRecord &record) { m_withdrawals.append(record); }

    /// The price history GET /api/v3/klines serves for @p symbol (by default
    /// every symbol's: listed 2017-08-17 around a price made from its name).
    /// Klines: weight 2, limit 1..1000 (default 500), startTime/endTime paging,
    /// the still-open bar last, Binance's codes for bad parameters.
    void setCandleHistory(const QString &symbol, const FakeCandleHistory &history)
    {
        m_candleHistory.insert(symbol, history);
    }
    [[nodiscard]] FakeCandleHistory candleHistory(const QString &symbol) const;

    /// Fills a resting LIMIT order as maker (default: all that remains at its limit price).
    /// Returns an error text, empty on success.
    QString fillOrder(qint64 orderId, std::optional<Decimal> qty = {}, std::optional<Decimal> price = {});

protected:
    FakeEndpoint classify(const FakeRequest &request) const override;
    std::optional<FakeResponse> admit(const FakeRequest &request) override;
    FakeResponse faultResponse(const FakeRequest &request, const FaultRule &rule) override;
    FakeResponse process(const FakeRequest &request, const ProcessContext &context) override;
    void decorate(const FakeRequest &request, FakeResponse &response) override;
    std::optional<FakeResponse> control(const QString &name, const QJsonObject &args) override;
    QString fillByRef(const QString &ref, std::optional<Decimal> qty, std::optional<Decimal> price) override;
    void restoreDefaults() override;

private:
    /// Parameters of one request: query string first (it wins), then the body.
    struct Params
    {
        QHash<QString, QString> values;
        QString duplicate; ///< name of a parameter sent twice in the same part, if any
        [[nodiscard]] bool has(const QString &name) const { return values.contains(name); }
        [[nodiscard]] QString value(const QString &name) const { return values.value(name); }
    };
    struct NewOrder
    {
        const BinanceSymbol *symbol = nullptr;
        PlaceSpec spec;
        QString respType;
        Decimal estimatedQty; ///< quantity, or the quantity a quoteOrderQty buys at the best price
    };

    static Params parseParams(const FakeRequest &request);
    static FakeResponse error(int status, int code, const QString &message);
    static FakeResponse badRequest(int code, const QString &message) { return error(400, code, message); }
    static FakeResponse mandatory(const QString &name);
    static FakeResponse illegal(const QString &name, const QString &range);

    [[nodiscard]] int weightOf(const FakeRequest &request) const;
    std::optional<FakeResponse> authenticate(const FakeRequest &request, const Params &params,
                                             const ProcessContext &context) const;
    std::optional<FakeResponse> parseNewOrder(const Params &params, qint64 nowMs, NewOrder &out) const;
    std::optional<FakeResponse> checkFilters(const NewOrder &order) const;
    [[nodiscard]] QString newClientId();
    [[nodiscard]] const BookOrder *lookup(const QString &symbol, const Params &params, qint64 nowMs,
                                          std::optional<FakeResponse> &failure, bool forCancel) const;

    FakeResponse handleExchangeInfo(const Params &params) const;
    FakeResponse handleKlines(const Params &params, qint64 nowMs) const;
    FakeResponse handleTicker(const Params &params, bool book) const;
    FakeResponse handleAccount(const Params &params) const;
    FakeResponse handleNewOrder(const Params &params, const ProcessContext &context, bool testOnly);
    FakeResponse handleQueryOrder(const Params &params, const ProcessContext &context) const;
    FakeResponse handleCancelOrder(const Params &params, const ProcessContext &context);
    FakeResponse handleOpenOrders(const Params &params, const ProcessContext &context) const;
    FakeResponse handleCancelAll(const Params &params, const ProcessContext &context);
    FakeResponse handleAllOrders(const Params &params, const ProcessContext &context) const;
    FakeResponse handleMyTrades(const Params &params, const ProcessContext &context) const;
    /// GET /sapi/v1/capital/deposit/hisrec and /sapi/v1/capital/withdraw/history.
    FakeResponse handleMovements(const Params &params, const ProcessContext &context, bool deposits) const;

    [[nodiscard]] QJsonObject symbolJson(const BinanceSymbol &symbol) const;
    [[nodiscard]] QJsonObject orderResultJson(const BookOrder &order, qint64 transactTime, bool withFills) const;
    [[nodiscard]] QJsonObject orderQueryJson(const BookOrder &order) const;
    [[nodiscard]] QJsonObject cancelJson(const BookOrder &order, const QString &cancelClientId, qint64 nowMs) const;
    [[nodiscard]] QString qtyText(const BookOrder &order, const Decimal &value) const;
    [[nodiscard]] QString priceText(const BookOrder &order, const Decimal &value) const;

    QString m_apiKey;
    QString m_secretKey;
    Decimal m_makerRate;
    Decimal m_takerRate;
    FeeAssetPolicy m_feeAsset = FeeAssetPolicy::Received;
    QHash<QString, BinanceSymbol> m_symbols;
    QStringList m_symbolOrder;
    int m_weightLimit = 6000;
    qint64 m_windowMs = 60000;
    qint64 m_windowStartMs = 0;
    int m_usedWeight = 0;
    qint64 m_backoffUntilMs = 0;
    qint64 m_banUntilMs = 0;
    qint64 m_banMs = 120000;
    QList<qint64> m_orderTimes;
    QList<BinanceMovementRecord> m_deposits;
    QList<BinanceMovementRecord> m_withdrawals;
    QRandomGenerator m_idRandom;
    QHash<QString, FakeCandleHistory> m_candleHistory;
};

} // namespace ballast::test::fake
