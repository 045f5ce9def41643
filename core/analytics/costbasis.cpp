#include "analytics/costbasis.h"

#include <QSet>
#include <QTimeZone>

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <future>
#include <map>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

namespace ballast::analytics {

using domain::Side;
using domain::Transaction;
using domain::TransactionKind;
using money::Decimal;
using money::Int128;

namespace {

constexpr qint64 kDayMs = 86400000;

/// A lot inside the pass: times in ms, no strings (the position has them).
struct Piece
{
    qint64 transactionId = 0;
    qint64 acquiredMs = 0;
    Decimal quantity;
    Decimal cost;
    bool basisUnknown = false;
    bool pooled = false;
};

/// Order of lots in a position: the first is the one a disposal takes first.
struct LotKey
{
    Int128 primary = 0;
    qint64 secondary = 0;
    qint64 sequence = 0;

    bool operator<(const LotKey &other) const
    {
        return std::tie(primary, secondary, sequence) < std::tie(other.primary, other.secondary, other.sequence);
    }
};

struct PositionKey
{
    qint64 accountId = 0;
    QString network;
    QString asset;

    bool operator==(const PositionKey &) const = default;
    bool operator<(const PositionKey &other) const
    {
        return std::tie(accountId, network, asset) < std::tie(other.accountId, other.network, other.asset);
    }
};

size_t qHash(const PositionKey &key, size_t seed = 0)
{
    return qHashMulti(seed, key.accountId, key.network, key.asset);
}

struct Entry
{
    LotKey key;
    Piece piece;
};

/// The lots of one asset on one account and network, sorted by key: the front
/// is taken first. A deque, because lots mostly arrive at one end (FIFO: the
/// back, LIFO: the front) and leave at the front.
struct Position
{
    bool pooled = false; ///< average cost (or the quote asset): one lot
    Decimal total;
    std::deque<Entry> lots;
};

QDateTime fromMs(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC); // no time-zone object: no allocation
}

Decimal proportion(const Decimal &amount, const Decimal &part, const Decimal &whole)
{
    if (part == whole)
        return amount;
    if (amount == whole)
        return part; // a lot whose cost equals its quantity (the quote asset) stays exact
    return (amount * part) / whole;
}

QString describe(const Transaction &tx)
{
    return QStringLiteral("transaction #%1 (%2 %3 %4)")
        .arg(QString::number(tx.id), domain::kindName(tx.kind), tx.asset, tx.time.toUTC().toString(Qt::ISODate));
}

/// The lots and disposals of one method.
struct Book
{
    CostMethod method = CostMethod::Fifo;
    std::vector<Position> positions; ///< by position id
    QList<Disposal> disposals;
    Decimal realized;
    QHash<qint64, std::vector<Piece>> inTransit; ///< by the out leg's id
    std::vector<Piece> scratch; ///< the pieces of the disposal being recorded, reused
    qint64 sequence = 0;
};

/// One pass over the transactions for one or more methods. What does not
/// depend on the method (the times, the transfer pairs, the position of each
/// leg, every value and price lookup, the flows and fees) is worked out once
/// per transaction; only the lots are kept per method, in a Book each.
class Pass
{
public:
    Pass(const QList<Transaction> &transactions, const CostBasisOptions &options, const QList<CostMethod> &methods)
        : m_txs(transactions)
        , m_options(options)
    {
        for (CostMethod m : methods) {
            Book book;
            book.method = m;
            m_books.push_back(std::move(book));
        }
    }

