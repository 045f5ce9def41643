#include "fakeorderbook.h"

namespace ballast::test::fake {

using money::RoundingMode;

namespace {

Decimal floorQty(const Decimal &qty, const Decimal &step)
{
    if (step.isPositive())
        return qty.floorToStep(step);
    return qty.rounded(8, RoundingMode::Down);
}

} // namespace

FakeOrderBook::FakeOrderBook()
    : m_orderRef([](qint64 id) { return QString::number(id); })
    , m_tradeRef([](qint64 id) { return QString::number(id); })
{
}

void FakeOrderBook::addMarket(const BookMarket &market)
{
    if (!m_markets.contains(market.symbol))
        m_marketOrder.append(market.symbol);
    m_markets.insert(market.symbol, market);
    touchAsset(market.base);
    touchAsset(market.quote);
}

BookMarket *FakeOrderBook::market(const QString &symbol)
{
    auto it = m_markets.find(symbol);
    return it == m_markets.end() ? nullptr : &it.value();
}

const BookMarket *FakeOrderBook::market(const QString &symbol) const
{
    auto it = m_markets.constFind(symbol);
    return it == m_markets.cend() ? nullptr : &it.value();
}

void FakeOrderBook::setPrice(const QString &symbol, const Decimal &last)
{
    if (BookMarket *m = market(symbol))
        m->last = last;
}

Decimal FakeOrderBook::roundPrice(const BookMarket &market, const Decimal &price, RoundingMode mode) const
{
    if (!market.tick.isPositive())
        return price;
    return mode == RoundingMode::Up || mode == RoundingMode::Ceiling ? price.ceilToStep(market.tick)
                                                                     : price.floorToStep(market.tick);
}

Decimal FakeOrderBook::bestBid(const QString &symbol) const
{
    const BookMarket *m = market(symbol);
    if (!m)
        return {};
    return roundPrice(*m, m->last - m->halfSpread, RoundingMode::Down);
}

Decimal FakeOrderBook::bestAsk(const QString &symbol) const
{
    const BookMarket *m = market(symbol);
    if (!m)
        return {};
    return roundPrice(*m, m->last + m->halfSpread, RoundingMode::Up);
}

void FakeOrderBook::touchAsset(const QString &asset)
{
    if (asset.isEmpty() || m_assetOrder.contains(asset))
        return;
    m_assetOrder.append(asset);
    if (!m_free.contains(asset))
        m_free.insert(asset, Decimal());
    if (!m_locked.contains(asset))
        m_locked.insert(asset, Decimal());
}

void FakeOrderBook::setBalance(const QString &asset, const Decimal &free, const Decimal &locked)
{
    touchAsset(asset);
    m_free.insert(asset, free);
    m_locked.insert(asset, locked);
}

void FakeOrderBook::addBalance(const QString &asset, const Decimal &delta)
{
    touchAsset(asset);
    m_free[asset] += delta;
}

void FakeOrderBook::setFirstIds(qint64 orderId, qint64 tradeId)
{
    m_firstOrderId = orderId;
    m_firstTradeId = tradeId;
    if (m_orders.isEmpty()) {
        m_nextOrderId = orderId;
        m_nextTradeId = tradeId;
    }
}

QString FakeOrderBook::feeAssetFor(const BookMarket &market, Side side) const
{
    switch (market.feeAsset) {
    case FeeAssetPolicy::Quote:
        return market.quote;
    case FeeAssetPolicy::Base:
        return market.base;
    case FeeAssetPolicy::Received:
        break;
    }
    return side == Side::Buy ? market.base : market.quote;
}

QList<FakeOrderBook::PlannedFill> FakeOrderBook::planTaker(const BookMarket &market, Side side, const Decimal &qty,
                                                           std::optional<Decimal> limit) const
{
    QList<PlannedFill> plan;
    if (!qty.isPositive())
        return plan;
    int parts = qMax(1, market.fillCount);
    Decimal part = floorQty(qty / Decimal::fromInt(parts), market.qtyStep);
    if (!part.isPositive()) {
        parts = 1;
        part = qty;
    }
    const Decimal best = side == Side::Buy ? bestAsk(market.symbol) : bestBid(market.symbol);
    Decimal allocated;
    for (int i = 0; i < parts; ++i) {
        const Decimal offset = market.fillPriceStep * Decimal::fromInt(i);
        const Decimal price = side == Side::Buy ? best + offset : best - offset;
        if (!price.isPositive())
            break;
        if (limit && (side == Side::Buy ? price > *limit : price < *limit))
            break;
        const Decimal q = i == parts - 1 ? qty - allocated : part;
        if (!q.isPositive())
            break;
        plan.append({price, q});
        allocated += q;
    }
    return plan;
}

BookFill FakeOrderBook::recordTrade(const QString &symbol, Side side, const Decimal &price, const Decimal &qty,
                                    const Decimal &commission, const QString &commissionAsset, qint64 timeMs)
{
    const BookMarket *m = market(symbol);
    BookOrder order;
    order.id = m_nextOrderId++;
    order.ref = m_orderRef(order.id);
    order.symbol = symbol;
    order.side = side;
    order.type = OrderType::Market;
    order.origQty = qty;
    order.status = OrderStatus::Filled;
    order.createdMs = timeMs;
    order.updatedMs = timeMs;
    order.closedMs = timeMs;
    order.visibleFromMs = 0;
    BookFill fill;
    fill.tradeId = m_nextTradeId++;
    fill.tradeRef = m_tradeRef(fill.tradeId);
    fill.price = price;
    fill.qty = qty;
    fill.quoteQty = (price * qty).rounded(m ? m->quoteDecimals : 8, RoundingMode::HalfEven);
    fill.commission = commission;
    fill.commissionAsset = commissionAsset;
    fill.timeMs = timeMs;
    order.executedQty = qty;
    order.cumQuote = fill.quoteQty;
    if (m && commissionAsset == m->quote)
        order.feeInQuote = commission;
    order.fills.append(fill);
    m_orders.append(order);
    return fill;
}

BookFill FakeOrderBook::makeFill(const BookMarket &market, Side side, const Decimal &price, const Decimal &qty,
                                 bool maker, qint64 nowMs)
{
    BookFill fill;
    fill.price = price;
    fill.qty = qty;
    fill.quoteQty = (price * qty).rounded(market.quoteDecimals, RoundingMode::HalfEven);
    fill.commissionAsset = feeAssetFor(market, side);
    const Decimal rate = maker ? market.makerFee : market.takerFee;
    const Decimal feeBase = fill.commissionAsset == market.base ? qty : fill.quoteQty;
    fill.commission = (feeBase * rate).rounded(market.feeDecimals, RoundingMode::HalfUp);
    fill.timeMs = nowMs;
    fill.maker = maker;
    return fill;
}

void FakeOrderBook::lock(BookOrder &order, const QString &asset, const Decimal &amount)
{
    touchAsset(asset);
    m_free[asset] -= amount;
    m_locked[asset] += amount;
    order.lockedAsset = asset;
    order.lockedAmount += amount;
}

void FakeOrderBook::release(BookOrder &order)
{
    if (order.lockedAmount.isZero() || order.lockedAsset.isEmpty())
        return;
    m_locked[order.lockedAsset] -= order.lockedAmount;
    m_free[order.lockedAsset] += order.lockedAmount;
    order.lockedAmount = Decimal();
}

void FakeOrderBook::applyFill(BookOrder &order, const BookMarket &market, const BookFill &fill, bool fromLock)
{
    const bool buy = order.side == Side::Buy;
    const QString spendAsset = buy ? market.quote : market.base;
    const QString receiveAsset = buy ? market.base : market.quote;
    Decimal spend = buy ? fill.quoteQty : fill.qty;
    if (fill.commissionAsset == spendAsset)
        spend += fill.commission;
    if (fromLock && order.lockedAsset == spendAsset) {
        const Decimal fromLocked = Decimal::min(spend, order.lockedAmount);
        order.lockedAmount -= fromLocked;
        m_locked[spendAsset] -= fromLocked;
        addBalance(spendAsset, -(spend - fromLocked));
    } else {
        addBalance(spendAsset, -spend);
    }
    Decimal receive = buy ? fill.qty : fill.quoteQty;
    if (fill.commissionAsset == receiveAsset)
        receive -= fill.commission;
    addBalance(receiveAsset, receive);
    if (fill.commissionAsset != spendAsset && fill.commissionAsset != receiveAsset)
        addBalance(fill.commissionAsset, -fill.commission);

    order.executedQty += fill.qty;
    order.cumQuote += fill.quoteQty;
    if (fill.commissionAsset == market.quote)
        order.feeInQuote += fill.commission;
    order.fills.append(fill);
    order.updatedMs = fill.timeMs;
}

PlaceResult FakeOrderBook::place(const PlaceSpec &spec, bool dryRun)
{
    PlaceResult result;
    const BookMarket *m = market(spec.symbol);
    if (!m) {
        result.error = PlaceError::UnknownSymbol;
        return result;
    }
    if (!spec.clientOrderId.isEmpty() && hasOpenClientId(spec.symbol, spec.clientOrderId)) {
        result.error = PlaceError::DuplicateClientId;
        return result;
    }

    BookOrder &order = result.order;
    order.clientOrderId = spec.clientOrderId;
    order.symbol = spec.symbol;
    order.side = spec.side;
    order.type = spec.type;
    order.timeInForce = spec.timeInForce;
    order.price = spec.type == OrderType::Limit ? spec.price : Decimal();
    order.origQuoteQty = spec.quoteQty;
    order.createdMs = spec.nowMs;
    order.updatedMs = spec.nowMs;
    order.visibleFromMs = qMax(spec.visibleFromMs, spec.nowMs);
    order.tags = spec.tags;

    Decimal qty = spec.qty;
    if (spec.type == OrderType::Market && !qty.isPositive() && spec.quoteQty.isPositive()) {
        const Decimal best = spec.side == Side::Buy ? bestAsk(spec.symbol) : bestBid(spec.symbol);
        Decimal worst = best;
        if (m->fillCount > 1) {
            const Decimal offset = m->fillPriceStep * Decimal::fromInt(m->fillCount - 1);
            worst = spec.side == Side::Buy ? best + offset : best - offset;
        }
        if (!worst.isPositive())
            worst = best;
        if (worst.isPositive())
            qty = floorQty(spec.quoteQty / worst, m->qtyStep);
        if (!qty.isPositive()) {
            result.error = PlaceError::ZeroQuantity;
            return result;
        }
    }
    order.origQty = qty;

    const bool buy = spec.side == Side::Buy;
    const bool marketable = spec.type == OrderType::Market
        || (buy ? spec.price >= bestAsk(spec.symbol) : spec.price <= bestBid(spec.symbol));
    QList<BookFill> fills;
    if (marketable) {
        Decimal available = qty;
        if (m->fillFraction < Decimal::fromInt(1))
            available = floorQty(qty * m->fillFraction, m->qtyStep);
        if (!(spec.timeInForce == TimeInForce::Fok && available < qty)) {
            const std::optional<Decimal> limit =
                spec.type == OrderType::Limit ? std::optional<Decimal>(spec.price) : std::nullopt;
            const auto plan = planTaker(*m, spec.side, available, limit);
            for (const PlannedFill &p : plan)
                fills.append(makeFill(*m, spec.side, p.price, p.qty, false, spec.nowMs));
            if (spec.timeInForce == TimeInForce::Fok) {
                Decimal planned;
                for (const BookFill &f : fills)
                    planned += f.qty;
                if (planned < qty)
                    fills.clear();
            }
        }
    }

    Decimal takerQty;
    for (const BookFill &f : fills)
        takerQty += f.qty;
    const Decimal remaining = qty - takerQty;
    const bool rests = spec.type == OrderType::Limit && spec.timeInForce == TimeInForce::Gtc && remaining.isPositive();

    const QString spendAsset = buy ? m->quote : m->base;
    const QString feeAsset = feeAssetFor(*m, spec.side);
    Decimal required;
    for (const BookFill &f : fills) {
        required += buy ? f.quoteQty : f.qty;
        if (feeAsset == spendAsset)
            required += f.commission;
    }
    Decimal lockAmount;
    if (rests) {
        const Decimal notional = (remaining * spec.price).rounded(m->quoteDecimals, RoundingMode::Up);
        lockAmount = buy ? notional : remaining;
        if (feeAsset == spendAsset) {
            const Decimal rate = Decimal::max(m->makerFee, m->takerFee);
            lockAmount += ((buy ? notional : remaining) * rate).rounded(m->feeDecimals, RoundingMode::Up);
        }
        required += lockAmount;
    }
    if (free(spendAsset) < required) {
        result.error = PlaceError::InsufficientBalance;
        return result;
    }
    if (dryRun)
        return result;

    order.id = m_nextOrderId++;
    order.ref = m_orderRef(order.id);
    m_orders.append(order);
    BookOrder &stored = m_orders.last();
    for (BookFill f : fills) {
        f.tradeId = m_nextTradeId++;
        f.tradeRef = m_tradeRef(f.tradeId);
        applyFill(stored, *m, f, false);
    }
    if (rests) {
        lock(stored, spendAsset, lockAmount);
        stored.status = stored.executedQty.isPositive() ? OrderStatus::PartiallyFilled : OrderStatus::New;
    } else if (stored.executedQty == stored.origQty) {
        stored.status = OrderStatus::Filled;
        stored.closedMs = spec.nowMs;
    } else {
        stored.status = OrderStatus::Expired;
        stored.expiryReason = spec.type == OrderType::Market ? QStringLiteral("INSUFFICIENT_LIQUIDITY")
                                                             : QStringLiteral("IMMEDIATE_OR_CANCEL");
        stored.closedMs = spec.nowMs;
    }
    result.order = stored;
    return result;
}

bool FakeOrderBook::cancel(qint64 id, qint64 nowMs)
{
    BookOrder *o = order(id);
    if (!o || !o->isOpen())
        return false;
    release(*o);
    o->status = OrderStatus::Canceled;
    o->updatedMs = nowMs;
    o->closedMs = nowMs;
    return true;
}

QString FakeOrderBook::fillResting(qint64 id, std::optional<Decimal> qty, std::optional<Decimal> price, qint64 nowMs)
{
    BookOrder *o = order(id);
    if (!o)
        return QStringLiteral("no such order");
    if (!o->isOpen() || o->type != OrderType::Limit)
        return QStringLiteral("order is not a resting limit order");
    const BookMarket *m = market(o->symbol);
    if (!m)
        return QStringLiteral("unknown market");
    const Decimal fillQty = qty.value_or(o->remainingQty());
    if (!fillQty.isPositive() || fillQty > o->remainingQty())
        return QStringLiteral("quantity must be positive and at most the remaining quantity");
    const Decimal fillPrice = price.value_or(o->price);
    if (o->side == Side::Buy ? fillPrice > o->price : fillPrice < o->price)
        return QStringLiteral("a resting order never fills at a worse price than its limit");
    BookFill fill = makeFill(*m, o->side, fillPrice, fillQty, true, nowMs);
    fill.tradeId = m_nextTradeId++;
    fill.tradeRef = m_tradeRef(fill.tradeId);
    applyFill(*o, *m, fill, true);
    if (o->executedQty == o->origQty) {
        o->status = OrderStatus::Filled;
        o->closedMs = nowMs;
        release(*o);
    } else {
        o->status = OrderStatus::PartiallyFilled;
    }
    return {};
}

BookOrder *FakeOrderBook::order(qint64 id)
{
    for (BookOrder &o : m_orders) {
        if (o.id == id)
            return &o;
    }
    return nullptr;
}

const BookOrder *FakeOrderBook::order(qint64 id) const
{
    for (const BookOrder &o : m_orders) {
        if (o.id == id)
            return &o;
    }
    return nullptr;
}

const BookOrder *FakeOrderBook::orderByRef(const QString &ref) const
{
    for (const BookOrder &o : m_orders) {
        if (o.ref == ref)
            return &o;
    }
    return nullptr;
}

bool FakeOrderBook::hasOpenClientId(const QString &symbol, const QString &clientOrderId) const
{
    for (const BookOrder &o : m_orders) {
        if (o.isOpen() && o.symbol == symbol && o.clientOrderId == clientOrderId)
            return true;
    }
    return false;
}

void FakeOrderBook::clearState()
{
    m_orders.clear();
    m_free.clear();
    m_locked.clear();
    m_assetOrder.clear();
    for (const QString &symbol : std::as_const(m_marketOrder)) {
        touchAsset(m_markets.value(symbol).base);
        touchAsset(m_markets.value(symbol).quote);
    }
    m_nextOrderId = m_firstOrderId;
    m_nextTradeId = m_firstTradeId;
}

} // namespace ballast::test::fake
