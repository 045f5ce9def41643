#pragma once

#include "analytics/costbasis.h"
#include "analytics/metrics.h"
#include "backtest/backtestdata.h"
#include "common/result.h"
#include "rebalance/rebalanceplan.h"
#include "rebalance/trigger.h"

#include <QString>

#include <atomic>
#include <optional>
#include <vector>

namespace ballast::backtest {

/// A drawdown-management overlay that moves weight between the risky assets
/// and the stablecoin over time.
struct OverlayConfig
{
    enum class Kind { None, VolatilityTarget, Cppi, StablecoinRegime };
    Kind kind = Kind::None;
    QString stablecoin = QStringLiteral("USDT"); ///< must be one of the assets (usually cash)
    // Volatility targeting
    double targetVolatility = 0.5;
    int lookback = 30;
    double cap = 1.0;
    // CPPI / TIPP
    double multiplier = 3.0;
    double floorFraction = 0.8;
    bool ratchet = false;
    // Stablecoin regime
    double baseShare = 0.3;
    double defensiveShare = 0.5;
    double volatilityMultiple = 2.0;
    int shortWindow = 30;
    int longWindow = 365;
};

/// Tax in a backtest: a flat rate on net realized gains, with the lots sales
/// take chosen by a cost method. The tax of a rebalance is paid at once by
/// selling an equal slice of every lot (the weights stay on target); that
/// slice's own gain is taxed in the same step. Net losses carry forward.
struct BacktestTax
{
    double rate = 0.0; ///< 0.25 = 25 % of the gain
    analytics::CostMethod method = analytics::CostMethod::Fifo;
};

/// One backtest: targets, rule, costs and overlays.
struct BacktestConfig
{
    QString label;
    std::vector<double> targets; ///< per asset of the data, summing to 1
    rebalance::Trigger trigger; ///< the same trigger objects as live trading
    std::vector<double> halfWidths; ///< per asset, for a threshold trigger without its own band; default 5pp
    double feeRate = 0.001; ///< fee per unit of traded value
    double slippageRate = 0.0; ///< extra cost per unit of traded value
    double capital = 10000.0;
    OverlayConfig overlay;
    std::optional<double> fallingGuard; ///< stop buying an asset down more than this from its peak
    std::optional<double> correlationThreshold; ///< alert when a pair's rolling correlation exceeds it
    int correlationWindow = 90;
    bool recordCurves = true; ///< equity, buy-and-hold and weights over time
    bool recordTrades = true;
    std::optional<BacktestTax> tax; ///< none: gains are not taxed
    /// How far a rebalance trades, read as the live planner reads a plan's
    /// mode (its amount is not used: a backtest has no cash flows):
    /// Target back to the targets; BandEdge each asset outside its band to
    /// just inside the nearest edge; Invest buys underweight assets with the
    /// cash above its target and never sells; Withdraw sells overweight
    /// assets to bring the cash up to its target and never buys.
    rebalance::PlanMode::Kind mode = rebalance::PlanMode::Kind::Target;
    /// The asset that is cash (the quote currency: a column of the data worth
    /// 1). Empty or not among the assets: the portfolio holds no cash, and
    /// the sells and buys of a rebalance pay for each other.
    QString cash;
    /// The half-widths the band-edge mode trades to (the portfolio's bands,
    /// as the live planner reads them); empty: the trigger's own band, else
    /// halfWidths.
    std::vector<double> edgeHalfWidths;
    QStringList excluded; ///< held but never traded (the others share what is left of the value)
    double minTrade = 0.0; ///< trades of less value (quote currency) are left out; 0 = none
    std::optional<double> maxTurnover; ///< one-way turnover of one rebalance, a fraction of the value
};

struct BacktestTrade
{
    qint64 timeMs = 0;
    int asset = 0;
    double value = 0.0; ///< signed traded value in the quote currency (+ buy, - sell)
};

struct BacktestAlert
{
    qint64 timeMs = 0;
    QString kind; ///< "correlation", "floor_breach", "falling_asset", "regime"
    QString message;
};

/// What a backtest produced; a plain value.
struct BacktestResult
{
    QString label;
    QString error; ///< set when the run failed (sweeps keep going)
    QStringList assets;
    std::vector<analytics::EquityPoint> equity; ///< the strategy
    std::vector<analytics::EquityPoint> buyAndHold; ///< the same starting weights, never traded
    std::vector<double> weights; ///< time-major weights after each bar's trades
    std::vector<BacktestTrade> trades;
    std::vector<qint64> rebalanceTimes; ///< the bars the rule fired on (with recordTrades), traded or not
    std::vector<BacktestAlert> alerts;
    analytics::MetricsResult metrics;
    analytics::MetricsResult buyAndHoldMetrics;
    int bars = 0;
    int rebalances = 0; ///< the rule fired (a mode or limit may leave nothing to trade)
    double feesPaid = 0.0; ///< fees and slippage, quote currency
    /// One-way turnover: the sum over rebalances of (traded value, buys plus
    /// sells, at that bar) / (2 x the portfolio value before the trade). A
    /// rebalance that sells 10 % of the portfolio into other assets adds 0.10.
    double turnover = 0.0;
    /// The other common definition: all value traded over the run (buys plus
    /// sells) over the mean portfolio value of all bars (the equity curve).
    /// About twice `turnover` when the value does not move much.
    double turnoverTotalOverMean = 0.0;
    double tradedValue = 0.0; ///< buys plus sells over the run, quote currency
    double finalValue = 0.0;
    double buyAndHoldFinalValue = 0.0;
    /// With tax: what the run paid (already out of its equity), the gains it
    /// realized, and the values after the tax a sale of everything at the
    /// last close would owe (after-tax CAGR from those), for the strategy and
    /// for buy-and-hold, so that rules compare after tax.
    bool taxed = false;
    double taxPaid = 0.0;
    double realizedGain = 0.0;
    double finalValueAfterTax = 0.0;
    double cagrAfterTax = 0.0;
    double buyAndHoldFinalValueAfterTax = 0.0;
    double buyAndHoldCagrAfterTax = 0.0;

    /// Strategy total return minus buy-and-hold total return.
    [[nodiscard]] double rebalancingPremium() const { return metrics.totalReturn - buyAndHoldMetrics.totalReturn; }
};

/// Replays a rebalancing rule over aligned price history. The portfolio starts
/// at its target weights at the first shared close with no fee; at each later
/// close the trigger sees the weights after that close's prices, and when it
/// fires the portfolio trades at that close paying cost x traded value (the
/// cash's side of a trade included). In the Target mode without limits it
/// trades back to the targets so that the weights afterwards equal them
/// exactly (RebalanceMath::postTradeValue, as the planner computes it). The
/// other modes, the minimum trade and the maximum turnover aim as the live
/// planner does, through the same RebalanceMath rules; what a trade's cash
/// side cannot pay for is bought less. No trade on the final bar. The equity
/// curve records each bar's value after that bar's trade, i.e. after its fee
/// and tax, as the final value does. Buy-and-hold of the same start runs
/// alongside.
class Backtester
{
public:
    static Result<BacktestResult> run(const BacktestData &data, const BacktestConfig &config,
                                      const std::atomic_bool *cancel = nullptr);
};

} // namespace ballast::backtest
