#include "exchange/exchangefactory.h"

#include "exchange/paperexchange.h"
#include "storage/accountrepo.h"
#include "storage/database.h"

namespace ballast::exchange {

ExchangeFactory::ExchangeFactory(storage::Database &db, QString quote, Clock clock)
    : m_db(db)
    , m_quote(std::move(quote))
    , m_clock(std::move(clock))
{
}

ExchangeFactory::~ExchangeFactory() = default;

void ExchangeFactory::setExchange(qint64 accountId, std::unique_ptr<Exchange> exchange)
{
    m_exchanges.insert(accountId, std::shared_ptr<Exchange>(std::move(exchange)));
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
        if (account.kind == domain::AccountKind::Paper) {
            auto paper = std::make_shared<PaperExchange>(m_db, account.id, m_quote, m_clock);
            m_exchanges.insert(accountId, paper);
            return paper.get();
        }
    }
    return nullptr;
}

} // namespace ballast::exchange
