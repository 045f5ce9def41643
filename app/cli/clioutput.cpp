#include "clioutput.h"

#include "domain/order.h"

#include <QTextStream>

#include <cstdio>

namespace ballast::cli {

void CliOutput::line(const QString &text)
{
    QTextStream out(stdout);
    out << text << '\n';
}

void CliOutput::json(const QJsonDocument &document)
{
    QTextStream out(stdout);
    out << QString::fromUtf8(document.toJson(QJsonDocument::Compact)) << '\n';
}

void CliOutput::compactJson(const QByteArray &text)
{
    std::fwrite(text.constData(), 1, static_cast<std::size_t>(text.size()), stdout);
    std::fputc('\n', stdout);
}

void CliOutput::error(const QString &message)
{
    QTextStream err(stderr);
    err << "ballast-cli: " << message.simplified() << '\n';
}

int CliOutput::usageError(const QString &message)
{
    error(message + QStringLiteral(" (see ballast-cli --help)"));
    return 2;
}

int CliOutput::fail(const Error &error)
{
    CliOutput::error(error.message);
    return 1;
}

void CliOutput::table(const QStringList &header, const QList<QStringList> &rows)
{
    QList<qsizetype> widths;
    QList<bool> right;
    QStringList titles;
    for (const QString &title : header) {
        right.append(title.startsWith(QLatin1Char('>')));
        titles.append(right.last() ? title.mid(1) : title);
        widths.append(titles.last().size());
    }
    for (const auto &row : rows) {
        for (qsizetype i = 0; i < row.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], row[i].size());
    }
    auto format = [&](const QStringList &cells) {
        QStringList padded;
        for (qsizetype i = 0; i < cells.size() && i < widths.size(); ++i) {
            const auto width = static_cast<int>(widths[i]);
            padded.append(right[i] ? cells[i].rightJustified(width) : cells[i].leftJustified(width));
        }
        QString row = padded.join(QStringLiteral("  "));
        while (row.endsWith(QLatin1Char(' ')))
            row.chop(1);
        return row;
    };
    line(format(titles));
    for (const auto &row : rows)
        line(format(row));
}

QString CliOutput::percent(double fraction, int decimals)
{
    QString text = QString::number(fraction * 100.0, 'f', decimals);
    if (text.startsWith(QLatin1Char('-')) && text.mid(1).remove(QLatin1Char('0')) == QLatin1String("."))
        text.remove(0, 1); // no "-0.00"
    return text + QLatin1Char('%');
}

QString CliOutput::signedPoints(double fraction)
{
    QString text = percent(fraction);
    text.chop(1); // the '%'
    return (text.startsWith(QLatin1Char('-')) ? text : QStringLiteral("+") + text) + QStringLiteral("pp");
}

void CliOutput::planTax(const rebalance::RebalancePlan &plan)
{
    const rebalance::PlanTax &tax = plan.tax;
    if (!tax.estimated)
        return;
    QList<QStringList> rows;
    for (const auto &order : plan.orders) {
        for (const auto &lot : order.lots) {
            rows.append({QString::number(order.line), order.disposedAsset, QString::number(lot.lotTransactionId),
                         lot.acquired.toUTC().toString(Qt::ISODate), lot.quantity.toString(), lot.cost.toFixed(2),
                         lot.proceeds.toFixed(2), lot.gain.toFixed(2),
                         lot.longTerm ? QStringLiteral("long") : QStringLiteral("short")});
        }
        if (order.uncovered.isPositive()) {
            rows.append({QString::number(order.line), order.disposedAsset, QStringLiteral("-"), QString(),
                         order.uncovered.toString(), QStringLiteral("?"), QString(), QStringLiteral("?"), QString()});
        }
    }
    if (!rows.isEmpty()) {
        line(QStringLiteral("\nLots sold (%1, long term after %2 days):").arg(tax.lotSelection).arg(tax.longTermDays));
        table({QStringLiteral(">LINE"), QStringLiteral("ASSET"), QStringLiteral(">LOT"), QStringLiteral("ACQUIRED"),
               QStringLiteral(">QUANTITY"), QStringLiteral(">COST"), QStringLiteral(">PROCEEDS"),
               QStringLiteral(">GAIN"), QStringLiteral("TERM")},
              rows);
    }
    line(QStringLiteral("Estimated realized gain %1 %2: short term %3, long term %4%5")
             .arg(tax.gain().toFixed(2), plan.quote, tax.shortTermGain.toFixed(2), tax.longTermGain.toFixed(2),
                  tax.gainBudget
                      ? QStringLiteral(" (budget %1%2)")
                            .arg(tax.gainBudget->toString(), tax.budgetBinds ? QStringLiteral(", binds") : QString())
                      : QString()));
    if (tax.harvestLossThreshold) {
        if (tax.harvestable.isEmpty()) {
            line(QStringLiteral("Harvestable losses: none above %1 %2.")
                     .arg(tax.harvestLossThreshold->toString(), plan.quote));
            return;
        }
        line(QStringLiteral("\nHarvestable losses (not in the plan; sold only if you add them):"));
        QList<QStringList> harvest;
        for (const auto &lot : tax.harvestable) {
            harvest.append({lot.account, lot.asset, QString::number(lot.lotTransactionId),
                            lot.acquired.toUTC().toString(Qt::ISODate), lot.quantity.toString(), lot.cost.toFixed(2),
                            lot.value.toFixed(2), lot.loss.toFixed(2),
                            lot.longTerm ? QStringLiteral("long") : QStringLiteral("short")});
        }
        table({QStringLiteral("ACCOUNT"), QStringLiteral("ASSET"), QStringLiteral(">LOT"), QStringLiteral("ACQUIRED"),
               QStringLiteral(">QUANTITY"), QStringLiteral(">COST"), QStringLiteral(">VALUE"), QStringLiteral(">LOSS"),
               QStringLiteral("TERM")},
              harvest);
    }
}

