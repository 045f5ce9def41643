// Kraken REST answers: the {"error", "result"} envelope and every result
// KrakenExchange reads, through exchange/krakenparse.h; error lists through
// mapError. The input is one answer body, read as each kind of answer.
#include "exchange/krakenexchange.h"
#include "exchange/krakenparse.h"
#include "fuzzcheck.h"

#include <QJsonArray>

#include <cstddef>
#include <cstdint>

namespace kraken = ballast::exchange::kraken;
using ballast::exchange::KrakenExchange;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray body(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    const kraken::Envelope envelope = kraken::envelopeFrom(body);
    if (!envelope.readable) {
        FUZZ_CHECK(!envelope.parseError.isEmpty());
        return 0;
    }
    if (!envelope.errors.isEmpty()) {
        for (bool isOrder : {false, true})
            (void)KrakenExchange::mapError(envelope.errors, isOrder);
    }
    const QJsonObject &result = envelope.result;

    QHash<QString, QString> toNeutral;
    for (const auto &pair : kraken::pairsFrom(result)) {
        FUZZ_CHECK(pair.rules.lotStep.isPositive());
        toNeutral.insert(pair.rules.exchangeSymbol, pair.rules.symbol);
        toNeutral.insert(pair.altname, pair.rules.symbol);
    }
    if (auto balances = kraken::balancesFrom(result)) {
        for (qsizetype i = 0; i < balances->size(); ++i) {
            FUZZ_CHECK(!(*balances)[i].free.isZero());
            if (i > 0)
                FUZZ_CHECK((*balances)[i - 1].asset < (*balances)[i].asset);
        }
    }
    (void)kraken::tickerFrom(result);
    (void)kraken::serverTimeFrom(result);
    for (const char *key : {"open", "closed"}) {
        const QJsonObject orders = result.value(QLatin1String(key)).toObject();
        for (auto it = orders.constBegin(); it != orders.constEnd(); ++it)
            (void)kraken::orderFrom(it.key(), it.value().toObject(), toNeutral);
    }
    const QJsonObject trades = result.value(QStringLiteral("trades")).toObject();
    for (auto it = trades.constBegin(); it != trades.constEnd(); ++it)
        (void)kraken::fillFrom(it.key(), it.value().toObject(), QStringLiteral("BTC/USD"));
    for (auto it = result.constBegin(); it != result.constEnd(); ++it) {
        // QueryOrders and QueryTrades answer {txid: record}.
        (void)kraken::orderFrom(it.key(), it.value().toObject(), toNeutral);
        (void)kraken::fillFrom(it.key(), it.value().toObject(), QStringLiteral("BTC/USD"));
    }
    // The strict history readers: what they accept has its keys and a fee of zero or more.
    if (auto ledger = kraken::ledgerPageFrom(result)) {
        for (const auto &entry : ledger->entries)
            FUZZ_CHECK(!entry.refid.isEmpty() && !entry.asset.isEmpty() && !entry.fee.isNegative());
    }
    if (auto page = kraken::tradesPageFrom(result, toNeutral)) {
        for (const auto &fill : page->fills)
            FUZZ_CHECK(fill.quantity.isPositive() && !fill.fee.isNegative());
    }
    return 0;
}
