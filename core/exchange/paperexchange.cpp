#include "exchange/paperexchange.h"

#include "domain/assetcatalog.h"
#include "exchange/orderrules.h"
#include "storage/database.h"
#include "storage/pricestore.h"

#include <QTimeZone>

#include <array>
#include <cmath>

namespace ballast::exchange {

using domain::Order;
using domain::OrderStatus;
using domain::OrderType;
using domain::Side;
using money::Decimal;
using money::RoundingMode;

namespace {

struct KnownRules
{
    const char *base;
    const char *step;
    const char *tick;
};

// Lot steps and ticks of the USDT markets on Binance spot, for the assets the
// simulated market knows.
constexpr std::array<KnownRules, 15> kKnownRules{{
    {"BTC", "0.00001", "0.01"},
    {"ETH", "0.0001", "0.01"},
    {"BNB", "0.001", "0.01"},
    {"SOL", "0.001", "0.01"},
    {"LTC", "0.001", "0.01"},
    {"AVAX", "0.01", "0.01"},
    {"LINK", "0.01", "0.001"},
    {"DOT", "0.01", "0.001"},
    {"XRP", "0.1", "0.0001"},
    {"ADA", "0.1", "0.0001"},
    {"TRX", "0.1", "0.00001"},
    {"DOGE", "1", "0.00001"},
    {"USDC", "1", "0.0001"},
    {"DAI", "1", "0.0001"},
    {"FDUSD", "1", "0.0001"},
}};

Decimal powerOfTen(int exponent)
{
    exponent = std::clamp(exponent, -money::Decimal::kScale, 12);
    Decimal result = Decimal::fromInt(1);
    const Decimal ten = Decimal::fromInt(10);
    for (int i = 0; i < std::abs(exponent); ++i)
        result = exponent > 0 ? result * ten : result / ten;
    return result;
}

Decimal bps(int basisPoints)
{
    return Decimal::fromInt(basisPoints) / Decimal::fromInt(10000);
}

ExchangeError error(ExchangeError::Kind kind, const char *code, const char *message)
{
    ExchangeError e;
    e.kind = kind;
    e.exchangeCode = QString::fromLatin1(code);
    e.exchangeMessage = QString::fromLatin1(message);
    return e;
}

ExchangeError storageError(const Error &e)
{
    ExchangeError wrapped;
    wrapped.kind = ExchangeError::Kind::Exchange;
    wrapped.exchangeCode = e.code;
    wrapped.exchangeMessage = e.message;
    return wrapped;
}

ExchangeError unknownOrder()
{
    return error(ExchangeError::Kind::OrderNotFound, "-2013", "Order does not exist.");
}

std::pair<QString, QString> splitSymbol(const QString &symbol)
{
    const auto slash = symbol.indexOf(QLatin1Char('/'));
    if (slash <= 0)
        return {};
    return {symbol.left(slash), symbol.mid(slash + 1)};
}

Order readOrder(const storage::Statement &row)
{
    // id, client_order_id, symbol, side, type, quantity, price, filled_quantity,
    // filled_quote, status, reason, created_at, updated_at
    Order order;
    order.exchangeOrderId = QString::number(row.int64(0));
    order.clientOrderId = row.text(1);
    order.symbol = row.text(2);
    order.side = domain::sideFromString(row.text(3));
    order.type = row.text(4) == QLatin1String("limit") ? OrderType::Limit : OrderType::Market;
    order.quantity = row.decimal(5);
    order.price = row.decimal(6);
    order.filledQuantity = row.decimal(7);
    order.filledQuote = row.decimal(8);
    order.status = domain::orderStatusFromString(row.text(9));
    order.reason = row.text(10);
    order.createdAt = QDateTime::fromMSecsSinceEpoch(row.int64(11), QTimeZone::utc());
    order.updatedAt = QDateTime::fromMSecsSinceEpoch(row.int64(12), QTimeZone::utc());
    return order;
}

constexpr const char *kOrderColumns = "SELECT id, client_order_id, symbol, side, type, quantity, price, "
                                      "filled_quantity, filled_quote, status, reason, created_at, updated_at "
                                      "FROM paper_orders";

} // namespace

PaperExchange::PaperExchange(storage::Database &db, qint64 accountId, QString quote, Clock clock)
    : m_db(db)
    , m_accountId(accountId)
    , m_quote(std::move(quote))
    , m_clock(std::move(clock))
{
}

MarketRules PaperExchange::defaultRules(const QString &base, const QString &quote, const Decimal &price,
                                        const PaperConfig &config)
{
    MarketRules rules;
    rules.symbol = base + QLatin1Char('/') + quote;
    rules.exchangeSymbol = base + quote;
    rules.base = base;
    rules.quote = quote;
    bool known = false;
    for (const KnownRules &entry : kKnownRules) {
        if (base == QLatin1String(entry.base)) {
            rules.lotStep = money::dec(entry.step);
            rules.tick = money::dec(entry.tick);
            known = true;
        }
    }
    if (!known) {
        // About one tenth of a quote unit per lot step, and six significant
        // digits of price, as exchanges list new coins.
        const int magnitude = price.isPositive() ? static_cast<int>(std::floor(std::log10(price.toDouble()))) : 0;
        rules.lotStep = powerOfTen(std::clamp(-magnitude - 1, -8, 0));
        rules.tick = powerOfTen(std::clamp(magnitude - 5, -8, -2));
    }
    rules.minQuantity = rules.lotStep;
    rules.maxQuantity = Decimal::fromInt(9000000000);
    rules.minPrice = rules.tick;
    const auto quoteAsset = domain::AssetCatalog::find(quote);
    const bool dollarLike = quoteAsset && quoteAsset->kind != domain::AssetKind::Crypto;
    rules.minNotional = dollarLike ? Decimal::fromInt(5) : money::dec("0.0001");
    rules.takerFee = bps(config.takerFeeBps);
    rules.makerFee = bps(config.makerFeeBps);
    return rules;
}

PaperConfig PaperExchange::config() const
{
    PaperConfig config;
    try {
        storage::Statement query(m_db, "SELECT key, value FROM meta WHERE key LIKE ?");
        query.bind(1, QStringLiteral("paper.%1.%").arg(m_accountId));
        while (query.step()) {
            const QString key = query.text(0).section(QLatin1Char('.'), 2);
            const int value = query.text(1).toInt();
            if (key == QLatin1String("taker_fee_bps"))
                config.takerFeeBps = value;
            else if (key == QLatin1String("maker_fee_bps"))
                config.makerFeeBps = value;
            else if (key == QLatin1String("slippage_bps"))
                config.slippageBps = value;
        }
    } catch (const storage::SqlError &) {
        // Defaults when the settings cannot be read; errors surface on the next write.
    }
    return config;
}

ExResult<void> PaperExchange::setConfig(const PaperConfig &config)
{
    auto stored = storage::guarded([&]() -> Status {
        storage::Transaction transaction(m_db);
        storage::Statement upsert(m_db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)");
        const std::array<std::pair<const char *, int>, 3> values{{{"taker_fee_bps", config.takerFeeBps},
                                                                  {"maker_fee_bps", config.makerFeeBps},
                                                                  {"slippage_bps", config.slippageBps}}};
        for (const auto &[key, value] : values) {
            upsert.bind(1, QStringLiteral("paper.%1.%2").arg(m_accountId).arg(QString::fromLatin1(key)))
                .bind(2, QString::number(value));
            upsert.run();
            upsert.reset();
        }
        transaction.commit();
        return {};
    });
    if (!stored)
        return storageError(stored.error());
    return {};
}

ExResult<qint64> PaperExchange::fetchTime()
{
    return m_clock();
}

ExResult<MarketRules> PaperExchange::marketFor(const QString &symbol, Decimal *lastPrice, bool *simulated)
{
    const auto [base, quote] = splitSymbol(symbol);
    if (base.isEmpty() || quote != m_quote || base == quote)
        return error(ExchangeError::Kind::BadSymbol, "-1121", "Invalid symbol.");
    auto price = storage::PriceStore(m_db).latest(base, quote, m_clock());
    if (!price)
        return storageError(price.error());
    if (!price->has_value())
        return error(ExchangeError::Kind::BadSymbol, "-1121", "Invalid symbol.");
    if (lastPrice)
        *lastPrice = (*price)->price;
    if (simulated)
        *simulated = (*price)->isSimulated();
    return defaultRules(base, quote, (*price)->price, config());
}

ExResult<QList<MarketRules>> PaperExchange::fetchMarkets()
{
    auto prices = storage::PriceStore(m_db).latestAll(m_quote, m_clock());
    if (!prices)
        return storageError(prices.error());
    const PaperConfig settings = config();
    QList<MarketRules> markets;
    for (auto it = prices->cbegin(); it != prices->cend(); ++it) {
        if (it.key() != m_quote)
            markets.append(defaultRules(it.key(), m_quote, it->price, settings));
    }
    std::sort(markets.begin(), markets.end(),
              [](const MarketRules &a, const MarketRules &b) { return a.symbol < b.symbol; });
    return markets;
}

ExResult<QList<Balance>> PaperExchange::fetchBalances()
{
    auto rows = storage::guarded([&]() -> Result<QList<Balance>> {
        storage::Statement query(m_db,
                                 "SELECT asset, free, locked FROM paper_balances WHERE account_id = ? "
                                 "ORDER BY asset");
        query.bind(1, m_accountId);
        QList<Balance> balances;
        while (query.step())
            balances.append(Balance{query.text(0), query.decimal(1), query.decimal(2)});
        return balances;
    });
    if (!rows)
        return storageError(rows.error());
    return *rows;
}

ExResult<void> PaperExchange::setBalances(const QList<Balance> &balances)
{
    auto stored = storage::guarded([&]() -> Status {
        storage::Transaction transaction(m_db);
        storage::Statement upsert(m_db,
                                  "INSERT INTO paper_balances (account_id, asset, free, locked) "
                                  "VALUES (?, ?, ?, ?) ON CONFLICT (account_id, asset) "
                                  "DO UPDATE SET free = excluded.free, locked = excluded.locked");
        for (const Balance &balance : balances) {
            if (balance.free.isNegative() || balance.locked.isNegative()) {
                return makeError(QStringLiteral("balance.negative"),
                                 QStringLiteral("%1: a balance cannot be negative").arg(balance.asset));
            }
            upsert.bind(1, m_accountId).bind(2, balance.asset).bind(3, balance.free).bind(4, balance.locked);
            upsert.run();
            upsert.reset();
        }
        transaction.commit();
        return {};
    });
    if (!stored)
        return storageError(stored.error());
    return {};
}

ExResult<Ticker> PaperExchange::fetchTicker(const QString &symbol)
{
    Decimal last;
    bool simulated = false;
    auto market = marketFor(symbol, &last, &simulated);
    if (!market)
        return market.error();
    const Decimal slip = bps(config().slippageBps);
    Ticker ticker;
    ticker.symbol = symbol;
    ticker.last = last;
    ticker.bid = (last * (Decimal::fromInt(1) - slip)).floorToStep(market->tick);
    ticker.ask = (last * (Decimal::fromInt(1) + slip)).ceilToStep(market->tick);
    ticker.time = QDateTime::fromMSecsSinceEpoch(m_clock(), QTimeZone::utc());
    ticker.simulated = simulated;
    return ticker;
}

ExResult<Order> PaperExchange::createOrder(const OrderRequest &request)
{
    return place(request, false);
}

ExResult<Order> PaperExchange::validateOrder(const OrderRequest &request)
{
    return place(request, true);
}

ExResult<Order> PaperExchange::place(const OrderRequest &request, bool validateOnly)
{
    if (request.clientOrderId.isEmpty() || request.clientOrderId.size() > 36)
        return error(ExchangeError::Kind::InvalidOrder, "-2039", "Client order ID is not valid.");
    Decimal last;
    auto market = marketFor(request.symbol, &last, nullptr);
    if (!market)
        return market.error();
    auto ticker = fetchTicker(request.symbol);
    if (!ticker)
        return ticker.error();

    const bool buy = request.side == Side::Buy;
    const Decimal marketPrice = buy ? ticker->ask : ticker->bid;
    const bool isLimit = request.type == OrderType::Limit;
    const bool marketable = !isLimit || (buy ? request.price >= marketPrice : request.price <= marketPrice);
    // A marketable order fills at the market; a resting limit at its price.
    const Decimal fillPrice = marketable ? marketPrice : request.price;
    if (auto broken = OrderRules::check(*market, request, isLimit ? request.price : marketPrice))
        return *broken;

    const Decimal notional = request.quantity * fillPrice;
    const Decimal feeRate = marketable ? market->takerFee : market->makerFee;
    const Decimal fee = (notional * feeRate).rounded(8, RoundingMode::Ceiling);
    const QString payAsset = buy ? market->quote : market->base;
    const Decimal payAmount = buy ? notional + fee : request.quantity;

    const qint64 now = m_clock();
    auto outcome = storage::guarded([&]() -> Result<Order, Error> {
        storage::Transaction transaction(m_db);
        storage::Statement duplicate(m_db,
                                     "SELECT count(*) FROM paper_orders WHERE account_id = ? AND "
                                     "client_order_id = ? AND status IN ('open', 'partially_filled')");
        duplicate.bind(1, m_accountId).bind(2, request.clientOrderId);
        duplicate.step();
        if (duplicate.int64(0) > 0)
            return makeError(QStringLiteral("-2010"), QStringLiteral("Duplicate order sent."));

        auto balanceOf = [&](const QString &asset) {
            storage::Statement query(m_db,
                                     "SELECT free, locked FROM paper_balances WHERE account_id = ? AND asset = ?");
            query.bind(1, m_accountId).bind(2, asset);
            return query.step() ? Balance{asset, query.decimal(0), query.decimal(1)} : Balance{asset, {}, {}};
        };
        storage::Statement putBalance(m_db,
                                      "INSERT INTO paper_balances (account_id, asset, free, locked) "
                                      "VALUES (?, ?, ?, ?) ON CONFLICT (account_id, asset) "
                                      "DO UPDATE SET free = excluded.free, locked = excluded.locked");
        auto store = [&](const Balance &balance) {
            putBalance.bind(1, m_accountId).bind(2, balance.asset).bind(3, balance.free).bind(4, balance.locked);
            putBalance.run();
            putBalance.reset();
        };

        Balance pay = balanceOf(payAsset);
        // Like Binance's order/test and Kraken's validate=true, a dry run checks
        // the order's rules, not the balance (a buy may be funded by earlier sells).
        if (!validateOnly && pay.free < payAmount) {
            return makeError(QStringLiteral("-2010"),
                             QStringLiteral("Account has insufficient balance for requested action."));
        }
        Order order;
        order.clientOrderId = request.clientOrderId;
        order.symbol = request.symbol;
        order.side = request.side;
        order.type = request.type;
        order.quantity = request.quantity;
        order.price = request.price;
        order.createdAt = order.updatedAt = QDateTime::fromMSecsSinceEpoch(now, QTimeZone::utc());
        order.status = marketable ? OrderStatus::Filled : OrderStatus::Open;
        if (validateOnly)
            return order; // the transaction rolls back: nothing changes

        if (marketable) {
            order.filledQuantity = request.quantity;
            order.filledQuote = notional;
            Balance receive = balanceOf(buy ? market->base : market->quote);
            pay.free -= payAmount;
            store(pay);
            receive = balanceOf(receive.asset); // re-read: pay and receive differ
            receive.free += buy ? request.quantity : notional - fee;
            store(receive);
        } else {
            pay.free -= payAmount;
            pay.locked += payAmount;
            store(pay);
        }
        storage::Statement insert(m_db,
                                  "INSERT INTO paper_orders (account_id, client_order_id, symbol, side, type, "
                                  "quantity, price, filled_quantity, filled_quote, status, reason, created_at, "
                                  "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?)");
        insert.bind(1, m_accountId)
            .bind(2, order.clientOrderId)
            .bind(3, order.symbol)
            .bind(4, domain::toText(order.side))
            .bind(5, domain::toText(order.type))
            .bind(6, order.quantity)
            .bind(7, order.price)
            .bind(8, order.filledQuantity)
            .bind(9, order.filledQuote)
            .bind(10, domain::toText(order.status))
            .bind(11, now)
            .bind(12, now);
        insert.run();
        order.exchangeOrderId = QString::number(m_db.lastInsertId());
        if (marketable) {
            storage::Statement fill(m_db,
                                    "INSERT INTO paper_fills (order_id, quantity, price, fee, fee_asset, ts) "
                                    "VALUES (?, ?, ?, ?, ?, ?)");
            fill.bind(1, m_db.lastInsertId())
                .bind(2, request.quantity)
                .bind(3, fillPrice)
                .bind(4, fee)
                .bind(5, market->quote)
                .bind(6, now);
            fill.run();
        }
        transaction.commit();
        return order;
    });
    if (!outcome) {
        const Error &e = outcome.error();
        if (e.code == QLatin1String("-2010")) {
            const bool duplicateId = e.message.startsWith(QLatin1String("Duplicate"));
            ExchangeError refused;
            refused.kind = duplicateId ? ExchangeError::Kind::DuplicateOrder : ExchangeError::Kind::InsufficientFunds;
            refused.exchangeCode = e.code;
            refused.exchangeMessage = e.message;
            return refused;
        }
        return storageError(e);
    }
    return *outcome;
}

ExResult<Order> PaperExchange::fetchOrder(const QString &symbol, const QString &clientOrderId)
{
    if (auto matched = matchOpenOrders(); !matched)
        return matched.error();
    auto found = storage::guarded([&]() -> Result<std::optional<Order>> {
        storage::Statement query(m_db,
                                 QByteArray(QByteArray(kOrderColumns)
                                            + " WHERE account_id = ? AND symbol = ? AND client_order_id = ? "
                                              "ORDER BY id DESC LIMIT 1")
                                     .constData());
        query.bind(1, m_accountId).bind(2, symbol).bind(3, clientOrderId);
        if (query.step())
            return std::optional<Order>(readOrder(query));
        return std::optional<Order>();
    });
    if (!found)
        return storageError(found.error());
    if (!found->has_value())
        return unknownOrder();
    return **found;
}

ExResult<Order> PaperExchange::cancelOrder(const QString &symbol, const QString &clientOrderId)
{
    auto order = fetchOrder(symbol, clientOrderId);
    if (!order)
        return order.error();
    if (order->status != OrderStatus::Open && order->status != OrderStatus::PartiallyFilled)
        return error(ExchangeError::Kind::OrderNotFound, "-2011", "Unknown order sent.");
    const auto parts = splitSymbol(symbol);
    const QString base = parts.first;
    const QString quote = parts.second;
    auto cancelled = storage::guarded([&]() -> Result<Order> {
        storage::Transaction transaction(m_db);
        const bool buy = order->side == Side::Buy;
        const QString lockedAsset = buy ? quote : base;
        // Release what the order still holds locked.
        const Decimal remaining = order->quantity - order->filledQuantity;
        Decimal release = remaining;
        if (buy) {
            const Decimal notional = remaining * order->price;
            release = notional + (notional * bps(config().makerFeeBps)).rounded(8, RoundingMode::Ceiling);
        }
        storage::Statement update(m_db,
                                  "UPDATE paper_balances SET free = ?, locked = ? "
                                  "WHERE account_id = ? AND asset = ?");
        storage::Statement query(m_db, "SELECT free, locked FROM paper_balances WHERE account_id = ? AND asset = ?");
        query.bind(1, m_accountId).bind(2, lockedAsset);
        if (query.step()) {
            const Decimal released = Decimal::min(release, query.decimal(1));
            update.bind(1, query.decimal(0) + released)
                .bind(2, query.decimal(1) - released)
                .bind(3, m_accountId)
                .bind(4, lockedAsset);
            update.run();
        }
        storage::Statement mark(m_db, "UPDATE paper_orders SET status = 'cancelled', updated_at = ? WHERE id = ?");
        mark.bind(1, m_clock()).bind(2, order->exchangeOrderId.toLongLong());
        mark.run();
        transaction.commit();
        Order result = *order;
        result.status = OrderStatus::Cancelled;
        return result;
    });
    if (!cancelled)
        return storageError(cancelled.error());
    return *cancelled;
}

ExResult<QList<Order>> PaperExchange::fetchOpenOrders(const QString &symbol)
{
    if (auto matched = matchOpenOrders(); !matched)
        return matched.error();
    auto rows = storage::guarded([&]() -> Result<QList<Order>> {
        storage::Statement query(m_db,
                                 QByteArray(QByteArray(kOrderColumns)
                                            + " WHERE account_id = ? AND status IN ('open', 'partially_filled') "
                                              "AND (? = '' OR symbol = ?) ORDER BY id")
                                     .constData());
        query.bind(1, m_accountId).bind(2, symbol).bind(3, symbol);
        QList<Order> orders;
        while (query.step())
            orders.append(readOrder(query));
        return orders;
    });
    if (!rows)
        return storageError(rows.error());
    return *rows;
}

ExResult<int> PaperExchange::matchOpenOrders()
{
    auto open = storage::guarded([&]() -> Result<QList<Order>> {
        storage::Statement query(
            m_db,
            QByteArray(QByteArray(kOrderColumns)
                       + " WHERE account_id = ? AND status IN ('open', 'partially_filled') ORDER BY id")
                .constData());
        query.bind(1, m_accountId);
        QList<Order> orders;
        while (query.step())
            orders.append(readOrder(query));
        return orders;
    });
    if (!open)
        return storageError(open.error());
    int filled = 0;
    for (const Order &order : *open) {
        auto ticker = fetchTicker(order.symbol);
        if (!ticker)
            continue; // no price any more: the order keeps resting
        const bool buy = order.side == Side::Buy;
        const bool reached = buy ? ticker->ask <= order.price : ticker->bid >= order.price;
        if (!reached)
            continue;
        const auto parts = splitSymbol(order.symbol);
        const QString base = parts.first;
        const QString quote = parts.second;
        auto done = storage::guarded([&]() -> Status {
            storage::Transaction transaction(m_db);
            const Decimal notional = order.quantity * order.price;
            const Decimal fee = (notional * bps(config().makerFeeBps)).rounded(8, RoundingMode::Ceiling);
            const QString lockedAsset = buy ? quote : base;
            const QString receiveAsset = buy ? base : quote;
            const Decimal lockedAmount = buy ? notional + fee : order.quantity;
            const Decimal received = buy ? order.quantity : notional - fee;
            storage::Statement unlock(m_db, "UPDATE paper_balances SET locked = ? WHERE account_id = ? AND asset = ?");
            storage::Statement query(m_db, "SELECT locked FROM paper_balances WHERE account_id = ? AND asset = ?");
            query.bind(1, m_accountId).bind(2, lockedAsset);
            const Decimal locked = query.step() ? query.decimal(0) : Decimal();
            unlock.bind(1, Decimal::max(Decimal(), locked - lockedAmount)).bind(2, m_accountId).bind(3, lockedAsset);
            unlock.run();
            // Exact arithmetic happens here, not in SQL: read, add, write.
            storage::Statement current(m_db, "SELECT free FROM paper_balances WHERE account_id = ? AND asset = ?");
            current.bind(1, m_accountId).bind(2, receiveAsset);
            const Decimal free = current.step() ? current.decimal(0) : Decimal();
            storage::Statement put(m_db,
                                   "INSERT INTO paper_balances (account_id, asset, free, locked) "
                                   "VALUES (?, ?, ?, '0') ON CONFLICT (account_id, asset) "
                                   "DO UPDATE SET free = excluded.free");
            put.bind(1, m_accountId).bind(2, receiveAsset).bind(3, free + received);
            put.run();
            storage::Statement mark(m_db,
                                    "UPDATE paper_orders SET status = 'filled', filled_quantity = quantity, "
                                    "filled_quote = ?, updated_at = ? WHERE id = ?");
            const qint64 now = m_clock();
            mark.bind(1, notional).bind(2, now).bind(3, order.exchangeOrderId.toLongLong());
            mark.run();
            storage::Statement fill(m_db,
                                    "INSERT INTO paper_fills (order_id, quantity, price, fee, fee_asset, ts) "
                                    "VALUES (?, ?, ?, ?, ?, ?)");
            fill.bind(1, order.exchangeOrderId.toLongLong())
                .bind(2, order.quantity)
                .bind(3, order.price)
                .bind(4, fee)
                .bind(5, quote)
                .bind(6, now);
            fill.run();
            transaction.commit();
            return {};
        });
        if (!done)
            return storageError(done.error());
        ++filled;
    }
    return filled;
}

ExResult<QList<domain::Fill>> PaperExchange::fetchFills(const QString &symbol, qint64 sinceMs)
{
    auto rows = storage::guarded([&]() -> Result<QList<domain::Fill>> {
        storage::Statement query(m_db,
                                 "SELECT f.id, o.client_order_id, o.id, o.symbol, o.side, f.quantity, f.price, "
                                 "f.fee, f.fee_asset, f.ts FROM paper_fills f "
                                 "JOIN paper_orders o ON o.id = f.order_id "
                                 "WHERE o.account_id = ? AND o.symbol = ? AND f.ts >= ? ORDER BY f.id");
        query.bind(1, m_accountId).bind(2, symbol).bind(3, sinceMs);
        QList<domain::Fill> fills;
        while (query.step()) {
            domain::Fill fill;
            fill.tradeId = QString::number(query.int64(0));
            fill.clientOrderId = query.text(1);
            fill.exchangeOrderId = QString::number(query.int64(2));
            fill.symbol = query.text(3);
            fill.side = domain::sideFromString(query.text(4));
            fill.quantity = query.decimal(5);
            fill.price = query.decimal(6);
            fill.fee = query.decimal(7);
            fill.feeAsset = query.text(8);
            fill.time = QDateTime::fromMSecsSinceEpoch(query.int64(9), QTimeZone::utc());
            fills.append(fill);
        }
        return fills;
    });
    if (!rows)
        return storageError(rows.error());
    return *rows;
}

ExResult<QList<domain::Fill>> PaperExchange::fetchOrderFills(const QString &symbol, const QString &clientOrderId,
                                                             const QString &exchangeOrderId)
{
    QString orderId = exchangeOrderId;
    if (orderId.isEmpty()) {
        auto order = fetchOrder(symbol, clientOrderId);
        if (!order)
            return order.error();
        orderId = order->exchangeOrderId;
    }
    auto fills = fetchFills(symbol, 0);
    if (!fills)
        return fills.error();
    QList<domain::Fill> mine;
    for (domain::Fill fill : *fills) {
        if (fill.exchangeOrderId != orderId)
            continue;
        fill.clientOrderId = clientOrderId;
        mine.append(fill);
    }
    return mine;
}

} // namespace ballast::exchange