void CliOutput::plan(const rebalance::RebalancePlan &plan)
{
    line(QStringLiteral("Plan %1 for \"%2\" (%3), valued at %4%5")
             .arg(plan.id, plan.portfolio, plan.mode.toString(), plan.createdAt.toUTC().toString(Qt::ISODate),
                  plan.simulated ? QStringLiteral("  [SIMULATED prices]") : QString()));
    if (plan.orders.isEmpty()) {
        line(QStringLiteral("No orders: nothing needs to trade."));
    } else {
        QList<QStringList> rows;
        for (const auto &order : plan.orders) {
            const auto *weight = plan.weight(
                order.side == domain::Side::Buy || order.route != rebalance::RouteReason::DirectPair ? order.base
                                                                                                     : order.quote);
            rows.append(
                {QString::number(order.line), order.account, order.symbol, domain::toText(order.side),
                 domain::toText(order.type), order.quantity.toString(), order.price.toString(),
                 order.notional.toFixed(2), order.fee.toString() + QLatin1Char(' ') + order.feeAsset,
                 weight ? percent(weight->before) + QStringLiteral(" -> ") + percent(weight->after) : QString()});
        }
        table({QStringLiteral(">LINE"), QStringLiteral("ACCOUNT"), QStringLiteral("PAIR"), QStringLiteral("SIDE"),
               QStringLiteral("TYPE"), QStringLiteral(">QUANTITY"), QStringLiteral(">PRICE"),
               QStringLiteral(">NOTIONAL"), QStringLiteral(">FEE"), QStringLiteral("WEIGHT BEFORE -> AFTER")},
              rows);
    }
    if (!plan.skipped.isEmpty()) {
        line(QStringLiteral("\nNot in the plan:"));
        for (const auto &skipped : plan.skipped)
            line(QStringLiteral("  %1: %2").arg(skipped.asset, skipped.text(plan.quote)));
    }
    line(QStringLiteral("\nAfter the plan:"));
    QList<QStringList> rows;
    for (const auto &weight : plan.weights) {
        rows.append({weight.asset, percent(weight.before), percent(weight.after), percent(weight.target),
                     signedPoints(weight.driftAfter()),
                     weight.insideBandAfter() ? QStringLiteral("inside band") : QStringLiteral("OUTSIDE band")});
    }
    table({QStringLiteral("ASSET"), QStringLiteral(">BEFORE"), QStringLiteral(">AFTER"), QStringLiteral(">TARGET"),
           QStringLiteral(">DRIFT"), QString()},
          rows);
    line(QStringLiteral("\nFees %1 %2, turnover %3, value %4 -> %5 %2")
             .arg(plan.feesTotal.toString(), plan.quote, percent(plan.turnover), plan.valueBefore.toFixed(2),
                  plan.valueAfter.toFixed(2)));
    planTax(plan);
    for (const QString &note : plan.notes)
        line(QStringLiteral("Note: ") + note);
}

} // namespace ballast::cli