    Result<QList<CostBasisResult>> run()
    {
        m_ms.reserve(static_cast<std::size_t>(m_txs.size()));
        for (const Transaction &tx : m_txs)
            m_ms.push_back(tx.time.toMSecsSinceEpoch());
        if (Status sorted = checkSorted(); !sorted)
            return sorted.error();
        m_partner = transferPartners(m_txs);
        // A disposal can take several lots: room for a quarter more than one each.
        for (Book &book : m_books)
            book.disposals.reserve(m_txs.size() + m_txs.size() / 4);
        // A transfer's in leg can come before its out leg: stamped in the same
        // second with a lower id (an exchange's export lists the wallet that
        // receives first), or a little earlier by the other side's clock
        // (within the pairing window of the import). It waits for its out leg
        // and is applied right after it.
        QSet<qint64> outLegsDone;
        QHash<qint64, qsizetype> waitingFor; // an in leg's index, by its out leg's id
        const auto step = [this](qsizetype i) {
            m_nowMs = m_ms[static_cast<std::size_t>(i)];
            return apply(m_txs[i]);
        };
        for (qsizetype i = 0; i < m_txs.size(); ++i) {
            const Transaction &tx = m_txs[i];
            if (tx.kind == TransactionKind::TransferIn) {
                const auto partner = m_partner.constFind(tx.id);
                if (partner != m_partner.cend() && !outLegsDone.contains(*partner)) {
                    waitingFor.insert(*partner, i);
                    continue;
                }
            }
            if (Status done = step(i); !done)
                return done.error();
            if (tx.kind == TransactionKind::TransferOut && m_partner.contains(tx.id)) {
                outLegsDone.insert(tx.id);
                if (const auto in = waitingFor.constFind(tx.id); in != waitingFor.cend()) {
                    const qsizetype waiting = *in;
                    waitingFor.erase(in);
                    if (Status done = step(waiting); !done)
                        return done.error();
                }
            }
        }
        // transferPartners pairs legs of this list only, so nothing is left
        // waiting; were one left, it is applied (and refused for arriving
        // before its out leg) rather than dropped.
        for (const qsizetype waiting : std::as_const(waitingFor)) {
            if (Status done = step(waiting); !done)
                return done.error();
        }
        QList<CostBasisResult> results;
        results.reserve(static_cast<qsizetype>(m_books.size()));
        for (Book &book : m_books) {
            CostBasisResult r;
            r.openLots = collectLots(book);
            r.disposals = std::move(book.disposals);
            r.realized = book.realized;
            r.income = m_income;
            r.feesExpensed = m_feesExpensed;
            r.netInvested = m_netInvested;
            r.unmatchedTransfers = m_unmatched;
            results.append(std::move(r));
        }
        return results;
    }

private:
    Status checkSorted() const
    {
        for (qsizetype i = 1; i < m_txs.size(); ++i) {
            const Transaction &a = m_txs[i - 1];
            const Transaction &b = m_txs[i];
            const qint64 ta = m_ms[static_cast<std::size_t>(i - 1)];
            const qint64 tb = m_ms[static_cast<std::size_t>(i)];
            if (tb < ta || (tb == ta && b.id <= a.id)) {
                return makeError(QStringLiteral("costbasis.unsorted"),
                                 QStringLiteral("%1 comes after transaction #%2: transactions must be sorted by "
                                                "time, then id")
                                     .arg(describe(b), QString::number(a.id)));
            }
        }
        return {};
    }

    [[nodiscard]] bool isQuote(const QString &asset) const { return asset == m_options.quoteAsset; }

    /// The id of the position of @p asset on the account and network of @p tx,
    /// the same in every book; a new one starts empty in each.
    std::size_t positionId(const Transaction &tx, const QString &asset)
    {
        PositionKey key{tx.accountId, tx.network, asset};
        auto it = m_positionIds.constFind(key);
        if (it == m_positionIds.cend()) {
            const std::size_t id = m_keys.size();
            it = m_positionIds.insert(key, id);
            m_keys.push_back(std::move(key));
            const bool quote = isQuote(asset);
            for (Book &book : m_books) {
                Position fresh;
                fresh.pooled = book.method == CostMethod::Average || quote;
                book.positions.push_back(std::move(fresh));
            }
        }
        return *it;
    }

    static LotKey keyFor(Book &book, const Piece &piece)
    {
        const qint64 sequence = ++book.sequence;
        switch (book.method) {
        case CostMethod::Fifo:
        case CostMethod::Average:
            return {piece.acquiredMs, 0, sequence};
        case CostMethod::Lifo:
            return {-static_cast<Int128>(piece.acquiredMs), 0, -sequence};
        case CostMethod::Hifo: {
            const Decimal unit = piece.quantity.isPositive() ? piece.cost / piece.quantity : Decimal();
            return {-unit.raw(), piece.acquiredMs, sequence};
        }
        }
        return {};
    }

    static void add(Book &book, Position &pos, Piece piece)
    {
        pos.total += piece.quantity;
        if (!pos.pooled) {
            const LotKey key = keyFor(book, piece);
            const auto before = [](const Entry &e, const LotKey &k) { return e.key < k; };
            if (pos.lots.empty() || pos.lots.back().key < key) {
                pos.lots.push_back(Entry{key, piece});
            } else if (key < pos.lots.front().key) {
                pos.lots.push_front(Entry{key, piece});
            } else {
                const auto at = std::lower_bound(pos.lots.begin(), pos.lots.end(), key, before);
                pos.lots.insert(at, Entry{key, piece});
            }
            return;
        }
        if (pos.lots.empty()) {
            piece.pooled = true;
            piece.transactionId = 0;
            pos.lots.push_back(Entry{LotKey{}, piece});
            return;
        }
        Piece &pool = pos.lots.front().piece;
        const Decimal before = pool.quantity;
        pool.quantity += piece.quantity;
        pool.cost += piece.cost;
        pool.basisUnknown = pool.basisUnknown || piece.basisUnknown;
        if (pool.quantity.isPositive()) {
            // Quantity-weighted acquisition time; doubles are exact enough for
            // milliseconds and the result is rounded to a whole millisecond.
            const double w = piece.quantity.toDouble() / pool.quantity.toDouble();
            const double t =
                static_cast<double>(pool.acquiredMs) + w * static_cast<double>(piece.acquiredMs - pool.acquiredMs);
            pool.acquiredMs = before.isZero() ? piece.acquiredMs : static_cast<qint64>(std::llround(t));
        }
    }

