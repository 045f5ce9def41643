#include "exchange/paperexchange.h"

#include "domain/assetcatalog.h"
#include "exchange/orderrules.h"
#include "storage/database.h"
#include "storage/paperrepo.h"
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
    auto settings = storage::PaperRepo(m_db, m_accountId).settings();
    if (!settings)
        return config; // defaults when the settings cannot be read; errors surface on the next write
    for (const auto &[key, text] : *settings) {
        const int value = text.toInt();
        if (key == QLatin1String("taker_fee_bps"))
            config.takerFeeBps = value;
        else if (key == QLatin1String("maker_fee_bps"))
            config.makerFeeBps = value;
        else if (key == QLatin1String("slippage_bps"))
            config.slippageBps = value;
    }
    return config;
}

ExResult<void> PaperExchange::setConfig(const PaperConfig &config)
{
    const QList<std::pair<QString, QString>> values{
        {QStringLiteral("taker_fee_bps"), QString::number(config.takerFeeBps)},
        {QStringLiteral("maker_fee_bps"), QString::number(config.makerFeeBps)},
        {QStringLiteral("slippage_bps"), QString::number(config.slippageBps)}};
    if (auto stored = storage::PaperRepo(m_db, m_accountId).setSettings(values); !stored)
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
    auto rows = storage::PaperRepo(m_db, m_accountId).balances();
    if (!rows)
        return storageError(rows.error());
    return *rows;
}

ExResult<void> PaperExchange::setBalances(const QList<Balance> &balances)
{
    for (const Balance &balance : balances) {
        if (balance.free.isNegative() || balance.locked.isNegative()) {
            return storageError(makeError(QStringLiteral("balance.negative"),
                                          QStringLiteral("%1: a balance cannot be negative").arg(balance.asset)));
        }
    }
    if (auto stored = storage::PaperRepo(m_db, m_accountId).putBalances(balances); !stored)
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
        storage::PaperRepo repo(m_db, m_accountId);
        auto duplicate = repo.hasOpenOrder(request.clientOrderId);
        if (!duplicate)
            return duplicate.error();
        if (*duplicate)
            return makeError(QStringLiteral("-2010"), QStringLiteral("Duplicate order sent."));

        auto balanceOf = [&](const QString &asset) -> Result<Balance> {
            auto found = repo.balance(asset);
            if (!found)
                return found.error();
            return found->value_or(Balance{asset, {}, {}});
        };

        auto pay = balanceOf(payAsset);
        if (!pay)
            return pay.error();
        // Like Binance's order/test and Kraken's validate=true, a dry run checks
        // the order's rules, not the balance (a buy may be funded by earlier sells).
        if (!validateOnly && pay->free < payAmount) {
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
            pay->free -= payAmount;
            if (auto stored = repo.putBalances({*pay}); !stored)
                return stored.error();
            auto receive = balanceOf(buy ? market->base : market->quote); // read after pay: they may be one asset
            if (!receive)
                return receive.error();
            receive->free += buy ? request.quantity : notional - fee;
            if (auto stored = repo.putBalances({*receive}); !stored)
                return stored.error();
        } else {
            pay->free -= payAmount;
            pay->locked += payAmount;
            if (auto stored = repo.putBalances({*pay}); !stored)
                return stored.error();
        }
        auto orderId = repo.addOrder(order, now);
        if (!orderId)
            return orderId.error();
        order.exchangeOrderId = QString::number(*orderId);
        if (marketable) {
            domain::Fill fill;
            fill.quantity = request.quantity;
            fill.price = fillPrice;
            fill.fee = fee;
            fill.feeAsset = market->quote;
            fill.time = QDateTime::fromMSecsSinceEpoch(now, QTimeZone::utc());
            if (auto stored = repo.addFill(*orderId, fill); !stored)
                return stored.error();
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
    auto found = storage::PaperRepo(m_db, m_accountId).findOrder(symbol, clientOrderId);
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
        storage::PaperRepo repo(m_db, m_accountId);
        const bool buy = order->side == Side::Buy;
        const QString lockedAsset = buy ? quote : base;
        // Release what the order still holds locked.
        const Decimal remaining = order->quantity - order->filledQuantity;
        Decimal release = remaining;
        if (buy) {
            const Decimal notional = remaining * order->price;
            release = notional + (notional * bps(config().makerFeeBps)).rounded(8, RoundingMode::Ceiling);
        }
        auto held = repo.balance(lockedAsset);
        if (!held)
            return held.error();
        if (held->has_value()) {
            Balance balance = **held;
            const Decimal released = Decimal::min(release, balance.locked);
            balance.free += released;
            balance.locked -= released;
            if (auto stored = repo.putBalances({balance}); !stored)
                return stored.error();
        }
        if (auto marked = repo.markCancelled(order->exchangeOrderId.toLongLong(), m_clock()); !marked)
            return marked.error();
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
    auto rows = storage::PaperRepo(m_db, m_accountId).openOrders(symbol);
    if (!rows)
        return storageError(rows.error());
    return *rows;
}

ExResult<int> PaperExchange::matchOpenOrders()
{
    auto open = storage::PaperRepo(m_db, m_accountId).openOrders();
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
            storage::PaperRepo repo(m_db, m_accountId);
            const Decimal notional = order.quantity * order.price;
            const Decimal fee = (notional * bps(config().makerFeeBps)).rounded(8, RoundingMode::Ceiling);
            const QString lockedAsset = buy ? quote : base;
            const QString receiveAsset = buy ? base : quote;
            const Decimal lockedAmount = buy ? notional + fee : order.quantity;
            const Decimal received = buy ? order.quantity : notional - fee;
            auto held = repo.balance(lockedAsset);
            if (!held)
                return held.error();
            const Decimal locked = held->has_value() ? (*held)->locked : Decimal();
            if (auto unlocked = repo.setLocked(lockedAsset, Decimal::max(Decimal(), locked - lockedAmount)); !unlocked)
                return unlocked.error();
            // Exact arithmetic happens here, not in SQL: read, add, write.
            auto current = repo.balance(receiveAsset);
            if (!current)
                return current.error();
            Balance receive = current->value_or(Balance{receiveAsset, {}, {}});
            receive.free += received;
            if (auto stored = repo.putBalances({receive}); !stored)
                return stored.error();
            const qint64 now = m_clock();
            const qint64 orderId = order.exchangeOrderId.toLongLong();
            if (auto marked = repo.markFilled(orderId, notional, now); !marked)
                return marked.error();
            domain::Fill fill;
            fill.quantity = order.quantity;
            fill.price = order.price;
            fill.fee = fee;
            fill.feeAsset = quote;
            fill.time = QDateTime::fromMSecsSinceEpoch(now, QTimeZone::utc());
            if (auto stored = repo.addFill(orderId, fill); !stored)
                return stored.error();
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
    auto rows = storage::PaperRepo(m_db, m_accountId).fills(symbol, sinceMs);
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
