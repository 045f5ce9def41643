#include "analytics/performance.h"

#include "analytics/costbasis.h"

#include <QHash>
#include <QSet>
#include <QTimeZone>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <vector>

namespace ballast::analytics {

using domain::Transaction;
using money::Decimal;

namespace {

constexpr double kDaysPerYear = 365.0;
// A value this close below its peak is rounding noise of the chained index,
// not a drawdown.
constexpr double kPeakTolerance = 1e-12;

qint64 dayStartMs(QDate day)
{
    return QDateTime(day, QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
}

QDate utcDay(const QDateTime &time)
{
    return time.toUTC().date();
}

/// The day the TWR index starts at 1.
QDate baseDay(const std::vector<DailyReturn> &returns)
{
    const DailyReturn &first = returns.front();
    return first.flow != 0.0 ? first.date.addDays(-1) : first.date;
}

} // namespace

Result<std::vector<DailyReturn>> Performance::dailyReturns(const QList<DailyValue> &values,
                                                           const QList<ExternalFlow> &flows)
{
    for (qsizetype i = 1; i < values.size(); ++i) {
        if (values[i].date <= values[i - 1].date) {
            return makeError(QStringLiteral("performance.unsorted"),
                             QStringLiteral("valuation %1 (%2) does not come after %3: one value per day, in order")
                                 .arg(QString::number(i), values[i].date.toString(Qt::ISODate),
                                      values[i - 1].date.toString(Qt::ISODate)));
        }
    }
    std::vector<DailyReturn> out;
    out.reserve(static_cast<std::size_t>(values.size()));
    if (values.isEmpty())
        return out;

    // Each flow goes to the first valuation day on or after its UTC day;
    // flows after the last valuation change no return.
    std::vector<Decimal> dayFlow(static_cast<std::size_t>(values.size()));
    for (const ExternalFlow &f : flows) {
        const QDate day = utcDay(f.time);
        const auto it = std::lower_bound(values.cbegin(), values.cend(), day,
                                         [](const DailyValue &v, QDate d) { return v.date < d; });
        if (it == values.cend())
            continue;
        dayFlow[static_cast<std::size_t>(it - values.cbegin())] += f.amount;
    }

    double previous = 0.0;
    for (qsizetype i = 0; i < values.size(); ++i) {
        DailyReturn r;
        r.date = values[i].date;
        r.flow = dayFlow[static_cast<std::size_t>(i)].toDouble();
        const double v = values[i].value.toDouble();
        const double start = previous + r.flow;
        if (start > 0.0) {
            r.value = v / start - 1.0;
        } else if (previous > 0.0) {
            r.value = (v - r.flow) / previous - 1.0;
            r.endOfDayFlow = true;
        }
        out.push_back(r);
        previous = v;
    }
    return out;
}

TwrResult Performance::timeWeighted(const std::vector<DailyReturn> &returns, QDate from, QDate to)
{
    TwrResult result;
    if (returns.empty())
        return result;
    const QDate base = baseDay(returns);
    const QDate last = returns.back().date;
    result.from = from.isValid() ? std::clamp(from, base, last) : base;
    result.to = to.isValid() ? std::clamp(to, result.from, last) : last;
    double growth = 1.0;
    for (const DailyReturn &r : returns) {
        if (r.date > result.from && r.date <= result.to)
            growth *= 1.0 + r.value;
    }
    result.total = growth - 1.0;
    result.days = result.from.daysTo(result.to);
    result.annualised =
        result.days > 365 ? std::pow(growth, kDaysPerYear / static_cast<double>(result.days)) - 1.0 : result.total;
    return result;
}

std::vector<EquityPoint> Performance::index(const std::vector<DailyReturn> &returns)
{
    std::vector<EquityPoint> curve;
    if (returns.empty())
        return curve;
    curve.reserve(returns.size() + 1);
    const QDate base = baseDay(returns);
    double level = 1.0;
    if (base != returns.front().date)
        curve.push_back({dayStartMs(base), level});
    for (std::size_t i = 0; i < returns.size(); ++i) {
        if (i > 0 || base != returns.front().date)
            level *= 1.0 + returns[i].value;
        curve.push_back({dayStartMs(returns[i].date), level});
    }
    return curve;
}

QList<MonthlyReturn> Performance::monthly(const std::vector<DailyReturn> &returns)
{
    QList<MonthlyReturn> out;
    if (returns.empty())
        return out;
    const bool firstCounts = baseDay(returns) != returns.front().date;
    for (std::size_t i = 0; i < returns.size(); ++i) {
        const DailyReturn &r = returns[i];
        if (out.isEmpty() || out.back().year != r.date.year() || out.back().month != r.date.month())
            out.append(MonthlyReturn{r.date.year(), r.date.month(), 0.0, 0});
        if (i == 0 && !firstCounts)
            continue;
        MonthlyReturn &m = out.back();
        m.value = (1.0 + m.value) * (1.0 + r.value) - 1.0;
        ++m.days;
    }
    return out;
}

QList<DrawdownPeriod> Performance::drawdowns(const std::vector<DailyReturn> &returns)
{
    QList<DrawdownPeriod> out;
    const std::vector<EquityPoint> curve = index(returns);
    if (curve.empty())
        return out;
    const auto dayOf = [](qint64 ms) { return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).date(); };
    double peak = curve.front().value;
    qint64 peakMs = curve.front().timeMs;
    std::optional<DrawdownPeriod> open;
    double troughValue = peak;
    for (const EquityPoint &p : curve) {
        if (p.value >= peak * (1.0 - kPeakTolerance)) {
            if (open) {
                open->recovery = dayOf(p.timeMs);
                open->lengthDays = open->start.daysTo(*open->recovery);
                out.append(*open);
                open.reset();
            }
            if (p.value > peak) {
                peak = p.value;
                peakMs = p.timeMs;
            }
            continue;
        }
        if (!open) {
            open = DrawdownPeriod{};
            open->start = dayOf(peakMs);
            troughValue = p.value;
            open->trough = dayOf(p.timeMs);
        } else if (p.value < troughValue) {
            troughValue = p.value;
            open->trough = dayOf(p.timeMs);
        }
        open->depth = 1.0 - troughValue / peak;
    }
    if (open) {
        open->lengthDays = open->start.daysTo(dayOf(curve.back().timeMs));
        out.append(*open);
    }
    return out;
}

MetricsResult Performance::keyFigures(const std::vector<DailyReturn> &returns, double riskFreeRate)
{
    const std::vector<EquityPoint> curve = index(returns);
    return Metrics::compute(curve, 1.0, riskFreeRate);
}

Result<double> Performance::xirr(const QList<CashFlowAt> &flows)
{
    bool paid = false;
    bool received = false;
    QDate first;
    for (const CashFlowAt &f : flows) {
        paid = paid || f.amount.isNegative();
        received = received || f.amount.isPositive();
        if (!first.isValid() || f.date < first)
            first = f.date;
    }
    if (!paid || !received) {
        return makeError(QStringLiteral("xirr.one_sign"),
                         QStringLiteral("XIRR needs at least one payment (negative) and one receipt (positive)"));
    }
    std::vector<std::pair<double, double>> terms; // (years from the first date, amount)
    terms.reserve(static_cast<std::size_t>(flows.size()));
    for (const CashFlowAt &f : flows)
        terms.emplace_back(static_cast<double>(first.daysTo(f.date)) / kDaysPerYear, f.amount.toDouble());

    // In x = 1 + r > 0: f(x) = sum a_i x^-t_i and f'(x) = sum -t_i a_i x^(-t_i - 1).
    const auto npv = [&](double x) {
        double sum = 0.0;
        for (const auto &[t, a] : terms)
            sum += a * std::pow(x, -t);
        return sum;
    };
    const auto slope = [&](double x) {
        double sum = 0.0;
        for (const auto &[t, a] : terms)
            sum += -t * a * std::pow(x, -t - 1.0);
        return sum;
    };

    // Bracket every sign change on a geometric grid of x from 1e-6 (a rate of
    // -99.9999 %) to 1e6; one bracket means one rate, more is ambiguous.
    constexpr int kGrid = 1200;
    const double lo = std::log(1e-6);
    const double hi = std::log(1e6);
    std::vector<std::pair<double, double>> brackets;
    double xPrev = std::exp(lo);
    double fPrev = npv(xPrev);
    for (int k = 1; k <= kGrid; ++k) {
        const double x = std::exp(lo + (hi - lo) * k / kGrid);
        const double fx = npv(x);
        if (!std::isfinite(fx) || !std::isfinite(fPrev)) {
            xPrev = x;
            fPrev = fx;
            continue;
        }
        if (fPrev == 0.0 || (fPrev < 0.0) != (fx < 0.0)) {
            if (fx != 0.0 || fPrev != 0.0)
                brackets.emplace_back(xPrev, x);
        }
        xPrev = x;
        fPrev = fx;
    }
    if (brackets.empty()) {
        return makeError(QStringLiteral("xirr.no_root"),
                         QStringLiteral("XIRR: no rate between -99.9999 % and 10^8 % makes these flows net to zero"));
    }
    if (brackets.size() > 1) {
        return makeError(QStringLiteral("xirr.several_roots"),
                         QStringLiteral("XIRR: %1 different rates make these flows net to zero; the money-weighted "
                                        "return is ambiguous")
                             .arg(brackets.size()));
    }
    // Newton inside the bracket, falling back to bisection whenever a step
    // would leave it: always converges, never loops for ever.
    double a = brackets.front().first;
    double b = brackets.front().second;
    double fa = npv(a);
    double x = 0.5 * (a + b);
    for (int iteration = 0; iteration < 300; ++iteration) {
        const double fx = npv(x);
        if (fx == 0.0)
            return x - 1.0;
        if ((fx < 0.0) == (fa < 0.0)) {
            a = x;
            fa = fx;
        } else {
            b = x;
        }
        const double d = slope(x);
        double next = d != 0.0 ? x - fx / d : 0.5 * (a + b);
        if (!(next > a && next < b))
            next = 0.5 * (a + b);
        if (std::abs(next - x) <= 1e-14 * std::max(1.0, std::abs(x)) || b - a <= 1e-15 * b)
            return next - 1.0;
        x = next;
    }
    return makeError(QStringLiteral("xirr.no_convergence"), QStringLiteral("XIRR did not converge in 300 steps"));
}

Result<double> Performance::moneyWeighted(const QList<DailyValue> &values, const QList<ExternalFlow> &flows, QDate from,
                                          QDate to)
{
    if (values.isEmpty())
        return makeError(QStringLiteral("performance.empty"), QStringLiteral("no valuations to measure"));
    const QDate firstDay = values.front().date;
    const QDate lastDay = values.back().date;
    // By default from the start: the day before the first when money came in
    // on or before it (the index's base), else the first close.
    bool earlyFlow = false;
    for (const ExternalFlow &f : flows)
        earlyFlow = earlyFlow || utcDay(f.time) <= firstDay;
    const QDate base = earlyFlow ? firstDay.addDays(-1) : firstDay;
    const QDate start = from.isValid() ? std::clamp(from, firstDay.addDays(-1), lastDay) : base;
    const QDate end = to.isValid() ? std::clamp(to, start, lastDay) : lastDay;
    const auto valueAt = [&](QDate day) {
        Decimal v;
        for (const DailyValue &p : values) {
            if (p.date > day)
                break;
            v = p.value;
        }
        return v;
    };
    QList<CashFlowAt> cash;
    const Decimal opening = start < firstDay ? Decimal() : valueAt(start);
    if (!opening.isZero())
        cash.append({start, -opening});
    for (const ExternalFlow &f : flows) {
        const QDate day = utcDay(f.time);
        if ((day > start || start < firstDay) && day <= end)
            cash.append({day, -f.amount});
    }
    cash.append({end, valueAt(end)});
    return xirr(cash);
}

Result<DailySeries> Performance::buildDailySeries(const QList<Transaction> &transactions, const QString &quoteAsset,
                                                  const DailyPrice &price, QDate until)
{
    DailySeries series;
    if (transactions.isEmpty())
        return series;
    // Times as milliseconds once: comparing them is far cheaper than comparing QDateTimes.
    std::vector<qint64> txMs;
    txMs.reserve(static_cast<std::size_t>(transactions.size()));
    for (const Transaction &tx : transactions)
        txMs.push_back(tx.time.toMSecsSinceEpoch());
    for (std::size_t i = 1; i < txMs.size(); ++i) {
        if (txMs[i] < txMs[i - 1]) {
            const auto k = static_cast<qsizetype>(i);
            return makeError(QStringLiteral("performance.unsorted"),
                             QStringLiteral("transaction #%1 is earlier than #%2: transactions must be sorted by time")
                                 .arg(QString::number(transactions[k].id), QString::number(transactions[k - 1].id)));
        }
    }
    const QHash<qint64, qint64> partners = transferPartners(transactions);
    const QDate firstDay = utcDay(transactions.front().time);
    const QDate lastDay = until.isValid() ? until : utcDay(transactions.back().time);

    // Assets as small integers, so that a day is a pass over plain vectors.
    QHash<QString, int> index;
    QList<QString> names;
    std::vector<bool> isQuote;
    const auto assetIndex = [&](const QString &asset) {
        auto it = index.constFind(asset);
        if (it == index.cend()) {
            it = index.insert(asset, static_cast<int>(names.size()));
            names.append(asset);
            isQuote.push_back(asset == quoteAsset);
        }
        return *it;
    };
    std::vector<qint64> txDay; // Julian day of each transaction (UTC)
    txDay.reserve(static_cast<std::size_t>(transactions.size()));
    constexpr qint64 kJulianDayOfEpoch = 2440588; // 1970-01-01
    constexpr qint64 kMsPerDay = 86400000;
    for (const qint64 ms : txMs) {
        txDay.push_back(kJulianDayOfEpoch + (ms >= 0 ? ms / kMsPerDay : -((-ms + kMsPerDay - 1) / kMsPerDay)));
    }

    std::vector<Decimal> holdings; // every account and network together
    std::vector<std::optional<Decimal>> lastClose;
    std::vector<std::optional<Decimal>> todayClose;
    std::vector<qint64> closeDay; // the Julian day todayClose was looked up for
    std::vector<qint64> reportedDay;
    Decimal invested;
    std::size_t next = 0;
    try {
        for (QDate day = firstDay; day <= lastDay; day = day.addDays(1)) {
            const qint64 jd = day.toJulianDay();
            const auto grow = [&](int i) {
                const auto n = static_cast<std::size_t>(i) + 1;
                if (holdings.size() < n) {
                    holdings.resize(n);
                    lastClose.resize(n);
                    todayClose.resize(n);
                    closeDay.resize(n, -1);
                    reportedDay.resize(n, -1);
                }
            };
            // Today's close of asset i (the quote asset is worth 1), looked up once a day.
            const auto closeOf = [&](int i) -> std::optional<Decimal> {
                const auto k = static_cast<std::size_t>(i);
                if (isQuote[k])
                    return Decimal::fromInt(1);
                if (closeDay[k] != jd) {
                    closeDay[k] = jd;
                    todayClose[k] = price ? price(names[i], day) : std::nullopt;
                    if (todayClose[k])
                        lastClose[k] = todayClose[k];
                }
                return todayClose[k];
            };
            const auto report = [&](int i, bool carried) {
                const auto k = static_cast<std::size_t>(i);
                if (reportedDay[k] != jd) {
                    reportedDay[k] = jd;
                    series.missing.append({day, names[i], carried});
                }
            };
            for (; next < txDay.size() && txDay[next] <= jd; ++next) {
                const Transaction &tx = transactions[static_cast<qsizetype>(next)];
                std::array<domain::AssetChange, 3> changes;
                const int changed = domain::assetChanges(tx, changes);
                for (int c = 0; c < changed; ++c) {
                    const domain::AssetChange &change = changes[static_cast<std::size_t>(c)];
                    const int i = assetIndex(*change.asset);
                    grow(i);
                    holdings[static_cast<std::size_t>(i)] += change.delta;
                }
                const bool transfer =
                    tx.kind == domain::TransactionKind::TransferIn || tx.kind == domain::TransactionKind::TransferOut;
                const bool unmatched = transfer && !partners.contains(tx.id);
                if (!domain::isExternalFlow(tx.kind) && !unmatched)
                    continue;
                Decimal flow = externalFlowValue(tx, quoteAsset, unmatched);
                if (flow.isZero() && tx.asset != quoteAsset) {
                    // No price on the transaction: the day's close, else the last one.
                    const int i = assetIndex(tx.asset);
                    grow(i);
                    std::optional<Decimal> p = closeOf(i);
                    const bool carried = !p && lastClose[static_cast<std::size_t>(i)].has_value();
                    if (carried)
                        p = lastClose[static_cast<std::size_t>(i)];
                    if (!p || carried)
                        report(i, carried);
                    const bool outward = tx.kind == domain::TransactionKind::Withdrawal
                        || tx.kind == domain::TransactionKind::TransferOut;
                    flow = (outward ? -tx.quantity : tx.quantity) * p.value_or(Decimal());
                }
                invested += flow;
                series.flows.append({tx.time, flow});
            }
            Decimal value;
            for (std::size_t k = 0; k < holdings.size(); ++k) {
                if (holdings[k].isZero())
                    continue;
                const int i = static_cast<int>(k);
                std::optional<Decimal> p = closeOf(i);
                if (!p) {
                    const bool carried = lastClose[k].has_value();
                    report(i, carried);
                    p = lastClose[k];
                }
                value += holdings[k] * p.value_or(Decimal());
            }
            series.values.append({day, value});
            series.netInvested.append({day, invested});
        }
    } catch (const money::DecimalError &e) {
        return makeError(e.code(), QStringLiteral("daily series: %1").arg(QString::fromUtf8(e.what())));
    }
    return series;
}

} // namespace ballast::analytics