    /// The error for taking more than is held; the held quantity is the same
    /// in every book.
    Status oversold(const Transaction &tx, const QString &asset, const Decimal &quantity, const Decimal &held) const
    {
        return makeError(QStringLiteral("costbasis.oversold"),
                         QStringLiteral("%1 takes %2 %3 from account %4%5 but only %6 is held")
                             .arg(describe(tx), quantity.toString(), asset, QString::number(tx.accountId),
                                  tx.network.isEmpty() ? QString() : QStringLiteral(" on ") + tx.network,
                                  held.toString()));
    }

    /// Takes @p quantity (not more than is held) out of @p pos in the method's
    /// order, splitting the last lot with a proportional share of its cost (the
    /// rest stays, so no cost is lost to rounding).
    static void take(Position &pos, const Decimal &quantity, std::vector<Piece> &out)
    {
        out.clear();
        Decimal left = quantity;
        while (left.isPositive()) {
            Piece &lot = pos.lots.front().piece;
            if (lot.quantity <= left) {
                left -= lot.quantity;
                out.push_back(lot);
                pos.lots.pop_front();
                continue;
            }
            Piece part = lot;
            part.quantity = left;
            part.cost = proportion(lot.cost, left, lot.quantity);
            lot.quantity -= left;
            lot.cost -= part.cost;
            out.push_back(part);
            left = Decimal();
        }
        pos.total -= quantity;
    }

    /// Like take(), but the lots named by @p shares first (specific
    /// identification), each as far as it is still in @p pos; the rest in
    /// the method's order.
    static void takeAssigned(Position &pos, const QList<LotAssignment> &shares, const Decimal &quantity,
                             std::vector<Piece> &out)
    {
        out.clear();
        Decimal left = quantity;
        for (const LotAssignment &share : shares) {
            Decimal want = Decimal::min(share.quantity, left);
            for (auto it = pos.lots.begin(); it != pos.lots.end() && want.isPositive();) {
                Piece &lot = it->piece;
                if (lot.transactionId != share.lotTransactionId) {
                    ++it;
                    continue;
                }
                if (lot.quantity <= want) {
                    want -= lot.quantity;
                    left -= lot.quantity;
                    out.push_back(lot);
                    it = pos.lots.erase(it);
                    continue;
                }
                Piece part = lot;
                part.quantity = want;
                part.cost = proportion(lot.cost, want, lot.quantity);
                lot.quantity -= want;
                lot.cost -= part.cost;
                out.push_back(part);
                left -= want;
                want = Decimal();
            }
        }
        pos.total -= quantity - left;
        if (left.isPositive()) {
            std::vector<Piece> rest;
            take(pos, left, rest);
            out.insert(out.end(), rest.begin(), rest.end());
        }
    }

    /// Records the disposal of @p pieces, sharing @p proceeds over them by quantity.
    void record(Book &book, const std::vector<Piece> &pieces, const Transaction &tx, const QString &asset,
                DisposalKind kind, const Decimal &proceeds, bool proceedsUnknown) const
    {
        if (isQuote(asset))
            return; // the measuring unit: proceeds equal cost, nothing to report
        Decimal quantity;
        for (const Piece &p : pieces)
            quantity += p.quantity;
        Decimal proceedsLeft = proceeds;
        const qint64 nowMs = m_nowMs;
        for (std::size_t i = 0; i < pieces.size(); ++i) {
            const Piece &p = pieces[i];
            Disposal &d = book.disposals.emplace_back(); // filled in place: no copy of its strings and times
            d.transactionId = tx.id;
            d.kind = kind;
            d.time = tx.time;
            d.accountId = tx.accountId;
            d.network = tx.network;
            d.asset = asset;
            d.quantity = p.quantity;
            d.lotTransactionId = p.transactionId;
            d.acquired = fromMs(p.acquiredMs);
            d.pooled = p.pooled;
            d.proceeds = i + 1 == pieces.size() ? proceedsLeft : proportion(proceeds, p.quantity, quantity);
            proceedsLeft -= d.proceeds;
            d.cost = p.cost;
            d.gain = d.proceeds - d.cost;
            d.holdingDays = std::max<qint64>(0, (nowMs - p.acquiredMs) / kDayMs);
            d.longTerm = d.holdingDays > m_options.longTermDays;
            d.basisUnknown = p.basisUnknown;
            d.proceedsUnknown = proceedsUnknown;
            book.realized += d.gain;
        }
    }

