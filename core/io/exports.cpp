#include "io/exports.h"

#include <QTimeZone>

namespace ballast::io {

QString Exports::isoUtc(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

CsvTable Exports::holdings(const rebalance::Snapshot &snapshot)
{
    CsvTable table;
    table.header = {QStringLiteral("time"),    QStringLiteral("account"),  QStringLiteral("asset"),
                    QStringLiteral("network"), QStringLiteral("quantity"), QStringLiteral("price"),
                    QStringLiteral("value"),   QStringLiteral("quote"),    QStringLiteral("price_source")};
    const QString time = isoUtc(snapshot.time());
    for (const auto &position : snapshot.positions()) {
        for (const auto &holding : position.split) {
            const QString price = position.price ? position.price->toString() : QString();
            const QString value = position.price ? (holding.quantity * *position.price).toString() : QString();
            QString source;
            if (position.asset == snapshot.quote())
                source = QStringLiteral("quote");
            else if (position.price)
                source = position.simulatedPrice ? QStringLiteral("simulated") : QStringLiteral("market");
            table.rows.append({time, holding.accountName, holding.asset, holding.network, holding.quantity.toString(),
                               price, value, snapshot.quote(), source});
        }
    }
    return table;
}

CsvTable Exports::valuations(const QString &portfolio, const QList<domain::Valuation> &rows)
{
    CsvTable table;
    table.header = {QStringLiteral("time"),  QStringLiteral("portfolio"), QStringLiteral("kind"),
                    QStringLiteral("value"), QStringLiteral("quote"),     QStringLiteral("simulated")};
    for (const auto &row : rows) {
        table.rows.append({isoUtc(row.time), portfolio, domain::toText(row.kind), row.value.toString(), row.quote,
                           row.simulated ? QStringLiteral("true") : QStringLiteral("false")});
    }
    return table;
}

CsvTable Exports::trades(const QList<std::pair<QString, domain::Fill>> &fills)
{
    CsvTable table;
    table.header = {QStringLiteral("time"),
                    QStringLiteral("account"),
                    QStringLiteral("symbol"),
                    QStringLiteral("side"),
                    QStringLiteral("quantity"),
                    QStringLiteral("price"),
                    QStringLiteral("notional"),
                    QStringLiteral("fee"),
                    QStringLiteral("fee_asset"),
                    QStringLiteral("trade_id"),
                    QStringLiteral("client_order_id"),
                    QStringLiteral("exchange_order_id")};
    for (const auto &[account, fill] : fills) {
        table.rows.append({isoUtc(fill.time), account, fill.symbol, domain::toText(fill.side), fill.quantity.toString(),
                           fill.price.toString(), (fill.quantity * fill.price).toString(), fill.fee.toString(),
                           fill.feeAsset, fill.tradeId, fill.clientOrderId, fill.exchangeOrderId});
    }
    return table;
}

CsvTable Exports::gains(const QList<analytics::Disposal> &disposals)
{
    CsvTable table;
    table.header = {QStringLiteral("disposal_time"), QStringLiteral("asset"),
                    QStringLiteral("quantity"),      QStringLiteral("acquisition_time"),
                    QStringLiteral("proceeds"),      QStringLiteral("cost"),
                    QStringLiteral("gain"),          QStringLiteral("holding_days"),
                    QStringLiteral("term"),          QStringLiteral("kind")};
    for (const analytics::Disposal &d : disposals) {
        QString kind;
        switch (d.kind) {
        case analytics::DisposalKind::Sale:
            kind = QStringLiteral("sale");
            break;
        case analytics::DisposalKind::Withdrawal:
            kind = QStringLiteral("withdrawal");
            break;
        case analytics::DisposalKind::Fee:
            kind = QStringLiteral("fee");
            break;
        case analytics::DisposalKind::Adjustment:
            kind = QStringLiteral("adjustment");
            break;
        }
        table.rows.append({isoUtc(d.time), d.asset, d.quantity.toString(), isoUtc(d.acquired), d.proceeds.toString(),
                           d.cost.toString(), d.gain.toString(), QString::number(d.holdingDays),
                           d.longTerm ? QStringLiteral("long") : QStringLiteral("short"), kind});
    }
    return table;
}

} // namespace ballast::io
