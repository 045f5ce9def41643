// The execution commands: execute, orders, reconcile, export trades.
#include "cli.h"
#include "clioutput.h"
#include "common/numberparse.h"
#include "exchange/exchangefactory.h"
#include "execution/executor.h"
#include "io/csvwriter.h"
#include "io/exports.h"
#include "services/ledger.h"
#include "services/ledgerqueries.h"
#include "services/planservice.h"
#include "storage/database.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>

namespace ballast::cli {

using money::Decimal;

namespace {

QJsonObject progressJson(const execution::OrderProgress &order)
{
    return QJsonObject{{QStringLiteral("line"), order.line},
                       {QStringLiteral("client_order_id"), order.clientOrderId},
                       {QStringLiteral("account"), order.account},
                       {QStringLiteral("symbol"), order.symbol},
                       {QStringLiteral("side"), domain::toText(order.side)},
                       {QStringLiteral("status"), domain::toText(order.status)},
                       {QStringLiteral("quantity"), order.quantity.toString()},
                       {QStringLiteral("filled_quantity"), order.filledQuantity.toString()},
                       {QStringLiteral("filled_quote"), order.filledQuote.toString()},
                       {QStringLiteral("fee"), order.fee.toString()},
                       {QStringLiteral("fee_asset"), order.feeAsset},
                       {QStringLiteral("message"), order.message}};
}

QString progressLine(const execution::OrderProgress &order)
{
    QString text =
        QStringLiteral("  [%1] %2 %3 %4: %5")
            .arg(order.line)
            .arg(order.symbol, domain::toText(order.side), order.quantity.toString(), domain::toText(order.status));
    if (order.filledQuantity.isPositive()) {
        const Decimal average = order.filledQuote / order.filledQuantity;
        text += QStringLiteral(", filled %1 at %2").arg(order.filledQuantity.toString(), average.toFixed(8));
        if (order.fee.isPositive())
            text += QStringLiteral(", fee %1 %2").arg(order.fee.toString(), order.feeAsset);
    }
    if (!order.message.isEmpty())
        text += QStringLiteral(" (") + order.message + QLatin1Char(')');
    return text;
}

} // namespace

void Cli::registerExecuteCommands()
{
    m_commands.append({QStringLiteral("execute"),
                       QStringLiteral("Execute a stored plan: sells first, every order journalled before it is sent."),
                       QStringLiteral("PLAN_ID"),
                       [](QCommandLineParser &p) {
                           p.addOption({QStringLiteral("dry-run"),
                                        QStringLiteral("Validate every order with the exchange; send none.")});
                           p.addOption({QStringLiteral("yes"), QStringLiteral("Do not ask for confirmation.")});
                           p.addOption({QStringLiteral("max-move"),
                                        QStringLiteral("Abort if a price moved more than this since the plan "
                                                       "(default 2%)."),
                                        QStringLiteral("FRACTION"), QStringLiteral("0.02")});
                           p.addOption({QStringLiteral("max-notional"),
                                        QStringLiteral("Abort if the plan trades more than this (quote currency)."),
                                        QStringLiteral("AMOUNT")});
                           p.addOption({QStringLiteral("lines"),
                                        QStringLiteral("Approve only these lines of the plan (comma-separated "
                                                       "numbers); they run as a plan of their own."),
                                        QStringLiteral("LINES")});
                       },
                       &Cli::cmdExecute});
    m_commands.append({QStringLiteral("orders"), QStringLiteral("List journalled orders and their states."), QString(),
                       [](QCommandLineParser &p) {
                           p.addOption({QStringLiteral("plan"), QStringLiteral("Only this plan's orders."),
                                        QStringLiteral("PLAN_ID")});
                       },
                       &Cli::cmdOrders});
    m_commands.append({QStringLiteral("cancel"),
                       QStringLiteral("Cancel every open order of a plan on its exchange, and stop it."),
                       QStringLiteral("PLAN_ID"), nullptr, &Cli::cmdCancel});
    m_commands.append({QStringLiteral("reconcile"),
                       QStringLiteral("Settle every unfinished order in the journal with its exchange."), QString(),
                       nullptr, &Cli::cmdReconcile});
}

int Cli::cmdExecute(QCommandLineParser &parser)
{
    if (parser.positionalArguments().size() != 1)
        return usageError(QStringLiteral("usage: ballast-cli execute PLAN_ID [--dry-run] [--yes]"));
    execution::ExecutionOptions options;
    options.dryRun = parser.isSet(QStringLiteral("dry-run"));
    auto move = numbers::parseFraction(parser.value(QStringLiteral("max-move")), QStringLiteral("--max-move"),
                                       numbers::Range::open(0.0, 1.0));
    if (!move)
        return usageError(move.error().message);
    options.maxPriceMove = *move;
    if (parser.isSet(QStringLiteral("max-notional"))) {
        auto limit = numbers::parseAmount(parser.value(QStringLiteral("max-notional")),
                                          QStringLiteral("--max-notional"), numbers::Sign::Positive);
        if (!limit)
            return usageError(limit.error().message);
        options.maxNotional = *limit;
    }
    QString planId = parser.positionalArguments().first();
    services::PlanService plans(db(), clock());
    auto plan = plans.load(planId);
    if (!plan)
        return fail(plan.error());
    if (parser.isSet(QStringLiteral("lines"))) {
        QSet<int> lines;
        for (const QString &item : parser.value(QStringLiteral("lines")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const auto line = numbers::parseInteger(item.trimmed(), QStringLiteral("--lines"), 0, 1000000);
            if (!line) {
                return usageError(line.error().message
                                  + QStringLiteral(" (line numbers as the plan shows them, such as 0,2,3)"));
            }
            lines.insert(static_cast<int>(*line));
        }
        auto approved = plans.approve(planId, lines);
        if (!approved)
            return fail(approved.error());
        plan = *approved;
        planId = approved->id;
        if (planId != parser.positionalArguments().first())
            CliOutput::line(QStringLiteral("Approved %1 line(s) as plan %2.").arg(lines.size()).arg(planId));
    }
    // Refused before anything is asked or sent: a plan that is final, or stale.
    if (auto runnable = plans.checkRunnable(planId); !runnable) {
        Error error = runnable.error();
        if (error.code == QLatin1String("plan.stale"))
            error.message += QStringLiteral(" (in one step: ballast-cli replan %1)").arg(planId);
        return fail(error);
    }

    if (!parser.isSet(QStringLiteral("yes")) && !options.dryRun) {
        if (!json())
            CliOutput::plan(*plan);
        QTextStream out(stdout);
        out << QStringLiteral("\nSend these %1 order(s)%2? [y/N] ")
                   .arg(plan->orders.size())
                   .arg(plan->simulated ? QStringLiteral(" to the paper exchange") : QString());
        out.flush();
        QTextStream in(stdin);
        const QString answer = in.readLine().trimmed().toLower();
        if (answer != QLatin1String("y") && answer != QLatin1String("yes")) {
            return fail(makeError(QStringLiteral("execute.declined"),
                                  QStringLiteral("not confirmed; nothing was sent (use --yes in scripts)")));
        }
    }

    const bool text = !json();
    auto summary = plans.execute(
        planId, options, [this](qint64 account) { return exchanges().exchangeFor(account); },
        [text](const execution::OrderProgress &order) {
            if (text)
                CliOutput::line(progressLine(order));
        });
    if (!summary) {
        Error error = summary.error();
        if (error.code == QLatin1String("plan.stale"))
            error.message += QStringLiteral(" (in one step: ballast-cli replan %1)").arg(planId);
        return fail(error);
    }

    if (json()) {
        QJsonArray orders;
        for (const auto &order : summary->orders)
            orders.append(progressJson(order));
        CliOutput::json(
            QJsonDocument(QJsonObject{{QStringLiteral("plan_id"), summary->planId},
                                      {QStringLiteral("dry_run"), summary->dryRun},
                                      {QStringLiteral("aborted"), summary->aborted},
                                      {QStringLiteral("abort_reason"), summary->abortReason},
                                      {QStringLiteral("resumed"), summary->resumed},
                                      {QStringLiteral("replan_id"), summary->replanId},
                                      {QStringLiteral("filled"), summary->filled},
                                      {QStringLiteral("partially_filled"), summary->partiallyFilled},
                                      {QStringLiteral("rejected"), summary->rejected},
                                      {QStringLiteral("cancelled"), summary->cancelledOrders},
                                      {QStringLiteral("unknown"), summary->unknown},
                                      {QStringLiteral("not_sent"), summary->notSent},
                                      {QStringLiteral("fills_pending"), summary->fillsPending},
                                      {QStringLiteral("complete"), summary->complete()},
                                      {QStringLiteral("next_step"), summary->nextStep()},
                                      {QStringLiteral("orders"), orders},
                                      {QStringLiteral("messages"), QJsonArray::fromStringList(summary->messages)}}));
    } else {
        if (summary->dryRun) {
            for (const auto &order : summary->orders)
                CliOutput::line(progressLine(order));
        }
        for (const QString &message : summary->messages)
            CliOutput::line(QStringLiteral("Note: ") + message);
        CliOutput::line(QStringLiteral("\n") + summary->oneLine());
        if (!summary->aborted && !summary->dryRun) {
            if (auto after = services::Ledger(db(), clock()).snapshot(plan->portfolio)) {
                int outside = 0;
                for (const auto &position : after->positions())
                    outside += position.outsideBand() ? 1 : 0;
                CliOutput::line(QStringLiteral("Portfolio now %1 %2; %3 asset(s) outside their band.")
                                    .arg(after->totalValue().toFixed(2), after->quote())
                                    .arg(outside));
            }
        }
    }
    if (summary->aborted)
        return 1;
    if (!summary->dryRun && !summary->complete()) {
        // Fills pending, orders unknown or lines not sent: not a success.
        if (!json())
            CliOutput::line(summary->nextStep());
        return 1;
    }
    return 0;
}

int Cli::cmdOrders(QCommandLineParser &parser)
{
    services::PlanService plans(db(), clock());
    auto entries = plans.orders(parser.value(QStringLiteral("plan")));
    if (!entries)
        return fail(entries.error());
    QHash<qint64, QString> names;
    if (auto accounts = services::LedgerQueries(db()).accounts()) {
        for (const auto &account : *accounts)
            names.insert(account.id, account.name);
    }
    if (json()) {
        QJsonArray list;
        for (const auto &entry : *entries) {
            Decimal fee;
            QString feeAsset;
            int fills = 0;
            if (auto recorded = plans.fills(entry.clientOrderId)) {
                for (const auto &fill : *recorded) {
                    fee += fill.fee;
                    feeAsset = fill.feeAsset;
                    ++fills;
                }
            }
            list.append(QJsonObject{{QStringLiteral("plan_id"), entry.planId},
                                    {QStringLiteral("line"), entry.line},
                                    {QStringLiteral("client_order_id"), entry.clientOrderId},
                                    {QStringLiteral("exchange_order_id"), entry.exchangeOrderId},
                                    {QStringLiteral("account"), names.value(entry.accountId)},
                                    {QStringLiteral("symbol"), entry.symbol},
                                    {QStringLiteral("side"), domain::toText(entry.side)},
                                    {QStringLiteral("type"), domain::toText(entry.type)},
                                    {QStringLiteral("quantity"), entry.quantity.toString()},
                                    {QStringLiteral("status"), domain::toText(entry.status)},
                                    {QStringLiteral("filled_quantity"), entry.filledQuantity.toString()},
                                    {QStringLiteral("filled_quote"), entry.filledQuote.toString()},
                                    {QStringLiteral("fills"), fills},
                                    {QStringLiteral("fee"), fee.toString()},
                                    {QStringLiteral("fee_asset"), feeAsset},
                                    {QStringLiteral("attempts"), entry.attempts},
                                    {QStringLiteral("reason"), entry.reason}});
        }
        CliOutput::json(QJsonDocument(QJsonObject{{QStringLiteral("orders"), list}}));
        return 0;
    }
    QList<QStringList> rows;
    for (const auto &entry : *entries) {
        rows.append({entry.clientOrderId, names.value(entry.accountId), entry.symbol, domain::toText(entry.side),
                     entry.quantity.toString(), domain::toText(entry.status), entry.filledQuantity.toString(),
                     entry.reason});
    }
    CliOutput::table({QStringLiteral("ORDER"), QStringLiteral("ACCOUNT"), QStringLiteral("PAIR"),
                      QStringLiteral("SIDE"), QStringLiteral(">QUANTITY"), QStringLiteral("STATUS"),
                      QStringLiteral(">FILLED"), QStringLiteral("NOTE")},
                     rows);
    return 0;
}

int Cli::cmdCancel(QCommandLineParser &parser)
{
    if (parser.positionalArguments().size() != 1)
        return usageError(QStringLiteral("usage: ballast-cli cancel PLAN_ID"));
    const QString planId = parser.positionalArguments().first();
    auto outcome = services::PlanService(db(), clock()).cancel(planId, [this](qint64 account) {
        return exchanges().exchangeFor(account);
    });
    if (!outcome)
        return fail(outcome.error());
    if (json()) {
        CliOutput::json(QJsonDocument(QJsonObject{{QStringLiteral("plan_id"), planId},
                                                  {QStringLiteral("cancelled"), outcome->cancelledOrders},
                                                  {QStringLiteral("running_elsewhere"), outcome->runningElsewhere}}));
    } else if (outcome->runningElsewhere) {
        CliOutput::line(QStringLiteral("Plan %1 is cancelled; the execution running it stops before its next order "
                                       "and cancels what is open.")
                            .arg(planId));
    } else {
        CliOutput::line(QStringLiteral("Cancelled %1 open order(s) of %2; the plan is stopped.")
                            .arg(outcome->cancelledOrders)
                            .arg(planId));
    }
    return 0;
}

int Cli::cmdReconcile(QCommandLineParser &)
{
    auto report = services::PlanService(db(), clock()).reconcile([this](qint64 account) {
        return exchanges().exchangeFor(account);
    });
    if (!report)
        return fail(report.error());
    if (json()) {
        CliOutput::json(QJsonDocument(QJsonObject{{QStringLiteral("checked"), report->checked},
                                                  {QStringLiteral("adopted"), report->adopted},
                                                  {QStringLiteral("never_executed"), report->notFound},
                                                  {QStringLiteral("still_unknown"), report->stillUnknown},
                                                  {QStringLiteral("fills_added"), report->fillsAdded},
                                                  {QStringLiteral("fills_pending"), report->fillsPending}}));
    } else {
        CliOutput::line(report->messages.isEmpty() ? QStringLiteral("Nothing to reconcile.")
                                                   : report->messages.join(QLatin1Char('\n')));
    }
    return report->stillUnknown > 0 || report->fillsPending > 0 ? 1 : 0;
}

} // namespace ballast::cli
