#pragma once

#include "common/clock.h"
#include "exchange/exchange.h"

#include <QHash>

#include <memory>

namespace ballast::storage {
class Database;
}

namespace ballast::exchange {

/// Builds and keeps one connector per account, on the thread that uses it.
/// The paper exchange needs nothing else; real exchanges need credentials
/// from the key store and a network manager of the calling thread.
class ExchangeFactory
{
public:
    ExchangeFactory(storage::Database &db, QString quote, Clock clock = systemClock());
    ~ExchangeFactory();
    ExchangeFactory(const ExchangeFactory &) = delete;
    ExchangeFactory &operator=(const ExchangeFactory &) = delete;

    /// The connector of @p accountId, or nullptr when the account cannot trade.
    Exchange *exchangeFor(qint64 accountId);
    /// Puts a ready-made connector in place (tests, and real exchanges once unlocked).
    void setExchange(qint64 accountId, std::unique_ptr<Exchange> exchange);

private:
    storage::Database &m_db;
    QString m_quote;
    Clock m_clock;
    QHash<qint64, std::shared_ptr<Exchange>> m_exchanges;
};

} // namespace ballast::exchange
