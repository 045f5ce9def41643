#include "alerts/alertrules.h"

#include "rebalance/overlays.h"
#include "services/ledger.h"
#include "services/ledgerqueries.h"

#include <QCoreApplication>
#include <QLocale>

#include <algorithm>
#include <cmath>

namespace ballast::ui {

namespace {

/// The translation context of this file's texts.
struct AlertRules
{
    Q_DECLARE_TR_FUNCTIONS(ballast::ui::AlertRules)
};

QString percent(double fraction)
{
    return QLocale().toString(fraction * 100.0, 'f', 1) + QStringLiteral(" %");
}

AlertCondition condition(QString key, qint64 nowMs, Alert::Kind kind, Alert::Severity severity, QString subject,
                         QString message)
{
    AlertCondition result;
    result.key = std::move(key);
    result.alert.timeMs = nowMs;
    result.alert.kind = kind;
    result.alert.severity = severity;
    result.alert.subject = std::move(subject);
    result.alert.message = std::move(message);
    return result;
}

/// Daily closes of one asset keyed by open time.
struct History
{
    QString asset;
    std::vector<qint64> times;
    std::vector<double> closes;
};

} // namespace

Result<QList<AlertCondition>> evaluateAlerts(storage::Database &db, const AlertSettings &settings, qint64 nowMs)
{
    services::LedgerQueries queries(db);
    auto portfolio = queries.portfolio();
    if (!portfolio)
        return portfolio.error();
    auto snapshot = services::Ledger(db, [nowMs] { return nowMs; }).snapshot(portfolio->name);
    if (!snapshot)
        return snapshot.error();

    QList<AlertCondition> conditions;
    for (const auto &position : snapshot->positions()) {
        if (!position.outsideBand())
            continue;
        const QString message = AlertRules::tr("%1 is at %2 against a target of %3, outside its band")
                                    .arg(position.asset, percent(position.weight), percent(position.target));
        conditions << condition(QStringLiteral("drift:") + position.asset, nowMs, Alert::Kind::Drift,
                                Alert::Severity::Warning, position.asset, message);
    }

    // Price-history conditions of the risky assets the portfolio holds or targets.
    QList<History> histories;
    for (const auto &position : snapshot->positions()) {
        if (position.asset == portfolio->quote || (position.quantity.isZero() && position.target <= 0.0))
            continue;
        auto candles = queries.candles(position.asset, portfolio->quote, QStringLiteral("1d"));
        if (!candles)
            return candles.error();
        if (candles->size() < 2)
            continue;
        History history;
        history.asset = position.asset;
        for (const auto &candle : *candles) {
            if (candle.close > 0.0) {
                history.times.push_back(candle.openTimeMs);
                history.closes.push_back(candle.close);
            }
        }
        // Stablecoins do not move enough to have regimes or to be guarded.
        const auto [low, high] = std::minmax_element(history.closes.begin(), history.closes.end());
        if (history.closes.size() < 2 || *high / *low < 1.05)
            continue;
        histories << history;
    }

    for (const History &history : histories) {
        rebalance::StablecoinRegime regime(0.0, 1.0, settings.volatilityMultiple, settings.shortWindow,
                                           settings.longWindow, 365.0);
        rebalance::FallingAssetGuard guard(settings.fallingDrawdown);
        guard.addPrice(history.closes.front());
        for (std::size_t i = 1; i < history.closes.size(); ++i) {
            regime.addReturn(history.closes[i] / history.closes[i - 1] - 1.0);
            guard.addPrice(history.closes[i]);
        }
        if (regime.defensive()) {
            conditions << condition(
                QStringLiteral("regime:") + history.asset, nowMs, Alert::Kind::VolatilityRegime,
                Alert::Severity::Warning, history.asset,
                AlertRules::tr(
                    "%1 entered a high-volatility regime: its %2-day volatility is above %3 times its %4-day average")
                    .arg(history.asset)
                    .arg(settings.shortWindow)
                    .arg(QLocale().toString(settings.volatilityMultiple, 'g', 3))
                    .arg(settings.longWindow));
        }
        if (guard.blocked()) {
            conditions << condition(
                QStringLiteral("falling:") + history.asset, nowMs, Alert::Kind::FallingAsset, Alert::Severity::Warning,
                history.asset,
                AlertRules::tr("%1 is %2 below its peak, past the falling-asset guard's %3: a plan with "
                               "the guard on will not buy it")
                    .arg(history.asset, percent(guard.drawdown()), percent(settings.fallingDrawdown)));
        }
    }

    // Pairs, on the days both assets have a close.
    for (int a = 0; a < histories.size(); ++a) {
        for (int b = a + 1; b < histories.size(); ++b) {
            const History &first = histories[a];
            const History &second = histories[b];
            rebalance::CorrelationAlert correlation(settings.correlationWindow, settings.correlationThreshold);
            std::size_t i = 0;
            std::size_t j = 0;
            double lastA = 0.0;
            double lastB = 0.0;
            while (i < first.times.size() && j < second.times.size()) {
                if (first.times[i] < second.times[j]) {
                    ++i;
                } else if (second.times[j] < first.times[i]) {
                    ++j;
                } else {
                    if (lastA > 0.0 && lastB > 0.0)
                        correlation.add(first.closes[i] / lastA - 1.0, second.closes[j] / lastB - 1.0);
                    lastA = first.closes[i];
                    lastB = second.closes[j];
                    ++i;
                    ++j;
                }
            }
            const auto value = correlation.correlation();
            if (value && std::isfinite(*value) && *value > settings.correlationThreshold) {
                const QString pair = first.asset + QLatin1Char('/') + second.asset;
                conditions << condition(QStringLiteral("corr:") + pair, nowMs, Alert::Kind::Correlation,
                                        Alert::Severity::Info, pair,
                                        AlertRules::tr("%1 and %2 move together: %3-day correlation %4, above %5")
                                            .arg(first.asset, second.asset)
                                            .arg(settings.correlationWindow)
                                            .arg(QLocale().toString(*value, 'f', 2),
                                                 QLocale().toString(settings.correlationThreshold, 'f', 2)));
            }
        }
    }
    return conditions;
}

} // namespace ballast::ui