    /// The lots a disposal of @p asset by @p tx is to take first (specific
    /// identification), or none. A trade's assignment is of the asset it gives
    /// up: the base of a sale, the quote of a buy (a direct pair). Its sale leg
    /// takes the assigned lots in order; a fee paid in the same asset takes
    /// what the sale leg left of them.
    std::optional<QList<LotAssignment>> assignedFor(const Transaction &tx, const QString &asset,
                                                    DisposalKind kind) const
    {
        if (tx.kind != TransactionKind::Trade || (kind != DisposalKind::Sale && kind != DisposalKind::Fee))
            return std::nullopt;
        const bool sale = tx.side == Side::Sell;
        if (asset != (sale ? tx.asset : tx.quote))
            return std::nullopt;
        const auto found = m_options.assignments.constFind(tx.id);
        if (found == m_options.assignments.cend())
            return std::nullopt;
        if (kind == DisposalKind::Sale)
            return *found;
        Decimal skip = sale ? tx.quantity : tx.tradeQuote();
        QList<LotAssignment> rest;
        for (LotAssignment share : *found) {
            const Decimal used = Decimal::min(skip, share.quantity);
            skip -= used;
            share.quantity -= used;
            if (share.quantity.isPositive())
                rest.append(share);
        }
        if (rest.isEmpty())
            return std::nullopt;
        return rest;
    }

    Status dispose(const Transaction &tx, const QString &asset, const Decimal &quantity, DisposalKind kind,
                   const Decimal &proceeds, bool proceedsUnknown)
    {
        if (!quantity.isPositive() || m_books.empty())
            return {};
        const std::size_t id = positionId(tx, asset);
        const Decimal &held = m_books.front().positions[id].total;
        if (held < quantity)
            return oversold(tx, asset, quantity, held);
        const bool quote = isQuote(asset);
        const std::optional<QList<LotAssignment>> assigned = assignedFor(tx, asset, kind);
        for (Book &book : m_books) {
            Position &pos = book.positions[id];
            if (assigned && !pos.pooled)
                takeAssigned(pos, *assigned, quantity, book.scratch);
            else
                take(pos, quantity, book.scratch);
            record(book, book.scratch, tx, asset, kind, quote ? quantity : proceeds, proceedsUnknown && !quote);
        }
        return {};
    }

    void acquire(const Transaction &tx, const QString &asset, const Decimal &quantity, const Decimal &cost,
                 bool basisUnknown)
    {
        if (!quantity.isPositive())
            return;
        Piece piece;
        piece.transactionId = tx.id;
        piece.acquiredMs = m_nowMs;
        piece.quantity = quantity;
        piece.cost = isQuote(asset) ? quantity : cost;
        piece.basisUnknown = basisUnknown && !isQuote(asset);
        const std::size_t id = positionId(tx, asset);
        for (Book &book : m_books)
            add(book, book.positions[id], piece);
    }

    /// Value of @p quantity of @p asset: the quote asset is worth 1, then the
    /// transaction's own price for its asset (non-trades), then the price lookup.
    std::optional<Decimal> valueOf(const Transaction &tx, const QString &asset, const Decimal &quantity) const
    {
        if (isQuote(asset))
            return quantity;
        if (tx.kind != TransactionKind::Trade && asset == tx.asset && tx.price.isPositive())
            return quantity * tx.price;
        if (m_options.priceAt) {
            if (const auto price = m_options.priceAt(asset, tx.time))
                return quantity * *price;
        }
        return std::nullopt;
    }

    Result<Decimal> tradeValue(const Transaction &tx) const
    {
        const Decimal quoteMoved = tx.tradeQuote();
        if (isQuote(tx.quote))
            return quoteMoved;
        if (isQuote(tx.asset))
            return tx.quantity;
        if (auto v = valueOf(tx, tx.quote, quoteMoved))
            return *v;
        if (auto v = valueOf(tx, tx.asset, tx.quantity))
            return *v;
        return makeError(QStringLiteral("costbasis.no_value"),
                         QStringLiteral("%1: no price of %2 or %3 in %4 at that time to value this trade")
                             .arg(describe(tx), tx.asset, tx.quote, m_options.quoteAsset));
    }

    /// Value of the fee of @p tx; for a trade, a fee in one of its legs is
    /// valued at the trade's own rate.
    std::optional<Decimal> feeValue(const Transaction &tx, const std::optional<Decimal> &tradeVal) const
    {
        if (tx.fee.isZero())
            return Decimal();
        if (tx.kind == TransactionKind::Trade && tradeVal && !isQuote(tx.feeAsset)) {
            if (tx.feeAsset == tx.asset)
                return proportion(*tradeVal, tx.fee, tx.quantity);
            if (tx.feeAsset == tx.quote)
                return proportion(*tradeVal, tx.fee, tx.tradeQuote());
        }
        return valueOf(tx, tx.feeAsset, tx.fee);
    }

