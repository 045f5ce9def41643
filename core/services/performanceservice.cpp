#include "services/performanceservice.h"

#include "services/ledgerqueries.h"
#include "services/transactionservice.h"
#include "storage/lotassignmentrepo.h"
#include "storage/portfoliorepo.h"

#include <QMap>
#include <QSet>
#include <QTimeZone>

#include <functional>
#include <utility>

namespace ballast::services {

using analytics::CostMethod;
using analytics::Performance;
using domain::Transaction;
using domain::TransactionKind;
using money::Decimal;

namespace {

constexpr qint64 kDayMs = 86400000;
constexpr int kCandleDecimals = 12; ///< a candle close is a double; 12 places keep what it holds

} // namespace

/// What every use case starts from: the portfolio's quote, the transactions
/// (prices filled in where the transaction has none) and the stored prices.
struct PerformanceService::Inputs
{
    QString portfolio;
    qint64 portfolioId = 0;
    QString quote;
    CostMethod method = CostMethod::Fifo; ///< the portfolio's
    bool simulated = false; ///< a stored price read is simulated
    int longTermDays = 365; ///< the portfolio's
    QList<Transaction> transactions;
    QHash<qint64, QString> accountNames;
    QHash<QString, QMap<QDate, Decimal>> closes; ///< asset -> UTC day -> close
    QHash<QString, QMap<qint64, Decimal>> observations; ///< asset -> time (ms) -> price

    [[nodiscard]] std::optional<Decimal> close(const QString &asset, QDate day) const
    {
        const auto series = closes.constFind(asset);
        if (series == closes.constEnd())
            return std::nullopt;
        const auto it = series->constFind(day);
        if (it == series->constEnd())
            return std::nullopt;
        return *it;
    }

