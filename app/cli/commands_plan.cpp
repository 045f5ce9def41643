// The rebalancing commands: plan, plans list, plans show.
#include "cli.h"
#include "clioutput.h"
#include "common/numberparse.h"
#include "domain/assetcatalog.h"
#include "io/planjson.h"
#include "rebalance/taxpreferences.h"
#include "services/planservice.h"
#include "storage/database.h"

#include <QJsonArray>
#include <QJsonObject>

namespace ballast::cli {

namespace {

Result<double> parseFraction(const QString &option, const QString &text)
{
    return numbers::parseFraction(text, QStringLiteral("--") + option, numbers::Range::leftOpen(0.0, 1.0));
}

/// Reads --DAYS options: whole days from 0 to 36500.
Result<qint64> parseDays(const QString &option, const QString &text)
{
    return numbers::parseInteger(text, QStringLiteral("--") + option, 0, 36500);
}

} // namespace

int Cli::taxOptions(QCommandLineParser &parser, rebalance::TaxPreferences &tax)
{
    if (parser.isSet(QStringLiteral("lot-selection"))) {
        const QString text = parser.value(QStringLiteral("lot-selection"));
        const auto selection = rebalance::lotSelectionFromName(text);
        if (!selection) {
            return usageError(
                QStringLiteral("--lot-selection \"%1\": expected hifo, fifo, least-gain or long-term").arg(text));
        }
        tax.lotSelection = *selection;
    }
    for (const auto &[option, target] : {std::pair{QStringLiteral("long-term-days"), &tax.longTermDays},
                                         std::pair{QStringLiteral("min-lot-age"), &tax.minLotAgeDays}}) {
        if (!parser.isSet(option))
            continue;
        auto days = parseDays(option, parser.value(option));
        if (!days)
            return usageError(days.error().message);
        *target = static_cast<int>(*days);
    }
    for (const auto &[option, target] : {std::pair{QStringLiteral("max-gain"), &tax.maxRealizedGain},
                                         std::pair{QStringLiteral("harvest-threshold"), &tax.harvestLossThreshold}}) {
        if (!parser.isSet(option))
            continue;
        auto value =
            numbers::parseAmount(parser.value(option), QStringLiteral("--") + option, numbers::Sign::NonNegative);
        if (!value)
            return usageError(value.error().message);
        *target = *value;
    }
    if (parser.isSet(QStringLiteral("young-lot-override"))) {
        auto value = numbers::parseFraction(parser.value(QStringLiteral("young-lot-override")),
                                            QStringLiteral("--young-lot-override"), numbers::Range::closed(0.0, 1.0));
        if (!value)
            return usageError(value.error().message);
        tax.youngLotOverride = *value;
    }
    tax.cashFirst = parser.isSet(QStringLiteral("cash-first"));
    return 0;
}

void Cli::registerPlanCommands()
{
    m_commands.append(
        {QStringLiteral("plan"),
         QStringLiteral("Propose a rebalance: the exact orders, what is left out and why. The plan is "
                        "stored under its id."),
         QString(),
         [](QCommandLineParser &p) {
             p.addOption({QStringLiteral("mode"),
                          QStringLiteral("target (default), band-edge, invest:AMOUNT or withdraw:AMOUNT."),
                          QStringLiteral("MODE"), QStringLiteral("target")});
             p.addOption({QStringLiteral("max-turnover"),
                          QStringLiteral("Largest one-way turnover, a fraction of the value (0.2 or 20%)."),
                          QStringLiteral("FRACTION")});
             p.addOption({QStringLiteral("min-trade"),
                          QStringLiteral("Smallest trade worth making, in the quote currency."),
                          QStringLiteral("AMOUNT")});
             p.addOption({QStringLiteral("exclude"), QStringLiteral("Assets held but never traded (comma-separated)."),
                          QStringLiteral("ASSETS")});
             p.addOption({QStringLiteral("max-weight"), QStringLiteral("Cap on any one asset's weight (0.4 or 40%)."),
                          QStringLiteral("FRACTION")});
             p.addOption({QStringLiteral("falling-guard"),
                          QStringLiteral("Stop buying an asset more than this below its peak (0.8 or "
                                         "80%); it is still sold if overweight."),
                          QStringLiteral("FRACTION")});
             p.addOption({QStringLiteral("order-type"),
                          QStringLiteral("market (default) or limit (at the valuation price, on the tick)."),
                          QStringLiteral("TYPE"), QStringLiteral("market")});
             p.addOption({QStringLiteral("lot-selection"),
                          QStringLiteral("Which lots sales take: hifo (default), fifo, least-gain or long-term."),
                          QStringLiteral("METHOD")});
             p.addOption({QStringLiteral("long-term-days"),
                          QStringLiteral("A lot held more than this many days is long term (default 365)."),
                          QStringLiteral("DAYS")});
             p.addOption({QStringLiteral("max-gain"),
                          QStringLiteral("Gain budget: the most net gain the plan may realize, in the quote "
                                         "currency; sales are scaled down to stay within it."),
                          QStringLiteral("AMOUNT")});
             p.addOption({QStringLiteral("min-lot-age"),
                          QStringLiteral("Do not sell lots younger than this many days ..."), QStringLiteral("DAYS")});
             p.addOption({QStringLiteral("young-lot-override"),
                          QStringLiteral("... unless the asset is outside its band by more than this (0.05 or 5%)."),
                          QStringLiteral("FRACTION")});
             p.addOption({QStringLiteral("cash-first"),
                          QStringLiteral("Buy with the spare cash first; sell only what is still outside its band.")});
             p.addOption({QStringLiteral("harvest-threshold"),
                          QStringLiteral("List lots whose sale would realize a loss above this amount beside the "
                                         "plan (never sold by it)."),
                          QStringLiteral("AMOUNT")});
         },
         &Cli::cmdPlan});
    m_commands.append({QStringLiteral("plans list"), QStringLiteral("List the stored plans, newest first."), QString(),
                       nullptr, &Cli::cmdPlansList});
    m_commands.append({QStringLiteral("plans show"), QStringLiteral("Show a stored plan."), QStringLiteral("PLAN_ID"),
                       nullptr, &Cli::cmdPlansShow});
    m_commands.append({QStringLiteral("replan"),
                       QStringLiteral("Propose again what a plan proposed (same mode and constraints), from the "
                                      "holdings and prices as they are now; the old plan is superseded."),
                       QStringLiteral("PLAN_ID"), nullptr, &Cli::cmdReplan});
}

int Cli::cmdPlan(QCommandLineParser &parser)
{
    if (!parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("plan takes no arguments"));
    auto mode = rebalance::PlanMode::parse(parser.value(QStringLiteral("mode")));
    if (!mode)
        return usageError(QStringLiteral("--mode: ") + mode.error().message);
    rebalance::PlanConstraints constraints;
    for (const auto &[option, target] : {std::pair{QStringLiteral("max-turnover"), &constraints.maxTurnover},
                                         std::pair{QStringLiteral("max-weight"), &constraints.maxWeight}}) {
        if (!parser.isSet(option))
            continue;
        auto value = parseFraction(option, parser.value(option));
        if (!value)
            return usageError(value.error().message);
        *target = *value;
    }
    if (parser.isSet(QStringLiteral("min-trade"))) {
        auto value = numbers::parseAmount(parser.value(QStringLiteral("min-trade")), QStringLiteral("--min-trade"),
                                          numbers::Sign::NonNegative);
        if (!value)
            return usageError(value.error().message);
        constraints.minTradeValue = *value;
    }
    for (const QString &text : parser.values(QStringLiteral("exclude"))) {
        for (const QString &item : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            auto symbol = domain::AssetCatalog::normalizeSymbol(item);
            if (!symbol)
                return usageError(QStringLiteral("--exclude: ") + symbol.error().message);
            constraints.excluded.append(*symbol);
        }
    }
    if (parser.isSet(QStringLiteral("falling-guard"))) {
        auto value = parseFraction(QStringLiteral("falling-guard"), parser.value(QStringLiteral("falling-guard")));
        if (!value)
            return usageError(value.error().message);
        constraints.fallingGuard = *value;
    }
    const QString type = parser.value(QStringLiteral("order-type"));
    if (type == QLatin1String("limit"))
        constraints.orderType = domain::OrderType::Limit;
    else if (type != QLatin1String("market"))
        return usageError(QStringLiteral("--order-type \"%1\": expected market or limit").arg(type));

    if (int bad = taxOptions(parser, constraints.tax); bad != 0)
        return bad;

    auto plan = services::PlanService(db(), clock()).propose(portfolioName(), *mode, constraints);
    if (!plan)
        return fail(plan.error());
    if (json()) {
        CliOutput::json(QJsonDocument(io::PlanJson::toJson(*plan)));
        return 0;
    }
    CliOutput::plan(*plan);
    CliOutput::line(QStringLiteral("Stored as %1.").arg(plan->id));
    return 0;
}

int Cli::cmdPlansList(QCommandLineParser &)
{
    auto plans = services::PlanService(db(), clock()).list(portfolioName());
    if (!plans)
        return fail(plans.error());
    if (json()) {
        QJsonArray list;
        for (const auto &plan : *plans) {
            list.append(QJsonObject{{QStringLiteral("plan_id"), plan.id},
                                    {QStringLiteral("created_at"), plan.createdAt.toUTC().toString(Qt::ISODateWithMs)},
                                    {QStringLiteral("mode"), plan.mode},
                                    {QStringLiteral("status"), domain::toText(plan.status)},
                                    {QStringLiteral("derived_from"), plan.parentId},
                                    {QStringLiteral("orders"), plan.orders}});
        }
        CliOutput::json(QJsonDocument(QJsonObject{{QStringLiteral("plans"), list}}));
        return 0;
    }
    QList<QStringList> rows;
    for (const auto &plan : *plans) {
        rows.append({plan.id, plan.createdAt.toUTC().toString(Qt::ISODate), plan.mode, domain::toText(plan.status),
                     QString::number(plan.orders)});
    }
    CliOutput::table({QStringLiteral("PLAN"), QStringLiteral("CREATED"), QStringLiteral("MODE"),
                      QStringLiteral("STATUS"), QStringLiteral(">ORDERS")},
                     rows);
    return 0;
}

int Cli::cmdPlansShow(QCommandLineParser &parser)
{
    if (parser.positionalArguments().size() != 1)
        return usageError(QStringLiteral("usage: ballast-cli plans show PLAN_ID"));
    auto plan = services::PlanService(db(), clock()).load(parser.positionalArguments().first());
    if (!plan)
        return fail(plan.error());
    if (json())
        CliOutput::json(QJsonDocument(io::PlanJson::toJson(*plan)));
    else
        CliOutput::plan(*plan);
    return 0;
}

int Cli::cmdReplan(QCommandLineParser &parser)
{
    if (parser.positionalArguments().size() != 1)
        return usageError(QStringLiteral("usage: ballast-cli replan PLAN_ID"));
    const QString old = parser.positionalArguments().first();
    auto plan = services::PlanService(db(), clock()).replan(old);
    if (!plan)
        return fail(plan.error());
    if (json()) {
        CliOutput::json(QJsonDocument(io::PlanJson::toJson(*plan)));
        return 0;
    }
    CliOutput::plan(*plan);
    CliOutput::line(QStringLiteral("Stored as %1; it replaces %2.").arg(plan->id, old));
    return 0;
}

} // namespace ballast::cli
