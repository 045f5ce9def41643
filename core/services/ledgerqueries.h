#pragma once

#include "common/result.h"
#include "domain/account.h"
#include "domain/holding.h"
#include "domain/portfolio.h"
#include "domain/pricepoint.h"
#include "domain/valuation.h"
#include "storage/journal.h"
#include "storage/pricestore.h"

#include <QHash>
#include <QList>
#include <QString>

#include <limits>
#include <optional>

namespace ballast::storage {
class Database;
}

namespace ballast::services {

/// The read side of the ledger for the front ends: what the pages and the
/// CLI's listings show. Plain reads, no transaction and nothing written; the
/// repositories stay behind it.
class LedgerQueries
{
public:
    static constexpr qint64 kLatest = storage::PriceStore::kLatest;

    explicit LedgerQueries(storage::Database &db)
        : m_db(db)
    {
    }

    /// A portfolio by name; the first one when @p name is empty.
    Result<domain::Portfolio> portfolio(const QString &name = {});
    Result<QList<domain::Portfolio>> portfolios();

    Result<QList<domain::Account>> accounts();
    /// An account by name; an error when there is none.
    Result<domain::Account> account(const QString &name);
    /// An account by name; none when there is none.
    Result<std::optional<domain::Account>> findAccount(const QString &name);

    /// Every holding of every account.
    Result<QList<domain::Holding>> holdings();
    /// When each exchange account last synced its markets (ms), by account id.
    Result<QHash<qint64, qint64>> lastSyncTimes();

    /// Valuation rows of a portfolio in [fromMs, toMs], oldest first.
    Result<QList<domain::Valuation>> valuations(qint64 portfolioId, qint64 fromMs = 0,
                                                qint64 toMs = std::numeric_limits<qint64>::max());
    /// Every fill with its account's name, oldest first.
    Result<QList<storage::Journal::FillRow>> fills();

    /// The newest price of @p asset in @p quote at or before @p atMs.
    Result<std::optional<domain::PricePoint>> latestPrice(const QString &asset, const QString &quote,
                                                          qint64 atMs = kLatest);
    /// The newest price of every asset priced in @p quote at or before @p atMs.
    Result<QHash<QString, domain::PricePoint>> latestPrices(const QString &quote, qint64 atMs = kLatest);
    /// Every stored price of @p asset in @p quote with time in [fromMs, toMs], oldest first.
    Result<QList<domain::PricePoint>> priceHistory(const QString &asset, const QString &quote, qint64 fromMs = 0,
                                                   qint64 toMs = kLatest);
    /// Stored candles with open time in [fromMs, toMs], oldest first.
    Result<QList<domain::Candle>> candles(const QString &asset, const QString &quote, const QString &interval,
                                          qint64 fromMs = 0, qint64 toMs = kLatest);
    /// Every stored candle series.
    Result<QList<storage::StoredSeries>> storedSeries();

private:
    storage::Database &m_db;
};

} // namespace ballast::services
