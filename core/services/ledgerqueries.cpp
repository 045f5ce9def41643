#include "services/ledgerqueries.h"

#include "storage/accountrepo.h"
#include "storage/holdingsrepo.h"
#include "storage/marketrepo.h"
#include "storage/portfoliorepo.h"
#include "storage/valuationrepo.h"

namespace ballast::services {

Result<domain::Portfolio> LedgerQueries::portfolio(const QString &name)
{
    return storage::PortfolioRepo(m_db).load(name);
}

Result<QList<domain::Portfolio>> LedgerQueries::portfolios()
{
    return storage::PortfolioRepo(m_db).list();
}

Result<QList<domain::Account>> LedgerQueries::accounts()
{
    return storage::AccountRepo(m_db).list();
}

Result<domain::Account> LedgerQueries::account(const QString &name)
{
    return storage::AccountRepo(m_db).byName(name);
}

Result<std::optional<domain::Account>> LedgerQueries::findAccount(const QString &name)
{
    return storage::AccountRepo(m_db).findByName(name);
}

Result<QList<domain::Holding>> LedgerQueries::holdings()
{
    return storage::HoldingsRepo(m_db).list();
}

Result<QHash<qint64, qint64>> LedgerQueries::lastSyncTimes()
{
    return storage::MarketRepo(m_db).syncTimes();
}

Result<QList<domain::Valuation>> LedgerQueries::valuations(qint64 portfolioId, qint64 fromMs, qint64 toMs)
{
    return storage::ValuationRepo(m_db).list(portfolioId, fromMs, toMs);
}

Result<QList<storage::Journal::FillRow>> LedgerQueries::fills()
{
    return storage::Journal(m_db).allFills();
}

Result<std::optional<domain::PricePoint>> LedgerQueries::latestPrice(const QString &asset, const QString &quote,
                                                                     qint64 atMs)
{
    return storage::PriceStore(m_db).latest(asset, quote, atMs);
}

Result<QHash<QString, domain::PricePoint>> LedgerQueries::latestPrices(const QString &quote, qint64 atMs)
{
    return storage::PriceStore(m_db).latestAll(quote, atMs);
}

Result<QList<domain::PricePoint>> LedgerQueries::priceHistory(const QString &asset, const QString &quote, qint64 fromMs,
                                                              qint64 toMs)
{
    return storage::PriceStore(m_db).history(asset, quote, fromMs, toMs);
}

Result<QList<domain::Candle>> LedgerQueries::candles(const QString &asset, const QString &quote,
                                                     const QString &interval, qint64 fromMs, qint64 toMs)
{
    return storage::PriceStore(m_db).candles(asset, quote, interval, fromMs, toMs);
}

Result<QList<storage::StoredSeries>> LedgerQueries::storedSeries()
{
    return storage::PriceStore(m_db).storedSeries();
}

} // namespace ballast::services
