// The performance and cost-basis commands: performance, lots, gains.
#include "cli.h"
#include "clioutput.h"
#include "cliparse.h"
#include "common/numberparse.h"
#include "domain/assetcatalog.h"
#include "io/exports.h"
#include "services/performanceservice.h"
#include "services/valuationservice.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QTimeZone>

#include <optional>

namespace ballast::cli {

using analytics::CostMethod;

namespace {

Result<CostMethod> parseMethodName(const QString &text, const QString &what)
{
    auto method = analytics::costMethodFromName(text.toLower());
    if (!method) {
        return makeError(QStringLiteral("cli.arguments"),
                         QStringLiteral("%1 \"%2\": choose fifo, lifo, hifo or average").arg(what, text));
    }
    return *method;
}

/// --method; none when not given (the portfolio's method applies).
Result<std::optional<CostMethod>> parseMethod(const QCommandLineParser &parser)
{
    if (!parser.isSet(QStringLiteral("method")))
        return std::optional<CostMethod>();
    auto method = parseMethodName(parser.value(QStringLiteral("method")), QStringLiteral("--method"));
    if (!method)
        return method.error();
    return std::optional<CostMethod>(*method);
}

QString isoDay(QDate day)
{
    return day.toString(Qt::ISODate);
}

/// The days valued without their own close, as `performance` and `valuations rebuild` print them.
QJsonArray missingJson(const QList<analytics::MissingPrice> &missing)
{
    QJsonArray out;
    for (const analytics::MissingPrice &m : missing) {
        out.append(QJsonObject{{QStringLiteral("date"), isoDay(m.date)},
                               {QStringLiteral("asset"), m.asset},
                               {QStringLiteral("carried"), m.carried}});
    }
    return out;
}

void addMethodOption(QCommandLineParser &p)
{
    p.addOption({QStringLiteral("method"), QStringLiteral("Cost-basis method: fifo (default), lifo, hifo or average."),
                 QStringLiteral("METHOD")});
}

void addLongTermOption(QCommandLineParser &p, const QString &text)
{
    p.addOption({QStringLiteral("long-term-days"), text, QStringLiteral("N")});
}

/// --long-term-days; none when not given (the portfolio's threshold applies).
Result<std::optional<int>> parseLongTermDays(const QCommandLineParser &parser)
{
    if (!parser.isSet(QStringLiteral("long-term-days")))
        return std::optional<int>();
    auto days = numbers::parseInteger(parser.value(QStringLiteral("long-term-days")),
                                      QStringLiteral("--long-term-days"), 0, services::kMaxLongTermDays);
    if (!days)
        return days.error();
    return std::optional<int>(static_cast<int>(*days));
}

QString termName(bool longTerm)
{
    return longTerm ? QStringLiteral("long") : QStringLiteral("short");
}

QString signedAmount(const money::Decimal &value)
{
    return value.isPositive() ? QStringLiteral("+") + value.toString() : value.toString();
}

QString signedPercent(double fraction)
{
    const QString text = CliOutput::percent(fraction);
    return fraction > 0 && !text.startsWith(QLatin1Char('+')) ? QStringLiteral("+") + text : text;
}

} // namespace

void Cli::registerPerformanceCommands()
{
    m_commands.append(
        {QStringLiteral("performance"),
         QStringLiteral("Time- and money-weighted returns from the transactions, monthly returns and drawdowns."),
         QString(),
         [](QCommandLineParser &p) {
             p.addOption({QStringLiteral("from"), QStringLiteral("From the close of this day (default: the start)."),
                          QStringLiteral("D")});
             p.addOption({QStringLiteral("to"), QStringLiteral("To the close of this day (default: today)."),
                          QStringLiteral("D")});
             p.addOption({QStringLiteral("account"),
                          QStringLiteral("Only this account (its transfers count as deposits and withdrawals)."),
                          QStringLiteral("NAME")});
             p.addOption({QStringLiteral("asset"),
                          QStringLiteral("Only this asset: its holding's value, its buys, sells, deposits and "
                                         "withdrawals as flows."),
                          QStringLiteral("SYM")});
         },
         &Cli::cmdPerformance});
    m_commands.append({QStringLiteral("valuations"),
                       QStringLiteral("Rebuild the stored daily valuations from the transactions and stored prices "
                                      "(writes only the days that changed)."),
                       QStringLiteral("rebuild"), nullptr, &Cli::cmdValuations});
    m_commands.append(
        {QStringLiteral("lots"), QStringLiteral("Open lots with their cost and unrealized P&L."), QString(),
         [](QCommandLineParser &p) {
             p.addOption({QStringLiteral("asset"), QStringLiteral("Only this asset."), QStringLiteral("SYM")});
             addMethodOption(p);
             addLongTermOption(p,
                               QStringLiteral("A lot held more than N days is long term (default: the "
                                              "portfolio's, see cost-method)."));
         },
         &Cli::cmdLots});
    m_commands.append(
        {QStringLiteral("gains"), QStringLiteral("Realized gains per disposal for a year or a range, with totals."),
         QString(),
         [](QCommandLineParser &p) {
             p.addOption({QStringLiteral("year"), QStringLiteral("Calendar year, UTC (default: this year)."),
                          QStringLiteral("YYYY")});
             p.addOption({QStringLiteral("from"), QStringLiteral("From this day (inclusive)."), QStringLiteral("D")});
             p.addOption({QStringLiteral("to"), QStringLiteral("To this day (inclusive)."), QStringLiteral("D")});
             addMethodOption(p);
             addLongTermOption(p,
                               QStringLiteral("A disposal of a lot held more than N days is long term "
                                              "(default: the portfolio's, see cost-method)."));
             p.addOption({QStringLiteral("out"), QStringLiteral("Also write the disposals to this CSV file."),
                          QStringLiteral("FILE")});
         },
         &Cli::cmdGains});
    m_commands.append({QStringLiteral("cost-method"),
                       QStringLiteral("Show or choose the portfolio's cost-basis method and long-term threshold "
                                      "(lots and gains follow)."),
                       QStringLiteral("[fifo|lifo|hifo|average]"),
                       [](QCommandLineParser &p) {
                           addLongTermOption(p,
                                             QStringLiteral("Store the threshold: a disposal of a lot held more "
                                                            "than N days (0 to 36500, default 365) is long term."));
                       },
                       &Cli::cmdCostMethod});
}

int Cli::cmdCostMethod(QCommandLineParser &parser)
{
    const QStringList arguments = parser.positionalArguments();
    if (arguments.size() > 1)
        return usageError(
            QStringLiteral("cost-method: takes at most one method, got \"%1\"").arg(arguments.join(u' ')));
    std::optional<CostMethod> chosen;
    if (!arguments.isEmpty()) {
        auto method = parseMethodName(arguments.first(), QStringLiteral("cost-method"));
        if (!method)
            return usageError(method.error().message);
        chosen = *method;
    }
    auto days = parseLongTermDays(parser);
    if (!days)
        return usageError(days.error().message);
    services::PerformanceService service(db(), clock(), portfolioName());
    if (chosen) {
        if (auto set = service.setCostMethod(*chosen); !set)
            return fail(set.error());
    }
    if (*days) {
        if (auto set = service.setLongTermDays(**days); !set)
            return fail(set.error());
    }
    auto method = service.costMethod();
    if (!method)
        return fail(method.error());
    auto threshold = service.longTermDays();
    if (!threshold)
        return fail(threshold.error());
    const QString name = analytics::costMethodName(*method);
    if (json()) {
        CliOutput::json(QJsonDocument(
            QJsonObject{{QStringLiteral("method"), name}, {QStringLiteral("long_term_days"), *threshold}}));
    } else {
        CliOutput::line(QStringLiteral("Cost-basis method: %1%2.")
                            .arg(name.toUpper(), chosen ? QStringLiteral(" (stored)") : QString()));
        CliOutput::line(QStringLiteral("Long term: held more than %1 day(s)%2.")
                            .arg(*threshold)
                            .arg(*days ? QStringLiteral(" (stored)") : QString()));
    }
    return 0;
}

int Cli::cmdValuations(QCommandLineParser &parser)
{
    const QStringList arguments = parser.positionalArguments();
    if (arguments != QStringList{QStringLiteral("rebuild")})
        return usageError(QStringLiteral("usage: ballast-cli valuations rebuild"));
    auto report = services::ValuationService(db(), clock(), portfolioName()).rebuild();
    if (!report)
        return fail(report.error());
    if (json()) {
        const QJsonArray missing = missingJson(report->missing);
        CliOutput::json(QJsonDocument(QJsonObject{
            {QStringLiteral("portfolio"), report->portfolio},
            {QStringLiteral("quote"), report->quote},
            {QStringLiteral("first"), report->first.isValid() ? QJsonValue(isoDay(report->first)) : QJsonValue()},
            {QStringLiteral("last"), report->last.isValid() ? QJsonValue(isoDay(report->last)) : QJsonValue()},
            {QStringLiteral("days"), report->days},
            {QStringLiteral("changed_from"),
             report->changedFrom ? QJsonValue(isoDay(*report->changedFrom)) : QJsonValue()},
            {QStringLiteral("written"), report->written},
            {QStringLiteral("removed"), report->removed},
            {QStringLiteral("days_without_price"), missing},
        }));
        return 0;
    }
    if (report->days == 0) {
        CliOutput::line(QStringLiteral("No complete day since the first transaction: no daily valuation stored (%1 "
                                       "removed)")
                            .arg(report->removed));
        return 0;
    }
    CliOutput::line(QStringLiteral("Daily valuations of \"%1\" in %2: %3 days, %4 to %5")
                        .arg(report->portfolio, report->quote)
                        .arg(report->days)
                        .arg(isoDay(report->first), isoDay(report->last)));
    CliOutput::line(report->changedFrom
                        ? QStringLiteral("Rewritten from %1: %2 days written, %3 removed")
                              .arg(isoDay(*report->changedFrom))
                              .arg(report->written)
                              .arg(report->removed)
                        : QStringLiteral("Already up to date: nothing written (%1 removed)").arg(report->removed));
    if (!report->missing.isEmpty()) {
        CliOutput::line(QStringLiteral("Days without their own price (%1):").arg(report->missing.size()));
        for (const analytics::MissingPrice &m : std::as_const(report->missing)) {
            CliOutput::line(QStringLiteral("  %1 %2 %3")
                                .arg(isoDay(m.date), m.asset,
                                     m.carried ? QStringLiteral("valued at its last earlier close")
                                               : QStringLiteral("no earlier close: valued at 0")));
        }
    }
    return 0;
}

int Cli::cmdPerformance(QCommandLineParser &parser)
{
    if (!parser.positionalArguments().isEmpty()) {
        return usageError(
            QStringLiteral("performance: unexpected argument \"%1\"").arg(parser.positionalArguments().first()));
    }
    services::PerformanceQuery query;
    if (parser.isSet(QStringLiteral("from"))) {
        auto day = parseDay(parser.value(QStringLiteral("from")), QStringLiteral("--from"));
        if (!day)
            return usageError(day.error().message);
        query.from = *day;
    }
    if (parser.isSet(QStringLiteral("to"))) {
        auto day = parseDay(parser.value(QStringLiteral("to")), QStringLiteral("--to"));
        if (!day)
            return usageError(day.error().message);
        query.to = *day;
    }
    if (query.from.isValid() && query.to.isValid() && query.from > query.to)
        return usageError(QStringLiteral("--from: after --to"));
    query.account = parser.value(QStringLiteral("account"));
    if (parser.isSet(QStringLiteral("asset"))) {
        auto symbol = domain::AssetCatalog::normalizeSymbol(parser.value(QStringLiteral("asset")));
        if (!symbol)
            return usageError(QStringLiteral("--asset: ") + symbol.error().message);
        query.asset = *symbol;
    }
    auto report = services::PerformanceService(db(), clock(), portfolioName()).performance(query);
    if (!report)
        return fail(report.error());
    const analytics::MetricsResult &k = report->keyFigures;
    if (json()) {
        QJsonArray monthly;
        for (const analytics::MonthlyReturn &m : std::as_const(report->monthly)) {
            monthly.append(QJsonObject{
                {QStringLiteral("month"), QStringLiteral("%1-%2").arg(m.year).arg(m.month, 2, 10, QLatin1Char('0'))},
                {QStringLiteral("return"), m.value},
                {QStringLiteral("days"), m.days}});
        }
        QJsonArray drawdowns;
        for (const analytics::DrawdownPeriod &d : std::as_const(report->drawdowns)) {
            drawdowns.append(
                QJsonObject{{QStringLiteral("start"), isoDay(d.start)},
                            {QStringLiteral("trough"), isoDay(d.trough)},
                            {QStringLiteral("recovery"), d.recovery ? QJsonValue(isoDay(*d.recovery)) : QJsonValue()},
                            {QStringLiteral("depth"), d.depth},
                            {QStringLiteral("days"), d.lengthDays}});
        }
        const QJsonArray missing = missingJson(report->missing);
        CliOutput::json(QJsonDocument(QJsonObject{
            {QStringLiteral("portfolio"), report->portfolio},
            {QStringLiteral("quote"), report->quote},
            {QStringLiteral("from"), isoDay(report->from)},
            {QStringLiteral("to"), isoDay(report->to)},
            {QStringLiteral("twr"), report->twr.total},
            {QStringLiteral("twr_annualised"), report->twr.annualised},
            {QStringLiteral("irr"), report->irr ? QJsonValue(*report->irr) : QJsonValue()},
            {QStringLiteral("irr_error"), report->irrError},
            {QStringLiteral("net_invested"), report->netInvested.toString()},
            {QStringLiteral("value"), report->value.toString()},
            {QStringLiteral("monthly"), monthly},
            {QStringLiteral("drawdowns"), drawdowns},
            {QStringLiteral("key_figures"),
             QJsonObject{{QStringLiteral("change"), k.totalReturn},
                         {QStringLiteral("cagr"), k.cagr},
                         {QStringLiteral("volatility"), k.volatility},
                         {QStringLiteral("sharpe"), k.sharpe},
                         {QStringLiteral("sortino"), k.sortino},
                         {QStringLiteral("max_drawdown"), k.maxDrawdown}}},
            {QStringLiteral("days_without_price"), missing},
        }));
        return 0;
    }
    CliOutput::line(
        QStringLiteral("Performance of \"%1\" in %2, close of %3 to close of %4%5")
            .arg(report->portfolio, report->quote, isoDay(report->from), isoDay(report->to),
                 (query.account.isEmpty() ? QString() : QStringLiteral(", account \"%1\"").arg(query.account))
                     + (query.asset.isEmpty() ? QString() : QStringLiteral(", asset %1").arg(query.asset))));
    QList<QStringList> figures{
        {QStringLiteral("Time-weighted return"),
         signedPercent(report->twr.total)
             + (report->twr.days > 365 ? QStringLiteral(" (%1 a year)").arg(signedPercent(report->twr.annualised))
                                       : QString())},
        {QStringLiteral("Money-weighted return (XIRR, a year)"),
         report->irr ? signedPercent(*report->irr) : QStringLiteral("n/a (%1)").arg(report->irrError)},
        {QStringLiteral("Net invested"), report->netInvested.toString() + QLatin1Char(' ') + report->quote},
        {QStringLiteral("Value"), report->value.toString() + QLatin1Char(' ') + report->quote},
        {QStringLiteral("Volatility"), CliOutput::percent(k.volatility)},
        {QStringLiteral("Sharpe / Sortino"),
         QStringLiteral("%1 / %2").arg(k.sharpe, 0, 'f', 2).arg(k.sortino, 0, 'f', 2)},
        {QStringLiteral("Max drawdown"), CliOutput::percent(k.maxDrawdown)},
    };
    CliOutput::table({QString(), QString()}, figures);
    if (!report->monthly.isEmpty()) {
        CliOutput::line(QStringLiteral("\nMonthly returns (time-weighted):"));
        QList<QStringList> rows;
        for (const analytics::MonthlyReturn &m : std::as_const(report->monthly))
            rows.append({QStringLiteral("%1-%2").arg(m.year).arg(m.month, 2, 10, QLatin1Char('0')),
                         signedPercent(m.value), QString::number(m.days)});
        CliOutput::table({QStringLiteral("MONTH"), QStringLiteral(">RETURN"), QStringLiteral(">DAYS")}, rows);
    }
    if (!report->drawdowns.isEmpty()) {
        CliOutput::line(QStringLiteral("\nDrawdowns:"));
        QList<QStringList> rows;
        for (const analytics::DrawdownPeriod &d : std::as_const(report->drawdowns))
            rows.append({isoDay(d.start), isoDay(d.trough),
                         d.recovery ? isoDay(*d.recovery) : QStringLiteral("(ongoing)"), CliOutput::percent(d.depth),
                         QString::number(d.lengthDays)});
        CliOutput::table({QStringLiteral("PEAK"), QStringLiteral("TROUGH"), QStringLiteral("RECOVERY"),
                          QStringLiteral(">DEPTH"), QStringLiteral(">DAYS")},
                         rows);
    }
    if (!report->missing.isEmpty()) {
        // One line per asset: the days it was carried at its last close, and
        // those before its first price (valued at zero).
        QMap<QString, QList<analytics::MissingPrice>> byAsset;
        for (const analytics::MissingPrice &m : std::as_const(report->missing))
            byAsset[m.asset].append(m);
        CliOutput::line(QStringLiteral("\nDays without a price (see --json for each day):"));
        for (auto it = byAsset.cbegin(); it != byAsset.cend(); ++it) {
            qsizetype zero = 0;
            for (const analytics::MissingPrice &m : it.value())
                zero += m.carried ? 0 : 1;
            CliOutput::line(QStringLiteral("  %1: %2 day(s) from %3 to %4, %5 carried at the last close, %6 before "
                                           "any price (valued at 0)")
                                .arg(it.key())
                                .arg(it.value().size())
                                .arg(isoDay(it.value().first().date), isoDay(it.value().last().date))
                                .arg(it.value().size() - zero)
                                .arg(zero));
        }
    }
    return 0;
}

int Cli::cmdLots(QCommandLineParser &parser)
{
    if (!parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("lots: unexpected argument \"%1\"").arg(parser.positionalArguments().first()));
    QString asset;
    if (parser.isSet(QStringLiteral("asset"))) {
        auto symbol = domain::AssetCatalog::normalizeSymbol(parser.value(QStringLiteral("asset")));
        if (!symbol)
            return usageError(QStringLiteral("--asset: ") + symbol.error().message);
        asset = *symbol;
    }
    auto method = parseMethod(parser);
    if (!method)
        return usageError(method.error().message);
    auto days = parseLongTermDays(parser);
    if (!days)
        return usageError(days.error().message);
    auto report = services::PerformanceService(db(), clock(), portfolioName()).lots(asset, *method, *days);
    if (!report)
        return fail(report.error());
    const analytics::UnrealizedReport &pnl = report->pnl;
    const QString methodName = analytics::costMethodName(report->method);
    if (json()) {
        QJsonArray lots;
        for (const analytics::LotPnl &l : pnl.lots) {
            lots.append(QJsonObject{
                {QStringLiteral("account"), report->accountNames.value(l.lot.accountId)},
                {QStringLiteral("network"), l.lot.network},
                {QStringLiteral("asset"), l.lot.asset},
                {QStringLiteral("transaction_id"), l.lot.transactionId},
                {QStringLiteral("acquired"), io::Exports::isoUtc(l.lot.acquired)},
                {QStringLiteral("holding_days"), l.lot.holdingDays(report->at)},
                {QStringLiteral("term"), termName(l.lot.holdingDays(report->at) > report->longTermDays)},
                {QStringLiteral("quantity"), l.lot.quantity.toString()},
                {QStringLiteral("cost"), l.lot.cost.toString()},
                {QStringLiteral("unit_cost"), l.lot.unitCost().toString()},
                {QStringLiteral("price"), l.price.toString()},
                {QStringLiteral("value"), l.value.toString()},
                {QStringLiteral("unrealized"), l.unrealized.toString()},
                {QStringLiteral("basis_unknown"), l.lot.basisUnknown},
            });
        }
        CliOutput::json(QJsonDocument(QJsonObject{
            {QStringLiteral("portfolio"), report->portfolio},
            {QStringLiteral("quote"), report->quote},
            {QStringLiteral("method"), methodName},
            {QStringLiteral("long_term_days"), report->longTermDays},
            {QStringLiteral("lots"), lots},
            {QStringLiteral("cost"), pnl.cost.toString()},
            {QStringLiteral("value"), pnl.value.toString()},
            {QStringLiteral("unrealized"), pnl.unrealized.toString()},
            {QStringLiteral("missing_prices"), QJsonArray::fromStringList(pnl.missingPrices)},
        }));
        return 0;
    }
    QList<QStringList> rows;
    for (const analytics::LotPnl &l : pnl.lots) {
        rows.append({report->accountNames.value(l.lot.accountId), l.lot.asset, io::Exports::isoUtc(l.lot.acquired),
                     l.lot.quantity.toString(),
                     l.lot.cost.toString() + (l.lot.basisUnknown ? QStringLiteral(" (unknown)") : QString()),
                     l.value.toString(), signedAmount(l.unrealized), QString::number(l.lot.holdingDays(report->at))});
    }
    CliOutput::line(QStringLiteral("Open lots (%1), in %2:").arg(methodName.toUpper(), report->quote));
    CliOutput::table({QStringLiteral("ACCOUNT"), QStringLiteral("ASSET"), QStringLiteral("ACQUIRED"),
                      QStringLiteral(">QUANTITY"), QStringLiteral(">COST"), QStringLiteral(">VALUE"),
                      QStringLiteral(">UNREALIZED"), QStringLiteral(">DAYS")},
                     rows);
    CliOutput::line(QStringLiteral("Total: cost %1, value %2, unrealized %3 %4.")
                        .arg(pnl.cost.toString(), pnl.value.toString(), signedAmount(pnl.unrealized), report->quote));
    if (!pnl.missingPrices.isEmpty()) {
        CliOutput::line(QStringLiteral("No price for %1 (valued at 0): set one with \"prices set\".")
                            .arg(pnl.missingPrices.join(u", ")));
    }
    return 0;
}

int Cli::cmdGains(QCommandLineParser &parser)
{
    if (!parser.positionalArguments().isEmpty()) {
        return usageError(
            QStringLiteral("gains: unexpected argument \"%1\"").arg(parser.positionalArguments().first()));
    }
    const bool hasYear = parser.isSet(QStringLiteral("year"));
    const bool hasRange = parser.isSet(QStringLiteral("from")) || parser.isSet(QStringLiteral("to"));
    if (hasYear && hasRange)
        return usageError(QStringLiteral("--year: give either --year or --from/--to, not both"));
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(clock()(), QTimeZone::utc());
    services::GainsRange range = services::GainsRange::year(now.date().year());
    if (hasYear) {
        auto year = numbers::parseInteger(parser.value(QStringLiteral("year")), QStringLiteral("--year"), 1970, 9999);
        if (!year)
            return usageError(year.error().message);
        range = services::GainsRange::year(static_cast<int>(*year));
    }
    if (hasRange) {
        range.from = QDateTime::fromMSecsSinceEpoch(0, QTimeZone::utc());
        range.to = now; // the range ends now unless --to says otherwise
        if (parser.isSet(QStringLiteral("from"))) {
            auto day = parseDay(parser.value(QStringLiteral("from")), QStringLiteral("--from"));
            if (!day)
                return usageError(day.error().message);
            range.from = services::GainsRange::days(*day, *day).from;
        }
        if (parser.isSet(QStringLiteral("to"))) {
            auto day = parseDay(parser.value(QStringLiteral("to")), QStringLiteral("--to"));
            if (!day)
                return usageError(day.error().message);
            range.to = services::GainsRange::days(*day, *day).to;
        }
        if (range.from > range.to)
            return usageError(QStringLiteral("--from: after --to"));
    }
    const QDateTime from = range.from;
    const QDateTime to = range.to;
    auto method = parseMethod(parser);
    if (!method)
        return usageError(method.error().message);
    auto days = parseLongTermDays(parser);
    if (!days)
        return usageError(days.error().message);
    const QString out = parser.value(QStringLiteral("out"));
    if (parser.isSet(QStringLiteral("out")) && out.isEmpty())
        return usageError(QStringLiteral("--out: name the CSV file"));
    auto report = services::PerformanceService(db(), clock(), portfolioName()).gains(from, to, *method, *days);
    if (!report)
        return fail(report.error());
    if (!out.isEmpty()) {
        if (auto written = io::CsvWriter::writeFile(out, io::Exports::gains(report->disposals)); !written)
            return fail(written.error());
    }
    const QString methodName = analytics::costMethodName(report->method);
    if (json()) {
        QJsonArray disposals;
        for (const analytics::Disposal &d : std::as_const(report->disposals)) {
            disposals.append(QJsonObject{
                {QStringLiteral("transaction_id"), d.transactionId},
                {QStringLiteral("time"), io::Exports::isoUtc(d.time)},
                {QStringLiteral("account"), report->accountNames.value(d.accountId)},
                {QStringLiteral("asset"), d.asset},
                {QStringLiteral("quantity"), d.quantity.toString()},
                {QStringLiteral("acquired"), io::Exports::isoUtc(d.acquired)},
                {QStringLiteral("proceeds"), d.proceeds.toString()},
                {QStringLiteral("cost"), d.cost.toString()},
                {QStringLiteral("gain"), d.gain.toString()},
                {QStringLiteral("holding_days"), d.holdingDays},
                {QStringLiteral("term"), termName(d.longTerm)},
            });
        }
        QJsonObject result{
            {QStringLiteral("portfolio"), report->portfolio},
            {QStringLiteral("quote"), report->quote},
            {QStringLiteral("method"), methodName},
            {QStringLiteral("long_term_days"), report->longTermDays},
            {QStringLiteral("from"), io::Exports::isoUtc(report->from)},
            {QStringLiteral("to"), io::Exports::isoUtc(report->to)},
            {QStringLiteral("disposals"), disposals},
            {QStringLiteral("proceeds"), report->proceeds.toString()},
            {QStringLiteral("cost"), report->cost.toString()},
            {QStringLiteral("gain"), report->gain.toString()},
            {QStringLiteral("short_term_gain"), report->shortTermGain.toString()},
            {QStringLiteral("long_term_gain"), report->longTermGain.toString()},
        };
        if (!out.isEmpty())
            result.insert(QStringLiteral("file"), QDir::toNativeSeparators(out));
        CliOutput::json(QJsonDocument(result));
        return 0;
    }
    QList<QStringList> rows;
    for (const analytics::Disposal &d : std::as_const(report->disposals)) {
        rows.append({io::Exports::isoUtc(d.time), d.asset, d.quantity.toString(), io::Exports::isoUtc(d.acquired),
                     d.proceeds.toString(), d.cost.toString(), signedAmount(d.gain), QString::number(d.holdingDays),
                     termName(d.longTerm)});
    }
    CliOutput::line(QStringLiteral("Gains (%1, long term after %2 days) from %3 to %4, in %5:")
                        .arg(methodName.toUpper())
                        .arg(report->longTermDays)
                        .arg(io::Exports::isoUtc(report->from), io::Exports::isoUtc(report->to), report->quote));
    CliOutput::table({QStringLiteral("SOLD"), QStringLiteral("ASSET"), QStringLiteral(">QUANTITY"),
                      QStringLiteral("ACQUIRED"), QStringLiteral(">PROCEEDS"), QStringLiteral(">COST"),
                      QStringLiteral(">GAIN"), QStringLiteral(">DAYS"), QStringLiteral("TERM")},
                     rows);
    CliOutput::line(QStringLiteral("Total: proceeds %1, cost %2, gain %3 (short term %4, long term %5) %6.")
                        .arg(report->proceeds.toString(), report->cost.toString(), signedAmount(report->gain),
                             signedAmount(report->shortTermGain), signedAmount(report->longTermGain), report->quote));
    if (!out.isEmpty()) {
        CliOutput::line(
            QStringLiteral("Wrote %1 row(s) to %2.").arg(report->disposals.size()).arg(QDir::toNativeSeparators(out)));
    }
    return 0;
}

} // namespace ballast::cli