    /// The fee of @p tx spent: a disposal of the fee asset at the fee's value.
    /// @p capitalised: its value went into a basis or proceeds; otherwise it is
    /// an expense.
    Status payFee(const Transaction &tx, const std::optional<Decimal> &value, bool capitalised)
    {
        if (tx.fee.isZero())
            return {};
        const Decimal v = value.value_or(Decimal());
        if (!capitalised)
            m_feesExpensed += v;
        return dispose(tx, tx.feeAsset, tx.fee, DisposalKind::Fee, v, !value.has_value());
    }

    Status applyTrade(const Transaction &tx)
    {
        auto value = tradeValue(tx);
        if (!value)
            return value.error();
        const auto fee = feeValue(tx, *value);
        const bool capitalise = m_options.feesIntoBasis && !tx.fee.isZero();
        const Decimal feeIn = capitalise ? fee.value_or(Decimal()) : Decimal();
        const Decimal quoteMoved = tx.tradeQuote();
        if (tx.side == Side::Buy) {
            acquire(tx, tx.asset, tx.quantity, *value + feeIn, false);
            if (Status s = dispose(tx, tx.quote, quoteMoved, DisposalKind::Sale, *value, false); !s)
                return s;
        } else {
            if (Status s = dispose(tx, tx.asset, tx.quantity, DisposalKind::Sale, *value - feeIn, false); !s)
                return s;
            acquire(tx, tx.quote, quoteMoved, *value, false);
        }
        return payFee(tx, fee, capitalise);
    }

    Status applyTransferOut(const Transaction &tx)
    {
        if (m_books.empty())
            return {};
        const std::size_t id = positionId(tx, tx.asset);
        const Decimal &held = m_books.front().positions[id].total;
        if (held < tx.quantity)
            return oversold(tx, tx.asset, tx.quantity, held);
        for (Book &book : m_books) {
            std::vector<Piece> pieces;
            take(book.positions[id], tx.quantity, pieces);
            book.inTransit.emplace(tx.id, std::move(pieces));
        }
        return payFee(tx, feeValue(tx, std::nullopt), false);
    }

    /// Splits what went out and did not arrive off the last pieces of a move:
    /// @p lost of them leave @p pieces for @p spent.
    static void splitLost(std::vector<Piece> &pieces, Decimal lost, std::vector<Piece> &spent)
    {
        spent.clear();
        while (lost.isPositive()) {
            Piece &last = pieces.back();
            if (last.quantity <= lost) {
                lost -= last.quantity;
                spent.push_back(last);
                pieces.pop_back();
                continue;
            }
            Piece part = last;
            part.quantity = lost;
            part.cost = proportion(last.cost, lost, last.quantity);
            last.quantity -= lost;
            last.cost -= part.cost;
            spent.push_back(part);
            lost = Decimal();
        }
    }

    Status applyTransferIn(const Transaction &tx, qint64 outId)
    {
        if (m_books.empty())
            return {};
        if (!m_books.front().inTransit.contains(outId)) {
            return makeError(QStringLiteral("costbasis.transfer_order"),
                             QStringLiteral("%1 arrives before its out leg, transaction #%2")
                                 .arg(describe(tx), QString::number(outId)));
        }
        // The quantity moved is the same in every book; only its lots differ.
        Decimal moved;
        for (const Piece &p : m_books.front().inTransit.value(outId))
            moved += p.quantity;
        if (tx.quantity > moved) {
            return makeError(
                QStringLiteral("costbasis.transfer_grew"),
                QStringLiteral("%1 receives %2 %3 but its out leg, transaction #%4, sent only %5")
                    .arg(describe(tx), tx.quantity.toString(), tx.asset, QString::number(outId), moved.toString()));
        }
        // What went out and did not arrive was paid on the way: a fee in the
        // moved asset, taken from the last lots of the move.
        const Decimal gone = moved - tx.quantity;
        std::optional<Decimal> goneValue;
        if (gone.isPositive()) {
            goneValue = valueOf(tx, tx.asset, gone);
            m_feesExpensed += goneValue.value_or(Decimal());
        }
        const std::size_t id = positionId(tx, tx.asset);
        for (Book &book : m_books) {
            std::vector<Piece> pieces = book.inTransit.take(outId);
            splitLost(pieces, gone, book.scratch);
            if (!book.scratch.empty()) {
                record(book, book.scratch, tx, tx.asset, DisposalKind::Fee, goneValue.value_or(Decimal()),
                       !goneValue.has_value());
            }
            for (const Piece &p : pieces)
                add(book, book.positions[id], p);
        }
        return payFee(tx, feeValue(tx, std::nullopt), false);
    }

