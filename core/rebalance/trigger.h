#pragma once

#include "common/result.h"
#include "domain/band.h"

#include <QString>

#include <optional>
#include <span>

namespace ballast::rebalance {

/// UTC calendar periods; weeks start on Monday (ISO 8601).
enum class CalendarPeriod { Day, Week, Month, Quarter };

/// What a trigger looks at: plain arrays so that a backtest can evaluate it on
/// every bar without building a Snapshot. All weights are fractions.
struct TriggerInput
{
    qint64 timeMs = 0; ///< this observation, UTC
    std::optional<qint64> nextTimeMs; ///< the next observation; none when unknown
    std::span<const double> weights; ///< current weight per asset
    std::span<const double> targets; ///< target weight per asset, same order
    std::span<const double> halfWidths; ///< band half-width per asset (used without a band override)
    std::optional<qint64> lastRebalanceMs;
};

/// When to rebalance: never, at the end of each calendar period, whenever a band
/// is broken, or at period ends only if a band is broken (hybrid). A trigger is
/// a pure function of its input; live scheduling and backtests share it.
class Trigger
{
public:
    enum class Kind { None, Calendar, Threshold, Hybrid };

    /// "none", "calendar:day|week|month|quarter", "threshold:5pp", "threshold:25%",
    /// "threshold" (the portfolio's bands), "hybrid:month,5pp", "hybrid:quarter".
    static Result<Trigger> parse(const QString &spec);
    static Trigger none() { return Trigger(); }
    static Trigger calendar(CalendarPeriod period);
    static Trigger threshold(std::optional<domain::Band> band = std::nullopt);
    static Trigger hybrid(CalendarPeriod period, std::optional<domain::Band> band = std::nullopt);

    /// True when the portfolio should be rebalanced at this observation.
    [[nodiscard]] bool fires(const TriggerInput &input) const;
    /// The decision fires() makes, for a caller with its own way of telling
    /// whether the calendar period ends and whether a band is broken (a
    /// backtest's bars): @p periodEnds and @p bandBroken are asked only when
    /// the rule needs them, the band after the calendar, so a hybrid rule
    /// checks its bands only on the last observation of a period.
    template<typename PeriodEnds, typename BandBroken>
    [[nodiscard]] bool decide(PeriodEnds &&periodEnds, BandBroken &&bandBroken) const
    {
        switch (m_kind) {
        case Kind::None:
            return false;
        case Kind::Calendar:
            return periodEnds();
        case Kind::Threshold:
            return bandBroken();
        case Kind::Hybrid:
            return periodEnds() && bandBroken();
        }
        return false;
    }
    /// True when any weight is outside its band (the override band if set).
    [[nodiscard]] bool bandBroken(const TriggerInput &input) const;
    /// How far each weight may be from its target before bandBroken() says
    /// the band is broken: the band's half-width (the override band's if
    /// set, else @p halfWidths, else 0) plus a hair of tolerance. For a loop
    /// that checks many observations against the same targets (BandCheck).
    [[nodiscard]] double bandLimit(std::span<const double> targets, std::span<const double> halfWidths,
                                   std::size_t asset) const
    {
        const double target = targets[asset];
        double halfWidth = 0.0;
        if (m_band)
            halfWidth = m_band->halfWidth(target);
        else if (asset < halfWidths.size())
            halfWidth = halfWidths[asset];
        // A weight exactly on the edge is inside.
        return halfWidth + kBandTolerance;
    }
    /// True when @p input's observation is the last one of its calendar period:
    /// the next observation falls in a later period, or, with no next one
    /// known, the portfolio was not yet rebalanced in this period.
    [[nodiscard]] bool periodEnds(const TriggerInput &input) const;

    [[nodiscard]] Kind kind() const { return m_kind; }
    [[nodiscard]] CalendarPeriod period() const { return m_period; }
    [[nodiscard]] const std::optional<domain::Band> &band() const { return m_band; }
    [[nodiscard]] QString toString() const;

    /// A number that identifies the UTC period containing @p ms; consecutive
    /// periods have consecutive numbers.
    static qint64 periodIndex(qint64 ms, CalendarPeriod period);
    /// The first millisecond (UTC midnight) of the period after the one that
    /// contains @p ms: the next day, Monday, first of a month or of a quarter.
    static qint64 nextPeriodStart(qint64 ms, CalendarPeriod period);
    /// The first millisecond of the period that contains @p ms.
    static qint64 periodStart(qint64 ms, CalendarPeriod period);
    /// When this trigger next looks at the calendar after @p ms: the start of
    /// the next period for calendar and hybrid rules, none for the others.
    [[nodiscard]] std::optional<qint64> nextCalendarCheck(qint64 ms) const;

private:
    static constexpr double kBandTolerance = 1e-12;
    Kind m_kind = Kind::None;
    CalendarPeriod m_period = CalendarPeriod::Month;
    std::optional<domain::Band> m_band;
};

QString toText(CalendarPeriod period);
Result<CalendarPeriod> calendarPeriodFromString(const QString &text);

} // namespace ballast::rebalance
