#pragma once

#include "exchange/paperexchange.h"
#include "rebalance/planner.h"
#include "rebalance/snapshot.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QTimeZone>

namespace ballast::test {

/// Builds planner inputs by hand: holdings per account, prices, targets and
/// paper-exchange-like markets, so that planner tests read like the examples.
class PlannerFixture
{
public:
    explicit PlannerFixture(QString quote = QStringLiteral("USDT"))
    {
        m_portfolio.name = QStringLiteral("Test");
        m_portfolio.quote = std::move(quote);
        m_portfolio.defaultBand = domain::Band{domain::Band::Kind::Absolute, 0.05};
    }

    PlannerFixture &hold(const QString &asset, const char *quantity, const QString &account = QStringLiteral("paper"),
                         qint64 accountId = 1, const QString &network = {})
    {
        m_holdings.append(domain::Holding{accountId, account, asset, network, money::dec(quantity)});
        return *this;
    }
    PlannerFixture &price(const QString &asset, const char *value)
    {
        m_prices.insert(
            asset,
            domain::PricePoint{asset, m_portfolio.quote, QDateTime(), money::dec(value), QStringLiteral("manual")});
        return *this;
    }
    PlannerFixture &target(const QString &asset, const char *weight, std::optional<domain::Band> band = {})
    {
        m_portfolio.targets.append(domain::Target{asset, money::dec(weight), band});
        return *this;
    }
    PlannerFixture &band(domain::Band band)
    {
        m_portfolio.defaultBand = band;
        return *this;
    }
    /// A venue with a market against the quote for every priced asset, with
    /// the paper exchange's default rules and the given fee in basis points.
    PlannerFixture &venue(const QString &account, qint64 accountId, int feeBps = 10)
    {
        rebalance::Venue venue;
        venue.account = account;
        venue.accountId = accountId;
        exchange::PaperConfig config;
        config.takerFeeBps = feeBps;
        config.makerFeeBps = feeBps;
        for (auto it = m_prices.cbegin(); it != m_prices.cend(); ++it) {
            if (it.key() != m_portfolio.quote)
                venue.markets.append(
                    exchange::PaperExchange::defaultRules(it.key(), m_portfolio.quote, it->price, config));
        }
        m_venues.append(venue);
        return *this;
    }
    PlannerFixture &market(qint64 accountId, const exchange::MarketRules &rules)
    {
        for (auto &venue : m_venues) {
            if (venue.accountId == accountId)
                venue.markets.append(rules);
        }
        return *this;
    }
    [[nodiscard]] rebalance::Snapshot snapshot() const
    {
        return rebalance::Snapshot::build(m_portfolio, m_holdings, m_prices,
                                          QDateTime::fromMSecsSinceEpoch(1763683200000, QTimeZone::utc()));
    }
    [[nodiscard]] rebalance::RebalancePlan plan(const rebalance::PlanMode &mode = {},
                                                const rebalance::PlanConstraints &constraints = {}) const
    {
        return rebalance::Planner::plan(snapshot(), m_portfolio, m_venues, mode, constraints,
                                        QStringLiteral("PTEST0000001"));
    }
    [[nodiscard]] const domain::Portfolio &portfolio() const { return m_portfolio; }
    [[nodiscard]] const QList<rebalance::Venue> &venues() const { return m_venues; }

private:
    domain::Portfolio m_portfolio;
    QList<domain::Holding> m_holdings;
    QHash<QString, domain::PricePoint> m_prices;
    QList<rebalance::Venue> m_venues;
};

inline rebalance::PlanMode mode(const char *text)
{
    return *rebalance::PlanMode::parse(QString::fromLatin1(text));
}

} // namespace ballast::test