    Status apply(const Transaction &tx)
    {
        if (tx.kind == TransactionKind::Trade)
            return applyTrade(tx);
        const auto partner = m_partner.constFind(tx.id);
        const bool paired = partner != m_partner.cend();
        const Decimal flow = externalFlowValue(tx, m_options.quoteAsset, !paired);
        const std::optional<Decimal> ownValue = valueOfOwn(tx);
        switch (tx.kind) {
        case TransactionKind::Trade:
            break; // above
        case TransactionKind::TransferIn:
            if (paired)
                return applyTransferIn(tx, *partner);
            m_unmatched.append(tx.id);
            [[fallthrough]];
        case TransactionKind::Deposit:
            m_netInvested += flow;
            acquire(tx, tx.asset, tx.quantity, ownValue.value_or(Decimal()), !ownValue.has_value());
            break;
        case TransactionKind::Income:
            m_income += ownValue.value_or(Decimal());
            acquire(tx, tx.asset, tx.quantity, ownValue.value_or(Decimal()), !ownValue.has_value());
            break;
        case TransactionKind::TransferOut:
            if (paired)
                return applyTransferOut(tx);
            m_unmatched.append(tx.id);
            [[fallthrough]];
        case TransactionKind::Withdrawal:
            m_netInvested += flow;
            if (Status s = dispose(tx, tx.asset, tx.quantity, DisposalKind::Withdrawal, ownValue.value_or(Decimal()),
                                   !ownValue.has_value());
                !s)
                return s;
            break;
        case TransactionKind::Fee: {
            const auto v = valueOf(tx, tx.asset, tx.quantity);
            m_feesExpensed += v.value_or(Decimal());
            if (Status s = dispose(tx, tx.asset, tx.quantity, DisposalKind::Fee, v.value_or(Decimal()), !v.has_value());
                !s)
                return s;
            break;
        }
        case TransactionKind::Adjustment:
            m_netInvested += flow;
            if (tx.quantity.isPositive()) {
                acquire(tx, tx.asset, tx.quantity, ownValue.value_or(Decimal()), !ownValue.has_value());
            } else if (Status s = dispose(tx, tx.asset, -tx.quantity, DisposalKind::Adjustment,
                                          -ownValue.value_or(Decimal()), !ownValue.has_value());
                       !s) {
                return s;
            }
            break;
        }
        return payFee(tx, feeValue(tx, std::nullopt), false);
    }

    /// quantity x own price of a non-trade (signed like the quantity); the
    /// quote asset at 1; nullopt when the transaction carries no price.
    std::optional<Decimal> valueOfOwn(const Transaction &tx) const
    {
        if (isQuote(tx.asset))
            return tx.quantity;
        if (tx.price.isPositive())
            return tx.quantity * tx.price;
        return std::nullopt;
    }

    /// The open lots of @p book, ordered by account, network, asset, then the
    /// method's order.
    QList<Lot> collectLots(const Book &book) const
    {
        std::vector<std::size_t> order(m_keys.size());
        for (std::size_t i = 0; i < order.size(); ++i)
            order[i] = i;
        std::sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) { return m_keys[a] < m_keys[b]; });
        QList<Lot> lots;
        for (std::size_t id : order) {
            const PositionKey &key = m_keys[id];
            for (const Entry &e : book.positions[id].lots) {
                const Piece &p = e.piece;
                if (!p.quantity.isPositive())
                    continue;
                Lot lot;
                lot.accountId = key.accountId;
                lot.network = key.network;
                lot.asset = key.asset;
                lot.transactionId = p.transactionId;
                lot.acquired = fromMs(p.acquiredMs);
                lot.quantity = p.quantity;
                lot.cost = p.cost;
                lot.basisUnknown = p.basisUnknown;
                lot.pooled = p.pooled;
                lots.append(std::move(lot));
            }
        }
        return lots;
    }

    const QList<Transaction> &m_txs;
    const CostBasisOptions &m_options;
    std::vector<Book> m_books;
    QHash<PositionKey, std::size_t> m_positionIds;
    std::vector<PositionKey> m_keys; ///< by position id
    QHash<qint64, qint64> m_partner;
    std::vector<qint64> m_ms; ///< each transaction's time, ms since the epoch
    qint64 m_nowMs = 0; ///< the time of the transaction being applied
    Decimal m_income;
    Decimal m_feesExpensed;
    Decimal m_netInvested;
    QList<qint64> m_unmatched;
};

} // namespace

Decimal Lot::unitCost() const
{
    return quantity.isPositive() ? cost / quantity : Decimal();
}

qint64 Lot::holdingDays(const QDateTime &at) const
{
    return std::max<qint64>(0, (at.toMSecsSinceEpoch() - acquired.toMSecsSinceEpoch()) / kDayMs);
}

