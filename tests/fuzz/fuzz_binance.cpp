// Binance REST answers: every body BinanceExchange reads goes through the
// functions of exchange/binanceparse.h (and error bodies through mapError).
// The input is one answer body; it is read as each kind of answer in turn.
#include "exchange/binanceexchange.h"
#include "exchange/binanceparse.h"
#include "fuzzcheck.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cstddef>
#include <cstdint>

namespace binance = ballast::exchange::binance;
using ballast::exchange::BinanceExchange;
using ballast::exchange::HttpResponse;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray body(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));

    // Error answers: the status decides as much as the body.
    for (int status : {400, 401, 418, 429, 503}) {
        HttpResponse response;
        response.status = status;
        response.body = body;
        response.headers.append({QByteArrayLiteral("Retry-After"), body.left(8)});
        for (bool isOrder : {false, true}) {
            const auto error = BinanceExchange::mapError(response, isOrder);
            if (status == 429 || status == 418)
                FUZZ_CHECK(error.retryAfterMs > 0);
        }
    }
    (void)binance::errorBodyFrom(body);

    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return 0;
    const QJsonObject object = document.object();

    const auto fees = binance::feesFrom(object).value_or(binance::Fees{});
    const auto markets = binance::marketsFrom(object, fees);
    QHash<QString, QString> toNeutral;
    for (const auto &rules : markets) {
        FUZZ_CHECK(rules.symbol == rules.base + QLatin1Char('/') + rules.quote);
        toNeutral.insert(rules.exchangeSymbol, rules.symbol);
    }
    if (auto balances = binance::balancesFrom(object)) {
        for (const auto &balance : *balances)
            FUZZ_CHECK(!balance.total().isZero());
    }
    (void)binance::serverTimeFrom(object);
    (void)binance::tickerFrom(object, object);
    (void)binance::orderFrom(object, toNeutral);
    (void)binance::fillFrom(object, QStringLiteral("BTC/USDT"));
    for (const auto &value : document.array()) {
        const auto order = binance::orderFrom(value.toObject(), toNeutral);
        FUZZ_CHECK(!order.filledQuote.isNegative());
        (void)binance::fillFrom(value.toObject(), QStringLiteral("BTC/USDT"));
    }
    // The strict history readers: whatever they accept is a positive quantity at a time.
    if (auto trades = binance::tradeHistoryFrom(document, QStringLiteral("BTC/USDT"))) {
        for (const auto &fill : *trades)
            FUZZ_CHECK(fill.quantity.isPositive() && fill.time.toMSecsSinceEpoch() > 0);
    }
    for (const auto direction :
         {ballast::exchange::Movement::Direction::Deposit, ballast::exchange::Movement::Direction::Withdrawal}) {
        if (auto movements = binance::movementsFrom(document, direction)) {
            for (const auto &movement : *movements)
                FUZZ_CHECK(!movement.id.isEmpty() && !movement.amount.isNegative() && !movement.fee.isNegative());
        }
    }
    return 0;
}
