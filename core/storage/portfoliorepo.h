#pragma once

#include "common/result.h"
#include "domain/portfolio.h"

#include <QList>

namespace ballast::storage {

class Database;

/// Portfolios and their targets.
class PortfolioRepo
{
public:
    explicit PortfolioRepo(Database &db)
        : m_db(db)
    {
    }

    Result<domain::Portfolio> create(const domain::Portfolio &portfolio, qint64 atMs);
    /// The portfolio called @p name, or the first one when @p name is empty.
    Result<domain::Portfolio> load(const QString &name = {});
    Result<QList<domain::Portfolio>> list();
    /// Replaces all targets (and the default band) in one transaction. The
    /// weights must be non-negative and sum to 1 within 1e-9.
    Status setTargets(qint64 portfolioId, const QList<domain::Target> &targets, const domain::Band &defaultBand);

    /// Stores the cost-basis method ("fifo", "lifo", "hifo", "average"; the
    /// table refuses anything else).
    Status setCostMethod(qint64 portfolioId, const QString &method);
    /// Stores the long-term threshold in days (the table refuses anything
    /// outside 0..36500).
    Status setLongTermDays(qint64 portfolioId, int days);

    /// Checks a target set: distinct assets, weights in [0, 1], sum 1 +/- 1e-9.
    static Status validateTargets(const QList<domain::Target> &targets);

private:
    Result<QList<domain::Target>> targetsOf(qint64 portfolioId);

    Database &m_db;
};

} // namespace ballast::storage