Result<CostBasisResult> computeCostBasis(const QList<Transaction> &transactions, const CostBasisOptions &options)
{
    auto results = computeCostBasis(transactions, options, {options.method});
    if (!results)
        return results.error();
    return std::move(results->first());
}

namespace {

Result<QList<CostBasisResult>> runPass(const QList<Transaction> &transactions, const CostBasisOptions &options,
                                       const QList<CostMethod> &methods)
{
    try {
        return Pass(transactions, options, methods).run();
    } catch (const money::DecimalError &e) {
        return makeError(e.code(), QStringLiteral("cost basis: %1").arg(QString::fromUtf8(e.what())));
    }
}

// Below this many transactions a second thread costs more than it saves.
constexpr qsizetype kTwoThreadsFrom = 20'000;

} // namespace

Result<QList<CostBasisResult>> computeCostBasis(const QList<Transaction> &transactions, const CostBasisOptions &options,
                                                const QList<CostMethod> &methods)
{
    if (methods.size() < 2 || transactions.size() < kTwoThreadsFrom)
        return runPass(transactions, options, methods);
    // Two passes on two cores, the methods dealt alternately (FIFO and HIFO,
    // LIFO and average: about the same work each). Each pass repeats the part
    // that does not depend on the method, a small share of the whole.
    QList<CostMethod> even;
    QList<CostMethod> odd;
    for (qsizetype i = 0; i < methods.size(); ++i)
        (i % 2 == 0 ? even : odd).append(methods[i]);
    auto other = std::async(std::launch::async, [&] { return runPass(transactions, options, odd); });
    Result<QList<CostBasisResult>> first = runPass(transactions, options, even);
    Result<QList<CostBasisResult>> second = other.get();
    if (!first)
        return first.error();
    if (!second)
        return second.error();
    QList<CostBasisResult> results;
    results.reserve(methods.size());
    for (qsizetype i = 0; i < methods.size(); ++i)
        results.append(std::move(i % 2 == 0 ? (*first)[i / 2] : (*second)[i / 2]));
    return results;
}

QHash<qint64, qint64> transferPartners(const QList<Transaction> &transactions)
{
    QHash<qint64, qint64> partner;
    QHash<qint64, qsizetype> byId;
    for (qsizetype i = 0; i < transactions.size(); ++i) {
        const TransactionKind kind = transactions[i].kind;
        if (kind == TransactionKind::TransferOut || kind == TransactionKind::TransferIn)
            byId.insert(transactions[i].id, i);
    }
    partner.reserve(byId.size());
    for (const Transaction &tx : transactions) {
        if (tx.kind != TransactionKind::TransferOut && tx.kind != TransactionKind::TransferIn)
            continue;
        if (partner.contains(tx.id) || tx.linkId == 0)
            continue;
        const auto it = byId.constFind(tx.linkId);
        if (it == byId.cend())
            continue;
        const Transaction &other = transactions[*it];
        const bool opposite = (tx.kind == TransactionKind::TransferOut && other.kind == TransactionKind::TransferIn)
            || (tx.kind == TransactionKind::TransferIn && other.kind == TransactionKind::TransferOut);
        if (!opposite || other.asset != tx.asset || partner.contains(other.id))
            continue;
        if (other.linkId != 0 && other.linkId != tx.id)
            continue;
        partner.insert(tx.id, other.id);
        partner.insert(other.id, tx.id);
    }
    return partner;
}

Decimal externalFlowValue(const Transaction &tx, const QString &quoteAsset, bool unmatchedTransfer)
{
    bool flow = domain::isExternalFlow(tx.kind);
    if (unmatchedTransfer && (tx.kind == TransactionKind::TransferIn || tx.kind == TransactionKind::TransferOut))
        flow = true;
    if (!flow)
        return {};
    const Decimal value = tx.asset == quoteAsset ? tx.quantity : tx.quantity * tx.price;
    const bool outward = tx.kind == TransactionKind::Withdrawal || tx.kind == TransactionKind::TransferOut;
    return outward ? -value : value;
}

