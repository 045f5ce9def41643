#include "storage/portfoliorepo.h"

#include "storage/assetrepo.h"
#include "storage/database.h"

#include <QSet>
#include <QStringList>

#include <algorithm>

namespace ballast::storage {

namespace {

domain::Portfolio readPortfolio(const Statement &row)
{
    domain::Portfolio portfolio;
    portfolio.id = row.int64(0);
    portfolio.name = row.text(1);
    portfolio.quote = row.text(2);
    if (auto band = domain::Band::parse(row.text(3)))
        portfolio.defaultBand = *band;
    portfolio.policy = row.text(4);
    portfolio.costMethod = row.text(5);
    portfolio.longTermDays = static_cast<int>(row.int64(6));
    return portfolio;
}

constexpr const char *kSelect = "SELECT id, name, quote, band, policy, cost_method, long_term_days FROM portfolios";

} // namespace

Status PortfolioRepo::validateTargets(const QList<domain::Target> &targets)
{
    QSet<QString> seen;
    money::Decimal sum;
    for (const auto &target : targets) {
        if (seen.contains(target.asset)) {
            return makeError(QStringLiteral("target.duplicate"),
                             QStringLiteral("%1 is listed twice in the targets").arg(target.asset));
        }
        seen.insert(target.asset);
        if (target.weight.isNegative() || target.weight > money::Decimal::fromInt(1)) {
            return makeError(
                QStringLiteral("target.range"),
                QStringLiteral("%1: weight %2 is outside 0..1").arg(target.asset, target.weight.toString()));
        }
        sum += target.weight;
    }
    const money::Decimal tolerance = money::dec("0.000000001");
    if ((sum - money::Decimal::fromInt(1)).abs() > tolerance) {
        return makeError(QStringLiteral("target.sum"),
                         QStringLiteral("target weights sum to %1, not 1 (%2%)")
                             .arg(sum.toString(), (sum * money::Decimal::fromInt(100)).toString()));
    }
    return {};
}

Result<domain::Portfolio> PortfolioRepo::create(const domain::Portfolio &portfolio, qint64 atMs)
{
    return guarded([&]() -> Result<domain::Portfolio> {
        Transaction transaction(m_db);
        Statement insert(m_db,
                         "INSERT INTO portfolios (name, quote, band, policy, created_at, cost_method, long_term_days) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)");
        insert.bind(1, portfolio.name)
            .bind(2, portfolio.quote)
            .bind(3, portfolio.defaultBand.toString())
            .bind(4, portfolio.policy)
            .bind(5, atMs)
            .bind(6, portfolio.costMethod)
            .bind(7, static_cast<qint64>(portfolio.longTermDays));
        insert.run();
        domain::Portfolio stored = portfolio;
        stored.id = m_db.lastInsertId();
        if (!portfolio.targets.isEmpty()) {
            if (auto set = setTargets(stored.id, portfolio.targets, portfolio.defaultBand); !set)
                return set.error();
        }
        transaction.commit();
        return stored;
    });
}

Result<domain::Portfolio> PortfolioRepo::load(const QString &name)
{
    return guarded([&]() -> Result<domain::Portfolio> {
        Statement query(m_db,
                        name.isEmpty() ? QByteArray(QByteArray(kSelect) + " ORDER BY id LIMIT 1").constData()
                                       : QByteArray(QByteArray(kSelect) + " WHERE name = ?").constData());
        if (!name.isEmpty())
            query.bind(1, name);
        if (!query.step()) {
            if (name.isEmpty()) {
                return makeError(
                    QStringLiteral("portfolio.unknown"),
                    QStringLiteral("%1: no portfolio yet; run \"ballast-cli init\" first").arg(m_db.path()));
            }
            QStringList names;
            Statement all(m_db, "SELECT name FROM portfolios ORDER BY id");
            while (all.step())
                names.append(all.text(0));
            return makeError(QStringLiteral("portfolio.unknown"),
                             QStringLiteral("no portfolio named \"%1\" (portfolios: %2)")
                                 .arg(name, names.isEmpty() ? QStringLiteral("none yet") : names.join(u", ")));
        }
        domain::Portfolio portfolio = readPortfolio(query);
        auto targets = targetsOf(portfolio.id);
        if (!targets)
            return targets.error();
        portfolio.targets = *targets;
        return portfolio;
    });
}

Result<QList<domain::Portfolio>> PortfolioRepo::list()
{
    return guarded([&]() -> Result<QList<domain::Portfolio>> {
        Statement query(m_db, QByteArray(QByteArray(kSelect) + " ORDER BY id").constData());
        QList<domain::Portfolio> portfolios;
        while (query.step())
            portfolios.append(readPortfolio(query));
        for (auto &portfolio : portfolios) {
            auto targets = targetsOf(portfolio.id);
            if (!targets)
                return targets.error();
            portfolio.targets = *targets;
        }
        return portfolios;
    });
}

Status PortfolioRepo::setTargets(qint64 portfolioId, const QList<domain::Target> &targets,
                                 const domain::Band &defaultBand)
{
    if (auto valid = validateTargets(targets); !valid)
        return valid;
    return guarded([&]() -> Status {
        Transaction transaction(m_db);
        QStringList symbols;
        for (const auto &target : targets)
            symbols << target.asset;
        if (auto ensured = AssetRepo(m_db).ensure(symbols); !ensured)
            return ensured.error();
        Statement clear(m_db, "DELETE FROM targets WHERE portfolio_id = ?");
        clear.bind(1, portfolioId);
        clear.run();
        Statement insert(m_db, "INSERT INTO targets (portfolio_id, asset, weight, band) VALUES (?, ?, ?, ?)");
        for (const auto &target : targets) {
            insert.bind(1, portfolioId).bind(2, target.asset).bind(3, target.weight);
            if (target.band)
                insert.bind(4, target.band->toString());
            else
                insert.bindNull(4);
            insert.run();
            insert.reset();
        }
        Statement band(m_db, "UPDATE portfolios SET band = ? WHERE id = ?");
        band.bind(1, defaultBand.toString()).bind(2, portfolioId);
        band.run();
        transaction.commit();
        return {};
    });
}

Result<QList<domain::Target>> PortfolioRepo::targetsOf(qint64 portfolioId)
{
    return guarded([&]() -> Result<QList<domain::Target>> {
        Statement query(m_db,
                        "SELECT asset, weight, band FROM targets WHERE portfolio_id = ? "
                        "ORDER BY asset");
        query.bind(1, portfolioId);
        QList<domain::Target> targets;
        while (query.step()) {
            domain::Target target;
            target.asset = query.text(0);
            target.weight = query.decimal(1);
            if (!query.isNull(2)) {
                if (auto band = domain::Band::parse(query.text(2)))
                    target.band = *band;
            }
            targets.append(target);
        }
        // Largest weight first, as a person reads a target list.
        std::stable_sort(targets.begin(), targets.end(),
                         [](const domain::Target &a, const domain::Target &b) { return a.weight > b.weight; });
        return targets;
    });
}

Status PortfolioRepo::setCostMethod(qint64 portfolioId, const QString &method)
{
    return guarded([&]() -> Status {
        Statement update(m_db, "UPDATE portfolios SET cost_method = ? WHERE id = ?");
        update.bind(1, method).bind(2, portfolioId);
        update.run();
        if (m_db.changes() == 0) {
            return makeError(QStringLiteral("portfolio.not_found"),
                             QStringLiteral("no portfolio with id %1").arg(portfolioId));
        }
        return {};
    });
}

Status PortfolioRepo::setLongTermDays(qint64 portfolioId, int days)
{
    return guarded([&]() -> Status {
        Statement update(m_db, "UPDATE portfolios SET long_term_days = ? WHERE id = ?");
        update.bind(1, static_cast<qint64>(days)).bind(2, portfolioId);
        update.run();
        if (m_db.changes() == 0) {
            return makeError(QStringLiteral("portfolio.not_found"),
                             QStringLiteral("no portfolio with id %1").arg(portfolioId));
        }
        return {};
    });
}

} // namespace ballast::storage