    /// The newest price of @p asset at or before @p atMs.
    [[nodiscard]] std::optional<Decimal> priceAt(const QString &asset, qint64 atMs) const
    {
        const auto series = observations.constFind(asset);
        if (series == observations.constEnd())
            return std::nullopt;
        auto it = series->upperBound(atMs);
        if (it == series->constBegin())
            return std::nullopt;
        --it;
        return *it;
    }
};

PerformanceService::PerformanceService(storage::Database &db, Clock clock, QString portfolio)
    : m_db(db)
    , m_clock(std::move(clock))
    , m_portfolio(std::move(portfolio))
{
}

namespace {

/// The transactions of one asset seen as a portfolio of its own: a buy of
/// @p asset comes in as a deposit at the trade's value, a sell leaves as a
/// withdrawal, paying with it is a withdrawal and receiving it a deposit; a
/// fee paid in it stays a fee (a loss). Transactions without it are left out.
QList<Transaction> assetView(const QList<Transaction> &transactions, const QString &asset, const QString &quote,
                             const std::function<std::optional<Decimal>(qint64)> &priceAt)
{
    QList<Transaction> out;
    const auto valueOf = [&](const Transaction &tx) {
        return asset == quote ? Decimal::fromInt(1) : priceAt(tx.time.toMSecsSinceEpoch()).value_or(Decimal());
    };
    for (const Transaction &tx : transactions) {
        Transaction t = tx;
        const bool feeHere = tx.fee.isPositive() && tx.feeAsset == asset;
        if (!feeHere) {
            t.fee = Decimal();
            t.feeAsset.clear();
        }
        if (tx.kind == TransactionKind::Trade && (tx.asset == asset || tx.quote == asset)) {
            const bool base = tx.asset == asset;
            const bool inward = base == (tx.side == domain::Side::Buy);
            t.kind = inward ? TransactionKind::Deposit : TransactionKind::Withdrawal;
            t.asset = asset;
            t.quote.clear();
            t.quoteAmount = Decimal();
            if (base) {
                // Its value at the trade's own price when that is in the portfolio's quote.
                t.price = tx.quote == quote ? tx.tradeQuote() / tx.quantity : valueOf(tx);
            } else {
                t.quantity = tx.tradeQuote();
                t.price = valueOf(tx);
            }
        } else if (tx.asset != asset) {
            if (!feeHere)
                continue;
            t.kind = TransactionKind::Fee;
            t.asset = asset;
            t.quote.clear();
            t.quantity = tx.fee;
            t.fee = Decimal();
            t.feeAsset.clear();
            t.price = valueOf(tx);
            t.quoteAmount = Decimal();
        }
        if (!t.quantity.isZero() || t.fee.isPositive())
            out.append(t);
    }
    return out;
}

} // namespace

Result<PerformanceService::Inputs> PerformanceService::load(const QString &account, const QString &onlyAsset)
{
    LedgerQueries queries(m_db);
    auto portfolio = queries.portfolio(m_portfolio);
    if (!portfolio)
        return portfolio.error();
    auto accounts = queries.accounts();
    if (!accounts)
        return accounts.error();
    Inputs in;
    in.portfolio = portfolio->name;
    in.portfolioId = portfolio->id;
    in.quote = portfolio->quote;
    in.method = analytics::costMethodFromName(portfolio->costMethod).value_or(CostMethod::Fifo);
    in.longTermDays = portfolio->longTermDays;
    for (const domain::Account &a : *accounts)
        in.accountNames.insert(a.id, a.name);
    if (!account.isEmpty()) {
        if (auto found = queries.account(account); !found)
            return found.error();
    }
    TransactionQuery query;
    query.account = account;
    auto rows = TransactionService(m_db, m_clock).list(query);
    if (!rows)
        return rows.error();

    QSet<QString> assets;
    for (const TransactionRow &row : *rows) {
        for (const QString &asset : {row.tx.asset, row.tx.quote, row.tx.feeAsset}) {
            if (!asset.isEmpty() && asset != in.quote)
                assets.insert(asset);
        }
    }
    // A trade against the quote asset is a price observation too: the day a
    // coin is bought is not a day without its price.
    for (const TransactionRow &row : *rows) {
        const Transaction &tx = row.tx;
        if (tx.kind == TransactionKind::Trade && tx.quote == in.quote && tx.price.isPositive())
            in.observations[tx.asset].insert(tx.time.toMSecsSinceEpoch(), tx.price);
    }
    for (const QString &asset : std::as_const(assets)) {
        auto candles = queries.candles(asset, in.quote, QStringLiteral("1d"));
        if (!candles)
            return candles.error();
        auto points = queries.priceHistory(asset, in.quote);
        if (!points)
            return points.error();
        QMap<qint64, Decimal> &observations = in.observations[asset];
        for (const domain::Candle &candle : *candles) {
            auto close = Decimal::fromDouble(candle.close, kCandleDecimals);
            if (close && close->isPositive()) // a candle that is not a price is no close
                observations.insert(candle.openTimeMs + kDayMs - 1, *close);
        }
        // Stored prices are exact and win over a trade at the same millisecond.
        for (const domain::PricePoint &point : *points) {
            observations.insert(point.time.toMSecsSinceEpoch(), point.price);
            in.simulated = in.simulated || point.isSimulated();
        }
        // The close of a day is its last observation.
        QMap<QDate, Decimal> &closes = in.closes[asset];
        for (auto it = observations.cbegin(); it != observations.cend(); ++it)
            closes.insert(QDateTime::fromMSecsSinceEpoch(it.key(), QTimeZone::utc()).date(), it.value());
    }

    in.transactions.reserve(rows->size());
    for (const TransactionRow &row : *rows) {
        Transaction tx = row.tx;
        if (tx.kind != TransactionKind::Trade && !tx.price.isPositive() && tx.asset != in.quote) {
            if (auto price = in.priceAt(tx.asset, tx.time.toMSecsSinceEpoch()))
                tx.price = *price;
        }
        in.transactions.append(tx);
    }
    if (!onlyAsset.isEmpty()) {
        const Inputs &data = in;
        try {
            in.transactions = assetView(data.transactions, onlyAsset, in.quote,
                                        [&data, &onlyAsset](qint64 atMs) { return data.priceAt(onlyAsset, atMs); });
        } catch (const money::DecimalError &e) {
            return makeError(e.code(), QStringLiteral("asset %1: %2").arg(onlyAsset, QString::fromUtf8(e.what())));
        }
    }
    return in;
}

Result<PerformanceHistory> PerformanceService::history(const PerformanceQuery &query)
{
    auto in = load(query.account, query.asset);
    if (!in)
        return in.error();
    if (in->transactions.isEmpty()) {
        QString why = QStringLiteral("no transactions yet: record them with \"transactions add\"");
        if (!query.asset.isEmpty())
            why = QStringLiteral("no transaction moves %1").arg(query.asset);
        else if (!query.account.isEmpty())
            why = QStringLiteral("account \"%1\" has no transactions").arg(query.account);
        return makeError(QStringLiteral("performance.empty"), why);
    }
    const QDate today = QDateTime::fromMSecsSinceEpoch(m_clock(), QTimeZone::utc()).date();
    const QDate until = query.to.isValid() ? query.to : today;
    const Inputs &data = *in;
    auto series = Performance::buildDailySeries(
        data.transactions, data.quote, [&data](const QString &asset, QDate day) { return data.close(asset, day); },
        until);
    if (!series)
        return series.error();
    if (series->values.isEmpty() || series->values.first().date > until) {
        return makeError(QStringLiteral("performance.empty"),
                         QStringLiteral("no transactions up to %1").arg(until.toString(Qt::ISODate)));
    }
    auto returns = Performance::dailyReturns(series->values, series->flows);
    if (!returns)
        return returns.error();
    PerformanceHistory history;
    history.portfolio = data.portfolio;
    history.portfolioId = data.portfolioId;
    history.quote = data.quote;
    history.account = query.account;
    history.asset = query.asset;
    history.simulated = data.simulated;
    history.series = std::move(*series);
    history.returns = std::move(*returns);
    return history;
}

PerformanceReport PerformanceService::report(const PerformanceHistory &history, QDate from, QDate to)
{
    const analytics::DailySeries &series = history.series;
    PerformanceReport report;
    report.portfolio = history.portfolio;
    report.quote = history.quote;
    if (series.values.isEmpty())
        return report;
    const QDate until = to.isValid() ? to : series.values.last().date;
    report.twr = Performance::timeWeighted(history.returns, from, until);
    report.from = report.twr.from;
    report.to = report.twr.to;
    if (auto irr = Performance::moneyWeighted(series.values, series.flows, from, until))
        report.irr = *irr;
    else
        report.irrError = irr.error().message;

    const auto inRange = [&](QDate day) { return (!from.isValid() || day > from) && day <= until; };
    std::vector<analytics::DailyReturn> ranged;
    for (const analytics::DailyReturn &r : history.returns) {
        if (inRange(r.date))
            ranged.push_back(r);
    }
    report.monthly = Performance::monthly(ranged);
    report.drawdowns = Performance::drawdowns(ranged);
    report.keyFigures = Performance::keyFigures(ranged);
    for (const analytics::DailyValue &v : series.values) {
        if (v.date <= until)
            report.value = v.value;
    }
    for (const analytics::DailyValue &v : series.netInvested) {
        if (v.date <= until)
            report.netInvested = v.value;
    }
    for (const analytics::MissingPrice &m : series.missing) {
        if (inRange(m.date))
            report.missing.append(m);
    }
    return report;
}

Result<PerformanceReport> PerformanceService::performance(const PerformanceQuery &query)
{
    const QDate today = QDateTime::fromMSecsSinceEpoch(m_clock(), QTimeZone::utc()).date();
    const QDate until = query.to.isValid() ? query.to : today;
    if (query.from.isValid() && query.from > until) {
        return makeError(QStringLiteral("performance.range"),
                         QStringLiteral("the range starts (%1) after it ends (%2)")
                             .arg(query.from.toString(Qt::ISODate), until.toString(Qt::ISODate)));
    }
    auto found = history(query);
    if (!found)
        return found.error();
    return report(*found, query.from, until);
}

GainsRange GainsRange::year(int year)
{
    return days(QDate(year, 1, 1), QDate(year, 12, 31));
}

GainsRange GainsRange::days(QDate from, QDate to)
{
    return {QDateTime(from, QTime(0, 0), QTimeZone::utc()),
            QDateTime(to.addDays(1), QTime(0, 0), QTimeZone::utc()).addMSecs(-1)};
}

/// The cost-basis pass over the inputs, with the method and threshold it used.
struct PerformanceService::Basis
{
    Inputs in;
    CostMethod method = CostMethod::Fifo;
    int longTermDays = 365;
    analytics::CostBasisResult result;
};

Result<PerformanceService::Basis> PerformanceService::costBasis(std::optional<CostMethod> method,
                                                                std::optional<int> longTermDays)
{
    if (longTermDays) {
        if (auto checked = checkLongTermDays(*longTermDays, QStringLiteral("long-term threshold")); !checked)
            return checked.error();
    }
    auto in = load({});
    if (!in)
        return in.error();
    Basis basis;
    basis.in = std::move(*in);
    basis.method = method.value_or(basis.in.method);
    basis.longTermDays = longTermDays.value_or(basis.in.longTermDays);
    const Inputs &data = basis.in;
    analytics::CostBasisOptions options;
    options.method = basis.method;
    options.quoteAsset = data.quote;
    options.longTermDays = basis.longTermDays;
    options.priceAt = [&data](const QString &a, const QDateTime &time) {
        return data.priceAt(a, time.toMSecsSinceEpoch());
    };
    // The lots executed plan sales took (specific identification).
    auto assigned = storage::LotAssignmentRepo(m_db).all();
    if (!assigned)
        return assigned.error();
    for (auto it = assigned->cbegin(); it != assigned->cend(); ++it) {
        QList<analytics::LotAssignment> &shares = options.assignments[it.key()];
        for (const storage::LotShare &share : it.value())
            shares.append({share.lotTransactionId, share.quantity});
    }
    auto result = analytics::computeCostBasis(data.transactions, options);
    if (!result)
        return result.error();
    basis.result = std::move(*result);
    return basis;
}

Result<CostMethod> PerformanceService::costMethod()
{
    auto portfolio = LedgerQueries(m_db).portfolio(m_portfolio);
    if (!portfolio)
        return portfolio.error();
    return analytics::costMethodFromName(portfolio->costMethod).value_or(CostMethod::Fifo);
}

Status PerformanceService::setCostMethod(CostMethod method)
{
    auto portfolio = LedgerQueries(m_db).portfolio(m_portfolio);
    if (!portfolio)
        return portfolio.error();
    return storage::PortfolioRepo(m_db).setCostMethod(portfolio->id, analytics::costMethodName(method));
}

Result<int> PerformanceService::longTermDays()
{
    auto portfolio = LedgerQueries(m_db).portfolio(m_portfolio);
    if (!portfolio)
        return portfolio.error();
    return portfolio->longTermDays;
}

Status PerformanceService::setLongTermDays(int days)
{
    if (auto checked = checkLongTermDays(days, QStringLiteral("long-term threshold")); !checked)
        return checked;
    auto portfolio = LedgerQueries(m_db).portfolio(m_portfolio);
    if (!portfolio)
        return portfolio.error();
    return storage::PortfolioRepo(m_db).setLongTermDays(portfolio->id, days);
}

Status PerformanceService::checkLongTermDays(int days, const QString &what)
{
    if (days < 0 || days > kMaxLongTermDays) {
        return makeError(
            QStringLiteral("gains.long_term_days"),
            QStringLiteral("%1 %2: give a number of days from 0 to %3").arg(what).arg(days).arg(kMaxLongTermDays));
    }
    return {};
}

Result<LotsReport> PerformanceService::lots(const QString &asset, std::optional<CostMethod> method,
                                            std::optional<int> longTermDays)
{
    auto basis = costBasis(method, longTermDays);
    if (!basis)
        return basis.error();
    return lotsOf(*basis, asset);
}

Result<QList<analytics::Lot>> PerformanceService::openLots()
{
    auto basis = costBasis(std::nullopt, std::nullopt);
    if (!basis)
        return basis.error();
    return basis->result.openLots;
}

Result<GainsReport> PerformanceService::gains(const QDateTime &from, const QDateTime &to,
                                              std::optional<CostMethod> method, std::optional<int> longTermDays)
{
    auto basis = costBasis(method, longTermDays);
    if (!basis)
        return basis.error();
    return gainsOf(*basis, from, to);
}

Result<CostBasisReport> PerformanceService::report(const GainsRange &range, std::optional<CostMethod> method,
                                                   std::optional<int> longTermDays)
{
    auto basis = costBasis(method, longTermDays);
    if (!basis)
        return basis.error();
    auto gains = gainsOf(*basis, range.from, range.to);
    if (!gains)
        return gains.error();
    CostBasisReport report;
    report.lots = lotsOf(*basis, {});
    report.gains = std::move(*gains);
    if (!basis->in.transactions.isEmpty())
        report.firstTransaction = basis->in.transactions.first().time;
    return report;
}

LotsReport PerformanceService::lotsOf(const Basis &basis, const QString &asset) const
{
    const Inputs &data = basis.in;
    LotsReport report;
    report.portfolio = data.portfolio;
    report.quote = data.quote;
    report.method = basis.method;
    report.longTermDays = basis.longTermDays;
    report.at = QDateTime::fromMSecsSinceEpoch(m_clock(), QTimeZone::utc());
    report.accountNames = data.accountNames;
    QList<analytics::Lot> lots;
    QHash<QString, Decimal> prices;
    for (const analytics::Lot &lot : std::as_const(basis.result.openLots)) {
        if (!asset.isEmpty() && lot.asset != asset)
            continue;
        lots.append(lot);
        if (lot.asset != data.quote && !prices.contains(lot.asset)) {
            if (auto price = data.priceAt(lot.asset, m_clock()))
                prices.insert(lot.asset, *price);
        }
    }
    report.pnl = analytics::unrealizedPnl(lots, prices, data.quote);
    return report;
}

Result<GainsReport> PerformanceService::gainsOf(const Basis &basis, const QDateTime &from, const QDateTime &to)
{
    GainsReport report;
    report.portfolio = basis.in.portfolio;
    report.quote = basis.in.quote;
    report.method = basis.method;
    report.longTermDays = basis.longTermDays;
    report.from = from;
    report.to = to;
    report.accountNames = basis.in.accountNames;
    try {
        for (const analytics::Disposal &d : basis.result.disposals) {
            if (d.time < from || d.time > to)
                continue;
            report.disposals.append(d);
            report.proceeds += d.proceeds;
            report.cost += d.cost;
            report.gain += d.gain;
            (d.longTerm ? report.longTermGain : report.shortTermGain) += d.gain;
        }
    } catch (const money::DecimalError &e) {
        return makeError(QStringLiteral("gains.overflow"), QString::fromUtf8(e.what()));
    }
    return report;
}

} // namespace ballast::services
