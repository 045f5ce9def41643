#pragma once

#include "common/clock.h"
#include "exchange/exchange.h"
#include "exchange/ratelimiter.h"

#include <QByteArray>
#include <QHash>

#include <functional>
#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace ballast::storage {
class Database;
}
namespace ballast::domain {
struct Account;
}

namespace ballast::exchange {

/// API credentials of one exchange account, as the key store hands them out.
struct ApiCredentials
{
    QByteArray apiKey;
    QByteArray secret;
};

/// Builds and keeps one connector per account, on the thread that uses it.
/// The paper exchange needs nothing else; real exchanges need credentials
/// from the key store and a network manager of the calling thread.
class ExchangeFactory
{
public:
    using CredentialsFor = std::function<std::optional<ApiCredentials>(const domain::Account &)>;

    ExchangeFactory(storage::Database &db, QString quote, Clock clock = systemClock());
    ~ExchangeFactory();
    ExchangeFactory(const ExchangeFactory &) = delete;
    ExchangeFactory &operator=(const ExchangeFactory &) = delete;

    /// Enables real exchanges: the network manager must live on this thread.
    void setNetwork(QNetworkAccessManager *network, CredentialsFor credentials, RateLimiter::Sleep sleep = {});
    /// The same with a network manager the factory creates on the calling
    /// thread and owns (workers of layers that do not link QtNetwork).
    void setOwnNetwork(CredentialsFor credentials, RateLimiter::Sleep sleep = {});

    /// The connector of @p accountId, or nullptr when the account cannot trade
    /// (a wallet, or an exchange account without network or credentials).
    Exchange *exchangeFor(qint64 accountId);
    /// Why exchangeFor() gave nothing for @p accountId.
    [[nodiscard]] QString whyNot(qint64 accountId) const { return m_whyNot.value(accountId); }
    /// Puts a ready-made connector in place (tests).
    void setExchange(qint64 accountId, std::unique_ptr<Exchange> exchange);

    /// The next Kraken nonce of @p accountId: above every earlier one, also
    /// across restarts (kept in the database, committed before use).
    static quint64 nextNonce(storage::Database &db, qint64 accountId, qint64 nowMs);

private:
    storage::Database &m_db;
    QString m_quote;
    Clock m_clock;
    QNetworkAccessManager *m_network = nullptr;
    std::unique_ptr<QNetworkAccessManager> m_ownNetwork;
    CredentialsFor m_credentials;
    RateLimiter::Sleep m_sleep;
    QHash<qint64, std::shared_ptr<Exchange>> m_exchanges;
    QHash<qint64, QString> m_whyNot;
};

} // namespace ballast::exchange
