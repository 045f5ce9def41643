#include "exchange/exchangefactory.h"

#include "exchange/baseurl.h"
#include "exchange/binanceexchange.h"
#include "exchange/krakenexchange.h"
#include "exchange/paperexchange.h"
#include "storage/accountrepo.h"
#include "storage/database.h"

#include <QNetworkAccessManager>

namespace ballast::exchange {

ExchangeFactory::ExchangeFactory(storage::Database &db, QString quote, Clock clock)
    : m_db(db)
    , m_quote(std::move(quote))
    , m_clock(std::move(clock))
{
}

ExchangeFactory::~ExchangeFactory() = default;

void ExchangeFactory::setNetwork(QNetworkAccessManager *network, CredentialsFor credentials, RateLimiter::Sleep sleep)
{
    m_network = network;
    m_credentials = std::move(credentials);
    m_sleep = std::move(sleep);
}

void ExchangeFactory::setOwnNetwork(CredentialsFor credentials, RateLimiter::Sleep sleep)
{
    // Connectors keep the manager's address: it must outlive them.
    m_exchanges.clear();
    m_ownNetwork = std::make_unique<QNetworkAccessManager>();
    setNetwork(m_ownNetwork.get(), std::move(credentials), std::move(sleep));
}

void ExchangeFactory::setExchange(qint64 accountId, std::unique_ptr<Exchange> exchange)
{
    m_exchanges.insert(accountId, std::shared_ptr<Exchange>(std::move(exchange)));
}

quint64 ExchangeFactory::nextNonce(storage::Database &db, qint64 accountId, qint64 nowMs)
{
    const QString key = QStringLiteral("kraken.%1.nonce").arg(accountId);
    quint64 next = static_cast<quint64>(nowMs) * 1000;
    auto stored = storage::guarded([&]() -> Status {
        storage::Transaction transaction(db);
        storage::Statement read(db, "SELECT value FROM meta WHERE key = ?");
        read.bind(1, key);
        if (read.step())
            next = std::max(next, read.text(0).toULongLong() + 1);
        storage::Statement write(db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)");
        write.bind(1, key).bind(2, QString::number(next));
        write.run();
        transaction.commit();
        return {};
    });
    Q_UNUSED(stored); // on a failed write the nonce is still larger than the last one: the clock moved on
    return next;
}

Exchange *ExchangeFactory::exchangeFor(qint64 accountId)
{
    if (auto found = m_exchanges.constFind(accountId); found != m_exchanges.cend())
        return found->get();
    auto accounts = storage::AccountRepo(m_db).list();
    if (!accounts)
        return nullptr;
    for (const auto &account : *accounts) {
        if (account.id != accountId)
            continue;
        std::shared_ptr<Exchange> made;
        if (account.kind == domain::AccountKind::Paper) {
            made = std::make_shared<PaperExchange>(m_db, account.id, m_quote, m_clock);
        } else if (account.kind == domain::AccountKind::Exchange) {
            if (!m_network) {
                m_whyNot.insert(accountId, QStringLiteral("no network connection was set up"));
                return nullptr;
            }
            // The stored URL is checked again: a database edited by hand, or
            // written before the rule, must not send the key in clear.
            if (!account.baseUrl.isEmpty()) {
                if (auto checked = checkBaseUrl(account.baseUrl); !checked) {
                    m_whyNot.insert(accountId,
                                    QStringLiteral("%1: stored %2").arg(account.name, checked.error().message));
                    return nullptr;
                }
            }
            const auto credentials = m_credentials ? m_credentials(account) : std::nullopt;
            if (!credentials) {
                m_whyNot.insert(accountId, QStringLiteral("no API key for %1 could be unlocked").arg(account.name));
                return nullptr;
            }
            if (account.exchange == QLatin1String("binance")) {
                BinanceConfig config;
                if (!account.baseUrl.isEmpty())
                    config.baseUrl = QUrl(account.baseUrl);
                config.apiKey = credentials->apiKey;
                config.secret = credentials->secret;
                made = std::make_shared<BinanceExchange>(m_network, config, m_clock, m_sleep);
            } else if (account.exchange == QLatin1String("kraken")) {
                KrakenConfig config;
                if (!account.baseUrl.isEmpty())
                    config.baseUrl = QUrl(account.baseUrl);
                config.apiKey = credentials->apiKey;
                config.secret = credentials->secret;
                storage::Database *db = &m_db;
                const Clock clock = m_clock;
                made = std::make_shared<KrakenExchange>(
                    m_network, config, [db, accountId, clock] { return nextNonce(*db, accountId, clock()); }, m_clock,
                    m_sleep);
            }
        }
        if (!made) {
            m_whyNot.insert(accountId, QStringLiteral("%1 cannot trade").arg(account.name));
            return nullptr;
        }
        m_exchanges.insert(accountId, made);
        return made.get();
    }
    return nullptr;
}

} // namespace ballast::exchange
