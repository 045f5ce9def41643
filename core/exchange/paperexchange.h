#pragma once

#include "common/clock.h"
#include "exchange/exchange.h"

#include <QHash>

namespace ballast::storage {
class Database;
}

namespace ballast::exchange {

/// Settings of a paper account (stored in the database's meta table).
struct PaperConfig
{
    int takerFeeBps = 10; ///< 0.10 %, Binance's base spot rate
    int makerFeeBps = 10;
    int slippageBps = 5; ///< market orders fill this much worse than the last price
};

/// The embedded exchange: no network, prices from the local price store
/// (simulated market, imported history or prices the person set), balances
/// and orders persisted in the database. It refuses orders exactly as a real
/// exchange would, with the same error kinds and Binance's codes and wording.
/// Fees are charged in the quote asset on both sides.
class PaperExchange final : public Exchange
{
public:
    PaperExchange(storage::Database &db, qint64 accountId, QString quote, Clock clock = systemClock());

    [[nodiscard]] QString id() const override { return QStringLiteral("paper"); }
    [[nodiscard]] bool isSimulated() const override { return true; }

    ExResult<qint64> fetchTime() override;
    ExResult<QList<MarketRules>> fetchMarkets() override;
    ExResult<QList<Balance>> fetchBalances() override;
    ExResult<Ticker> fetchTicker(const QString &symbol) override;
    ExResult<domain::Order> createOrder(const OrderRequest &request) override;
    ExResult<domain::Order> validateOrder(const OrderRequest &request) override;
    ExResult<domain::Order> fetchOrder(const QString &symbol, const QString &clientOrderId) override;
    ExResult<domain::Order> cancelOrder(const QString &symbol, const QString &clientOrderId) override;
    ExResult<QList<domain::Order>> fetchOpenOrders(const QString &symbol = {}) override;
    ExResult<QList<domain::Fill>> fetchFills(const QString &symbol, qint64 sinceMs = 0) override;
    ExResult<QList<domain::Fill>> fetchOrderFills(const QString &symbol, const QString &clientOrderId,
                                                  const QString &exchangeOrderId) override;

    /// Sets balances directly (a deposit or withdrawal on the paper account).
    ExResult<void> setBalances(const QList<Balance> &balances);
    /// Fills resting limit orders that the current prices now reach.
    ExResult<int> matchOpenOrders();

    [[nodiscard]] PaperConfig config() const;
    ExResult<void> setConfig(const PaperConfig &config);

    /// Binance-like rules for a market at @p price: lot step and tick by asset
    /// (BTC 0.00001, ETH 0.0001, ...; by price magnitude otherwise) and a
    /// 5-unit minimum notional for stablecoin quotes.
    static MarketRules defaultRules(const QString &base, const QString &quote, const money::Decimal &price,
                                    const PaperConfig &config);

private:
    struct Context;
    ExResult<domain::Order> place(const OrderRequest &request, bool validateOnly);
    ExResult<MarketRules> marketFor(const QString &symbol, money::Decimal *lastPrice, bool *simulated);

    storage::Database &m_db;
    qint64 m_accountId;
    QString m_quote;
    Clock m_clock;
};

} // namespace ballast::exchange