UnrealizedReport unrealizedPnl(const QList<Lot> &lots, const QHash<QString, Decimal> &prices, const QString &quoteAsset)
{
    UnrealizedReport report;
    std::map<QString, PnlTotal> assets;
    std::map<qint64, PnlTotal> accounts;
    QSet<QString> missing;
    for (const Lot &lot : lots) {
        LotPnl row;
        row.lot = lot;
        if (lot.asset == quoteAsset) {
            row.price = Decimal::fromInt(1);
        } else if (const auto it = prices.constFind(lot.asset); it != prices.cend()) {
            row.price = *it;
        } else {
            missing.insert(lot.asset);
        }
        row.value = lot.quantity * row.price;
        row.unrealized = row.value - lot.cost;
        PnlTotal &a = assets[lot.asset];
        a.asset = lot.asset;
        a.quantity += lot.quantity;
        a.cost += lot.cost;
        a.value += row.value;
        a.unrealized += row.unrealized;
        PnlTotal &c = accounts[lot.accountId];
        c.accountId = lot.accountId;
        c.cost += lot.cost;
        c.value += row.value;
        c.unrealized += row.unrealized;
        report.cost += lot.cost;
        report.value += row.value;
        report.unrealized += row.unrealized;
        report.lots.append(std::move(row));
    }
    for (auto &[k, v] : assets)
        report.byAsset.append(v);
    for (auto &[k, v] : accounts)
        report.byAccount.append(v);
    report.missingPrices = missing.values();
    std::sort(report.missingPrices.begin(), report.missingPrices.end());
    return report;
}

Result<SalePlan> planSale(const QList<Lot> &openLots, qint64 accountId, const QString &asset, const Decimal &quantity,
                          const Decimal &price, const QDateTime &at, LotSelection selection, int longTermDays)
{
    struct Candidate
    {
        const Lot *lot;
        Decimal unit;
        Decimal gainPerUnit;
        bool longTerm;
        int category;
    };
    std::vector<Candidate> candidates;
    Decimal held;
    for (const Lot &lot : openLots) {
        if (lot.accountId != accountId || lot.asset != asset || !lot.quantity.isPositive())
            continue;
        const Decimal unit = lot.unitCost();
        const Decimal gainPerUnit = price - unit;
        const bool longTerm = lot.holdingDays(at) > longTermDays;
        // LeastGain: short-term losses, long-term losses, long-term gains, short-term gains.
        const int category = gainPerUnit.isNegative() ? (longTerm ? 1 : 0) : (longTerm ? 2 : 3);
        candidates.push_back({&lot, unit, gainPerUnit, longTerm, category});
        held += lot.quantity;
    }
    if (held < quantity) {
        return makeError(QStringLiteral("costbasis.insufficient"),
                         QStringLiteral("selling %1 %2 on account %3: only %4 is held")
                             .arg(quantity.toString(), asset, QString::number(accountId), held.toString()));
    }
    const auto older = [](const Candidate &a, const Candidate &b) {
        return std::tie(a.lot->acquired, a.lot->transactionId) < std::tie(b.lot->acquired, b.lot->transactionId);
    };
    std::stable_sort(candidates.begin(), candidates.end(), [&](const Candidate &a, const Candidate &b) {
        switch (selection) {
        case LotSelection::Fifo:
            return older(a, b);
        case LotSelection::Hifo:
            return a.unit != b.unit ? a.unit > b.unit : older(a, b);
        case LotSelection::LeastGain:
            if (a.category != b.category)
                return a.category < b.category;
            return a.gainPerUnit != b.gainPerUnit ? a.gainPerUnit < b.gainPerUnit : older(a, b);
        case LotSelection::PreferLongTerm:
            if (a.longTerm != b.longTerm)
                return a.longTerm;
            return a.unit != b.unit ? a.unit > b.unit : older(a, b);
        }
        return false;
    });
    SalePlan plan;
    try {
        Decimal left = quantity;
        for (const Candidate &c : candidates) {
            if (!left.isPositive())
                break;
            LotPick pick;
            pick.lot = *c.lot;
            pick.quantity = Decimal::min(left, c.lot->quantity);
            pick.cost = proportion(c.lot->cost, pick.quantity, c.lot->quantity);
            pick.proceeds = pick.quantity * price;
            pick.gain = pick.proceeds - pick.cost;
            pick.longTerm = c.longTerm;
            left -= pick.quantity;
            plan.proceeds += pick.proceeds;
            plan.cost += pick.cost;
            plan.gain += pick.gain;
            (pick.longTerm ? plan.longTermGain : plan.shortTermGain) += pick.gain;
            plan.picks.append(std::move(pick));
        }
    } catch (const money::DecimalError &e) {
        return makeError(e.code(), QStringLiteral("planning a sale of %1: %2").arg(asset, QString::fromUtf8(e.what())));
    }
    return plan;
}

QString costMethodName(CostMethod method)
{
    switch (method) {
    case CostMethod::Fifo:
        return QStringLiteral("fifo");
    case CostMethod::Lifo:
        return QStringLiteral("lifo");
    case CostMethod::Hifo:
        return QStringLiteral("hifo");
    case CostMethod::Average:
        return QStringLiteral("average");
    }
    return {};
}

std::optional<CostMethod> costMethodFromName(const QString &name)
{
    for (CostMethod m : {CostMethod::Fifo, CostMethod::Lifo, CostMethod::Hifo, CostMethod::Average}) {
        if (costMethodName(m) == name)
            return m;
    }
    return std::nullopt;
}

} // namespace ballast::analytics
