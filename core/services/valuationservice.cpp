#include "services/valuationservice.h"

#include "services/ledgerqueries.h"
#include "services/performanceservice.h"
#include "storage/database.h"
#include "storage/valuationrepo.h"

#include <QHash>
#include <QStringList>
#include <QTimeZone>

#include <limits>
#include <utility>

namespace ballast::services {

namespace {

constexpr qint64 kDayMs = 86400000;

qint64 closeMs(QDate day)
{
    return QDateTime(day.addDays(1), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
}

bool sameRow(const domain::Valuation &a, const domain::Valuation &b)
{
    return a.value == b.value && a.quote == b.quote && a.simulated == b.simulated && a.netInvested == b.netInvested
        && a.missing == b.missing;
}

} // namespace

ValuationService::ValuationService(storage::Database &db, Clock clock, QString portfolio)
    : m_db(db)
    , m_clock(std::move(clock))
    , m_portfolio(std::move(portfolio))
{
}

Result<RebuildReport> ValuationService::rebuild()
{
    auto history = PerformanceService(m_db, m_clock, m_portfolio).history({});
    if (!history) {
        if (history.error().code != QLatin1String("performance.empty"))
            return history.error();
        // No transaction: no daily row belongs to the portfolio.
        auto portfolio = LedgerQueries(m_db).portfolio(m_portfolio);
        if (!portfolio)
            return portfolio.error();
        PerformanceHistory none;
        none.portfolio = portfolio->name;
        none.portfolioId = portfolio->id;
        none.quote = portfolio->quote;
        return store(none);
    }
    return store(*history);
}

Result<RebuildReport> ValuationService::store(const PerformanceHistory &history)
{
    const QDate today = QDateTime::fromMSecsSinceEpoch(m_clock(), QTimeZone::utc()).date();
    RebuildReport report;
    report.portfolio = history.portfolio;
    report.quote = history.quote;
    report.missing = history.series.missing;

    QHash<QDate, QStringList> missingOn;
    for (const analytics::MissingPrice &m : history.series.missing)
        missingOn[m.date].append(m.carried ? m.asset : m.asset + QStringLiteral("=0"));

    QList<domain::Valuation> rows;
    const auto &values = history.series.values;
    const auto &invested = history.series.netInvested;
    rows.reserve(values.size());
    for (qsizetype i = 0; i < values.size(); ++i) {
        if (values[i].date >= today)
            break; // the close of today is not known yet
        domain::Valuation row;
        row.time = QDateTime::fromMSecsSinceEpoch(closeMs(values[i].date), QTimeZone::utc());
        row.kind = domain::Valuation::Kind::Daily;
        row.value = values[i].value;
        row.quote = history.quote;
        row.simulated = history.simulated;
        row.netInvested = i < invested.size() ? invested[i].value : money::Decimal();
        row.missing = missingOn.value(values[i].date).join(QLatin1Char(','));
        rows.append(row);
    }
    report.days = static_cast<int>(rows.size());
    if (!rows.isEmpty()) {
        report.first = values.first().date;
        report.last = rows.last().time.date().addDays(-1);
    }

    const qint64 portfolioId = history.portfolioId;
    storage::ValuationRepo repo(m_db);
    auto stored = repo.list(portfolioId);
    if (!stored)
        return stored.error();
    QHash<qint64, domain::Valuation> daily;
    for (const domain::Valuation &row : std::as_const(*stored)) {
        if (row.kind == domain::Valuation::Kind::Daily)
            daily.insert(row.time.toMSecsSinceEpoch(), row);
    }
    const qint64 keepFrom = rows.isEmpty() ? std::numeric_limits<qint64>::max() : rows.first().time.toMSecsSinceEpoch();
    const qint64 end = rows.isEmpty() ? keepFrom : rows.last().time.toMSecsSinceEpoch() + kDayMs;

    // The first computed row that differs from what is stored; rows stored
    // past the last computed one (a history that got shorter) count too.
    qsizetype changed = rows.size();
    for (qsizetype i = 0; i < rows.size(); ++i) {
        const auto it = daily.constFind(rows[i].time.toMSecsSinceEpoch());
        if (it == daily.constEnd() || !sameRow(*it, rows[i])) {
            changed = i;
            break;
        }
    }
    const qint64 writeFrom = changed < rows.size() ? rows[changed].time.toMSecsSinceEpoch() : end;
    int stale = 0;
    for (auto it = daily.cbegin(); it != daily.cend(); ++it) {
        if (it.key() < keepFrom || it.key() >= writeFrom)
            ++stale;
    }
    const int rewritten = static_cast<int>(rows.size() - changed);
    if (rewritten == 0 && stale == 0)
        return report;
    if (changed < rows.size())
        report.changedFrom = rows[changed].time.date().addDays(-1);
    const QList<domain::Valuation> tail = rows.mid(changed);
    for (const domain::Valuation &row : tail) {
        if (daily.contains(row.time.toMSecsSinceEpoch()))
            --stale; // replaced, not removed
    }
    if (auto written = repo.replaceDaily(portfolioId, keepFrom, writeFrom, tail); !written)
        return written.error();
    report.written = rewritten;
    report.removed = stale;
    return report;
}

} // namespace ballast::services
