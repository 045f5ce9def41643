#include "rebalance/bandcheck.h"
#include "rebalance/trigger.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

using ballast::rebalance::BandCheck;
using ballast::rebalance::Trigger;
using ballast::rebalance::TriggerInput;

namespace {

/// What Trigger::bandBroken says of the weights values / total (0 when the
/// total is not above zero), divided out as the backtest did before BandCheck.
bool dividedOut(const Trigger &trigger, const std::vector<double> &values, double total,
                const std::vector<double> &targets, const std::vector<double> &halfWidths)
{
    std::vector<double> weights(values.size());
    for (std::size_t i = 0; i < values.size(); ++i)
        weights[i] = total > 0.0 ? values[i] / total : 0.0;
    return trigger.bandBroken(TriggerInput{0, std::nullopt, weights, targets, halfWidths, std::nullopt});
}

/// The folded form, as the backtester's value loop computes it.
bool folded(const BandCheck &check, const std::vector<double> &values, double total)
{
    double highest = 0.0;
    double lowest = std::numeric_limits<double>::max();
    for (std::size_t i = 0; i < values.size(); ++i) {
        highest = std::max(highest, values[i] * check.inverseUpper()[i]);
        lowest = std::min(lowest, values[i] * check.inverseLower()[i]);
    }
    return !BandCheck::clearlyInside(highest, lowest, total) && check.broken(values, total);
}

} // namespace

class TestBandCheck : public QObject
{
    Q_OBJECT

private slots:
    // Values placed on each asset's band edge (as the division reads it) and
    // a few units in the last place either side: the multiplied check must
    // answer as bandBroken does on the divided weights, on every one of them.
    void agreesWithBandBrokenOnTheEdges_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<std::vector<double>>("targets");
        QTest::newRow("5pp, equal") << QStringLiteral("threshold:5pp") << std::vector<double>(20, 0.05);
        QTest::newRow("1pp, uneven") << QStringLiteral("threshold:1pp")
                                     << std::vector<double>{0.4, 0.25, 0.2, 0.1, 0.05};
        QTest::newRow("25%, uneven") << QStringLiteral("threshold:25%")
                                     << std::vector<double>{0.4, 0.25, 0.2, 0.1, 0.05};
        QTest::newRow("portfolio bands") << QStringLiteral("threshold") << std::vector<double>{0.5, 0.3, 0.2};
        QTest::newRow("zero target") << QStringLiteral("threshold:2pp") << std::vector<double>{0.7, 0.3, 0.0};
    }

    void agreesWithBandBrokenOnTheEdges()
    {
        QFETCH(QString, rule);
        QFETCH(std::vector<double>, targets);
        const Trigger trigger = *Trigger::parse(rule);
        std::vector<double> halfWidths(targets.size());
        for (std::size_t i = 0; i < targets.size(); ++i)
            halfWidths[i] = 0.01 * static_cast<double>(i + 1); // read only by "threshold" without a band
        BandCheck check;
        check.reset(trigger, targets, halfWidths);

        int broken = 0;
        int inside = 0;
        for (const double total : {1.0, 1234.5678, 9.87654321e7, 3e-5}) {
            for (std::size_t edgeAsset = 0; edgeAsset < targets.size(); ++edgeAsset) {
                const double limit = trigger.bandLimit(targets, halfWidths, edgeAsset);
                for (const double edgeWeight : {targets[edgeAsset] + limit, targets[edgeAsset] - limit}) {
                    if (edgeWeight < 0.0)
                        continue;
                    for (int nudge = -6; nudge <= 6; ++nudge) {
                        // Every other asset on its target; this one near its edge.
                        std::vector<double> values(targets.size());
                        for (std::size_t i = 0; i < targets.size(); ++i)
                            values[i] = targets[i] * total;
                        double value = edgeWeight * total;
                        for (int k = 0; k < std::abs(nudge); ++k)
                            value = std::nextafter(value, nudge > 0 ? 1e300 : -1e300);
                        values[edgeAsset] = value;
                        const bool expected = dividedOut(trigger, values, total, targets, halfWidths);
                        QCOMPARE(check.broken(values, total), expected);
                        QCOMPARE(folded(check, values, total), expected);
                        (expected ? broken : inside) += 1;
                    }
                }
            }
        }
        // The edges were really straddled: both answers came up.
        QVERIFY(broken > 0);
        QVERIFY(inside > 0);
    }

    // Random portfolios drifting around their targets, many of them just
    // outside or inside a band: the same answers as the division.
    void agreesWithBandBrokenOnRandomWeights()
    {
        const std::vector<double> targets{0.3, 0.25, 0.2, 0.15, 0.1};
        const Trigger trigger = *Trigger::parse(QStringLiteral("threshold:20%"));
        BandCheck check;
        check.reset(trigger, targets, {});
        std::mt19937_64 random(15);
        std::normal_distribution<double> drift(0.0, 0.12);
        int broken = 0;
        for (int round = 0; round < 20000; ++round) {
            std::vector<double> values(targets.size());
            double total = 0.0;
            for (std::size_t i = 0; i < targets.size(); ++i) {
                values[i] = 1000.0 * targets[i] * std::exp(drift(random));
                total += values[i];
            }
            const bool expected = dividedOut(trigger, values, total, targets, {});
            QCOMPARE(check.broken(values, total), expected);
            QCOMPARE(folded(check, values, total), expected);
            broken += expected ? 1 : 0;
        }
        QVERIFY(broken > 1000);
        QVERIFY(broken < 19000);
    }

    // A total that is zero, negative or NaN reads as all weights zero, as in
    // the backtest; a NaN value is never taken for inside.
    void oddTotalsAndValues()
    {
        const std::vector<double> targets{0.5, 0.5};
        const Trigger trigger = *Trigger::parse(QStringLiteral("threshold:5pp"));
        BandCheck check;
        check.reset(trigger, targets, {});
        const double nan = std::numeric_limits<double>::quiet_NaN();
        for (const double total : {0.0, -5.0, nan}) {
            const std::vector<double> values{1.0, 1.0};
            QCOMPARE(check.broken(values, total), dividedOut(trigger, values, total, targets, {}));
            QCOMPARE(folded(check, values, total), dividedOut(trigger, values, total, targets, {}));
        }
        const std::vector<double> withNan{nan, 1.0};
        QVERIFY(!BandCheck::clearlyInside(nan * check.inverseUpper()[0], 1.0, 2.0));
        QCOMPARE(check.broken(withNan, 2.0), dividedOut(trigger, withNan, 2.0, targets, {}));

        // Zero target with a band that reaches below zero: a held zero is inside.
        const std::vector<double> zeroTarget{1.0, 0.0};
        check.reset(trigger, zeroTarget, {});
        const std::vector<double> values{10.0, 0.0};
        QCOMPARE(check.broken(values, 10.0), false);
        QCOMPARE(folded(check, values, 10.0), false);
    }
};

QTEST_GUILESS_MAIN(TestBandCheck)

#include "tst_bandcheck.moc"
