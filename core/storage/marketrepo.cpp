#include "storage/marketrepo.h"

#include "storage/database.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace ballast::storage {

namespace {

// The rules are stored as JSON with exact decimals as strings.
QByteArray rulesJson(const domain::MarketRules &market)
{
    const QJsonObject object{{QStringLiteral("lot_step"), market.lotStep.toString()},
                             {QStringLiteral("min_quantity"), market.minQuantity.toString()},
                             {QStringLiteral("max_quantity"), market.maxQuantity.toString()},
                             {QStringLiteral("market_lot_step"), market.marketLotStep.toString()},
                             {QStringLiteral("market_max_quantity"), market.marketMaxQuantity.toString()},
                             {QStringLiteral("tick"), market.tick.toString()},
                             {QStringLiteral("min_price"), market.minPrice.toString()},
                             {QStringLiteral("max_price"), market.maxPrice.toString()},
                             {QStringLiteral("min_notional"), market.minNotional.toString()},
                             {QStringLiteral("max_notional"), market.maxNotional.toString()},
                             {QStringLiteral("maker_fee"), market.makerFee.toString()},
                             {QStringLiteral("taker_fee"), market.takerFee.toString()}};
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

money::Decimal field(const QJsonObject &object, const char *key)
{
    return money::Decimal::parse(object.value(QLatin1String(key)).toString()).valueOr({});
}

} // namespace

Status MarketRepo::replace(qint64 accountId, const QList<domain::MarketRules> &markets, qint64 atMs)
{
    return guarded([&]() -> Status {
        Transaction transaction(m_db);
        Statement clear(m_db, "DELETE FROM markets WHERE account_id = ?");
        clear.bind(1, accountId);
        clear.run();
        Statement insert(m_db,
                         "INSERT INTO markets (account_id, symbol, exchange_symbol, base, quote, active, rules, "
                         "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        for (const auto &market : markets) {
            insert.bind(1, accountId)
                .bind(2, market.symbol)
                .bind(3, market.exchangeSymbol)
                .bind(4, market.base)
                .bind(5, market.quote)
                .bind(6, market.active ? 1 : 0)
                .bind(7, QString::fromUtf8(rulesJson(market)))
                .bind(8, atMs);
            insert.run();
            insert.reset();
        }
        transaction.commit();
        return {};
    });
}

Result<QList<domain::MarketRules>> MarketRepo::markets(qint64 accountId)
{
    return guarded([&]() -> Result<QList<domain::MarketRules>> {
        Statement query(m_db,
                        "SELECT symbol, exchange_symbol, base, quote, active, rules FROM markets "
                        "WHERE account_id = ? ORDER BY symbol");
        query.bind(1, accountId);
        QList<domain::MarketRules> markets;
        while (query.step()) {
            domain::MarketRules market;
            market.symbol = query.text(0);
            market.exchangeSymbol = query.text(1);
            market.base = query.text(2);
            market.quote = query.text(3);
            market.active = query.int64(4) != 0;
            const QJsonObject rules = QJsonDocument::fromJson(query.text(5).toUtf8()).object();
            market.lotStep = field(rules, "lot_step");
            market.minQuantity = field(rules, "min_quantity");
            market.maxQuantity = field(rules, "max_quantity");
            market.marketLotStep = field(rules, "market_lot_step");
            market.marketMaxQuantity = field(rules, "market_max_quantity");
            market.tick = field(rules, "tick");
            market.minPrice = field(rules, "min_price");
            market.maxPrice = field(rules, "max_price");
            market.minNotional = field(rules, "min_notional");
            market.maxNotional = field(rules, "max_notional");
            market.makerFee = field(rules, "maker_fee");
            market.takerFee = field(rules, "taker_fee");
            markets.append(market);
        }
        return markets;
    });
}

Result<QHash<qint64, qint64>> MarketRepo::syncTimes()
{
    return guarded([&]() -> Result<QHash<qint64, qint64>> {
        Statement query(m_db, "SELECT account_id, MAX(updated_at) FROM markets GROUP BY account_id");
        QHash<qint64, qint64> times;
        while (query.step())
            times.insert(query.int64(0), query.int64(1));
        return times;
    });
}

} // namespace ballast::storage
