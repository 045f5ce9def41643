#pragma once

#include "analytics/metrics.h"
#include "common/result.h"
#include "domain/transaction.h"
#include "money/decimal.h"

#include <QDate>
#include <QDateTime>
#include <QList>
#include <QString>

#include <functional>
#include <optional>
#include <vector>

namespace ballast::analytics {

/// The value of the portfolio at the close of a UTC day, in its quote asset.
struct DailyValue
{
    QDate date;
    money::Decimal value;

    bool operator==(const DailyValue &) const = default;
};

/// Money crossing the portfolio's boundary, in the quote asset: + into the
/// portfolio (a deposit), - out of it (a withdrawal).
struct ExternalFlow
{
    QDateTime time; ///< UTC; the flow belongs to that UTC day
    money::Decimal amount;

    bool operator==(const ExternalFlow &) const = default;
};

/// The time-weighted return of one day (close of the previous valuation to
/// close of this one).
struct DailyReturn
{
    QDate date;
    double value = 0; ///< simple return
    double flow = 0; ///< the day's external flows, summed
    bool endOfDayFlow = false; ///< the start capital was not positive: flows counted at the close (see docs)
};

struct TwrResult
{
    QDate from; ///< the valuation the range starts from (its close)
    QDate to;
    qint64 days = 0; ///< calendar days from @c from to @c to
    double total = 0; ///< chained return over the range
    double annualised = 0; ///< (1 + total)^(365 / days) - 1 when days > 365, else equal to total
};

struct MonthlyReturn
{
    int year = 0;
    int month = 0; ///< 1..12
    double value = 0; ///< TWR of the days of the month in the series
    int days = 0; ///< daily returns chained

    bool operator==(const MonthlyReturn &) const = default;
};

/// A fall of the TWR index below a running peak and its way back.
struct DrawdownPeriod
{
    QDate start; ///< the peak
    QDate trough;
    std::optional<QDate> recovery; ///< first day back at or above the peak; none while ongoing
    double depth = 0; ///< 1 - trough / peak, a positive fraction
    qint64 lengthDays = 0; ///< start to recovery, or to the last day while ongoing
};

struct CashFlowAt
{
    QDate date;
    money::Decimal amount; ///< investor's view: - paid in, + received

    bool operator==(const CashFlowAt &) const = default;
};

/// Close of one asset on one UTC day in the quote asset; nullopt when none.
using DailyPrice = std::function<std::optional<money::Decimal>(const QString &asset, QDate day)>;

/// An asset held at a day's close without a close that day.
struct MissingPrice
{
    QDate date;
    QString asset;
    bool carried = false; ///< valued at its last earlier close; false: no close yet, valued at zero

    bool operator==(const MissingPrice &) const = default;
};

/// What buildDailySeries derives from the transactions.
struct DailySeries
{
    QList<DailyValue> values; ///< one per day, first transaction's day to the last day asked
    QList<DailyValue> netInvested; ///< running deposits - withdrawals at their value, same days
    QList<ExternalFlow> flows; ///< the external flows, in transaction order
    QList<MissingPrice> missing; ///< every (day, asset) priced without its own close
};

/// Returns with cash flows: time-weighted (daily linked) and money-weighted.
/// The conventions are in docs/analytics.md, "Performance with cash flows".
class Performance
{
public:
    /// Daily time-weighted returns. Flows count from the START of the UTC day
    /// they are recorded: r_t = V_t / (V_{t-1} + F_t) - 1, with V before the
    /// first day = 0. When V_{t-1} + F_t is not positive the day uses
    /// (V_t - F_t) / V_{t-1} - 1 if V_{t-1} > 0 (flagged), else 0. The first
    /// day has a return only if flows came in on or before it. Error when the
    /// dates are not strictly increasing.
    static Result<std::vector<DailyReturn>> dailyReturns(const QList<DailyValue> &values,
                                                         const QList<ExternalFlow> &flows);

    /// TWR from the close of @p from to the close of @p to (the returns of the
    /// days in (from, to]); both are clamped to the series. An invalid @p from
    /// means from the start, an invalid @p to through the end.
    static TwrResult timeWeighted(const std::vector<DailyReturn> &returns, QDate from = {}, QDate to = {});

    /// The TWR index (1 at its base) as an equity curve, time = the day's
    /// 00:00 UTC. The base is the day before the first day when that day has a
    /// return, else the first day.
    static std::vector<EquityPoint> index(const std::vector<DailyReturn> &returns);

    static QList<MonthlyReturn> monthly(const std::vector<DailyReturn> &returns);
    static QList<DrawdownPeriod> drawdowns(const std::vector<DailyReturn> &returns);

    /// Change, CAGR, volatility, Sharpe, Sortino, maximum drawdown: Metrics on
    /// the TWR index, so deposits and withdrawals do not move them.
    static MetricsResult keyFigures(const std::vector<DailyReturn> &returns, double riskFreeRate = 0.0);

    /// Annual effective rate r with sum(a_i / (1 + r)^((d_i - d_0) / 365)) = 0,
    /// d_0 the earliest date (Excel's XIRR day count). Errors: "xirr.one_sign"
    /// (no payment or no receipt), "xirr.no_root", "xirr.several_roots" (more
    /// than one rate solves it), "xirr.no_convergence".
    static Result<double> xirr(const QList<CashFlowAt> &flows);

    /// Money-weighted return over [from, to] (clamped to the series): XIRR of
    /// -V(from), the flows after @p from up to @p to with their sign turned to
    /// the investor's view, and +V(to). An invalid @p from starts where the
    /// TWR index does: before the first day (V = 0, every flow counted) when
    /// money came in on or before it, else at its close.
    static Result<double> moneyWeighted(const QList<DailyValue> &values, const QList<ExternalFlow> &flows,
                                        QDate from = {}, QDate to = {});

    /// The daily values of the holdings (the sum of balanceChanges to the end
    /// of each UTC day, every account, at that day's close; the quote asset is
    /// worth 1), the running net invested capital and the external flows.
    /// A held asset without a close that day is valued at its last earlier
    /// close and listed as carried; with no earlier close it is valued at zero
    /// and listed. A flow's value is its own price, else the day's close (or
    /// the carried one), else zero (listed). @p transactions sorted by time;
    /// @p until: the last day (invalid: the last transaction's day).
    static Result<DailySeries> buildDailySeries(const QList<domain::Transaction> &transactions,
                                                const QString &quoteAsset, const DailyPrice &price, QDate until = {});
};

} // namespace ballast::analytics
