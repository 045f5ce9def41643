#pragma once

#include "analytics/costbasis.h"
#include "analytics/metrics.h"
#include "analytics/performance.h"
#include "common/clock.h"
#include "common/result.h"
#include "money/decimal.h"

#include <QDate>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>

#include <optional>
#include <vector>

namespace ballast::storage {
class Database;
}

namespace ballast::services {

/// What PerformanceService::performance measures; an invalid date or an empty
/// account does not restrict.
struct PerformanceQuery
{
    QDate from; ///< from the close of this day (invalid: from the first transaction)
    QDate to; ///< to the close of this day (invalid: today)
    QString account; ///< only this account's transactions (its transfers become flows)
    /// Only this asset: its holding's value, its buys, sells, deposits and
    /// withdrawals as flows (see docs/analytics.md, "Per asset").
    QString asset;
};

/// The whole daily history a report is cut from: values, net invested
/// capital, flows and missing prices from the first transaction's day on,
/// with the daily time-weighted returns.
struct PerformanceHistory
{
    QString portfolio;
    qint64 portfolioId = 0;
    QString quote;
    QString account; ///< as asked; empty: every account
    QString asset; ///< as asked; empty: the whole portfolio
    bool simulated = false; ///< some price it was valued with is simulated (the demo's)
    analytics::DailySeries series;
    std::vector<analytics::DailyReturn> returns;
};

/// Returns with cash flows over a range, in the portfolio's quote asset.
struct PerformanceReport
{
    QString portfolio;
    QString quote;
    QDate from; ///< the close the range starts from (the day before the first day with money)
    QDate to;
    analytics::TwrResult twr;
    std::optional<double> irr; ///< money-weighted (XIRR), annual
    QString irrError; ///< why there is no irr
    money::Decimal netInvested; ///< deposits - withdrawals at their value, up to @c to
    money::Decimal value; ///< at the close of @c to
    QList<analytics::MonthlyReturn> monthly;
    QList<analytics::DrawdownPeriod> drawdowns;
    analytics::MetricsResult keyFigures; ///< on the TWR index
    QList<analytics::MissingPrice> missing; ///< days in the range valued without their own close
};

/// Open lots valued at the latest stored prices.
struct LotsReport
{
    QString portfolio;
    QString quote;
    analytics::CostMethod method = analytics::CostMethod::Fifo;
    int longTermDays = 365; ///< a lot held MORE than this many days at @c at is long term
    QDateTime at; ///< now
    analytics::UnrealizedReport pnl;
    QHash<qint64, QString> accountNames;
};

/// The disposals of a range with their totals.
struct GainsReport
{
    QString portfolio;
    QString quote;
    analytics::CostMethod method = analytics::CostMethod::Fifo;
    int longTermDays = 365; ///< a disposal of a lot held MORE than this many days is long term
    QDateTime from; ///< inclusive
    QDateTime to; ///< inclusive
    QList<analytics::Disposal> disposals;
    QHash<qint64, QString> accountNames;
    money::Decimal proceeds;
    money::Decimal cost;
    money::Decimal gain;
    money::Decimal shortTermGain;
    money::Decimal longTermGain;
};

/// A range of disposal times for a gains report, both ends inclusive (the
/// last millisecond of the last day), UTC.
struct GainsRange
{
    QDateTime from;
    QDateTime to;

    /// The calendar year @p year.
    [[nodiscard]] static GainsRange year(int year);
    /// From the start of day @p from to the end of day @p to.
    [[nodiscard]] static GainsRange days(QDate from, QDate to);
};

/// Open lots and the gains of one range from one cost-basis pass.
struct CostBasisReport
{
    LotsReport lots;
    GainsReport gains;
    QDateTime firstTransaction; ///< invalid when there is none
};

/// The long-term threshold's bounds in days (the table refuses others).
inline constexpr int kMaxLongTermDays = 36500;

/// The performance and cost-basis use cases for both front ends: reads the
/// transactions, prices them from the stored prices and daily ("1d") candles
/// of the portfolio's quote asset, and runs the pure engines of
/// analytics/performance.h and analytics/costbasis.h. Reads only.
///
/// Prices: an asset's close of a UTC day is its last price observed that day:
/// a stored price, the close of a daily candle (at the end of its day) or the
/// price of a trade against the quote asset. A deposit, withdrawal, income,
/// fee or adjustment recorded without a price takes the newest stored price at
/// or before its time, so that it is neither a gain nor a loss.
class PerformanceService
{
public:
    /// @p portfolio: the portfolio whose quote asset measures (empty: the first).
    PerformanceService(storage::Database &db, Clock clock, QString portfolio = {});

    Result<PerformanceReport> performance(const PerformanceQuery &query);
    /// The daily history up to @p query.to (its @c from is ignored): what
    /// performance() and the stored daily valuations are computed from.
    /// Error "performance.empty" when there is no transaction.
    Result<PerformanceHistory> history(const PerformanceQuery &query);
    /// The report of [from, to] cut from @p history (no database): the same
    /// figures performance() gives for that range. Invalid dates: the whole history.
    [[nodiscard]] static PerformanceReport report(const PerformanceHistory &history, QDate from = {}, QDate to = {});
    /// Open lots of @p asset (empty: every asset) with unrealized P&L, by
    /// @p method and with the long-term threshold @p longTermDays (none: the
    /// portfolio's).
    Result<LotsReport> lots(const QString &asset, std::optional<analytics::CostMethod> method = std::nullopt,
                            std::optional<int> longTermDays = std::nullopt);
    /// Disposals with time in [from, to] (the cost basis runs over the whole
    /// history, so lots acquired earlier count at their cost).
    Result<GainsReport> gains(const QDateTime &from, const QDateTime &to,
                              std::optional<analytics::CostMethod> method = std::nullopt,
                              std::optional<int> longTermDays = std::nullopt);

    /// The open lots of every account by the portfolio's method and long-term
    /// threshold, as lots() and gains() see them: what a plan's sales pick from.
    Result<QList<analytics::Lot>> openLots();

    /// lots() of every asset and gains() of @p range from one pass over the
    /// transactions (what the desktop's Gains page shows).
    Result<CostBasisReport> report(const GainsRange &range, std::optional<analytics::CostMethod> method = std::nullopt,
                                   std::optional<int> longTermDays = std::nullopt);

    /// The portfolio's cost-basis method (FIFO until one is chosen).
    Result<analytics::CostMethod> costMethod();
    /// Chooses the portfolio's cost-basis method; lots and gains follow at once.
    Status setCostMethod(analytics::CostMethod method);
    /// The portfolio's long-term threshold in days (365 until one is chosen).
    Result<int> longTermDays();
    /// Chooses it (0 to kMaxLongTermDays); gains are recomputed with it at once.
    Status setLongTermDays(int days);
    /// Refuses a threshold outside 0..kMaxLongTermDays, naming @p what.
    static Status checkLongTermDays(int days, const QString &what);

private:
    struct Inputs;
    Result<Inputs> load(const QString &account, const QString &asset = {});
    struct Basis;
    /// What lots and gains share: the inputs and the cost-basis pass over them.
    Result<Basis> costBasis(std::optional<analytics::CostMethod> method, std::optional<int> longTermDays);
    LotsReport lotsOf(const Basis &basis, const QString &asset) const;
    static Result<GainsReport> gainsOf(const Basis &basis, const QDateTime &from, const QDateTime &to);

    storage::Database &m_db;
    Clock m_clock;
    QString m_portfolio;
};

} // namespace ballast::services
