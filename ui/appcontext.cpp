#include "appcontext.h"

#include "services/ledger.h"
#include "services/ledgerqueries.h"

namespace ballast::ui {

AppContext::AppContext(storage::Database &db, QString databasePath, Clock clock, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_path(std::move(databasePath))
    , m_clock(std::move(clock))
{
}

services::Ledger AppContext::ledger() const
{
    return services::Ledger(m_db, m_clock);
}

services::LedgerQueries AppContext::queries() const
{
    return services::LedgerQueries(m_db);
}

Result<domain::Portfolio> AppContext::portfolio() const
{
    return queries().portfolio();
}

Result<rebalance::Snapshot> AppContext::snapshot() const
{
    return ledger().snapshot();
}

std::optional<QString> AppContext::askPassphrase(const QString &reason) const
{
    if (!m_passphrase)
        return std::nullopt;
    return m_passphrase(reason);
}

QString AppContext::vaultPath() const
{
    return m_path + QStringLiteral(".vault");
}

void AppContext::setExecuting(bool executing)
{
    if (m_executing == executing)
        return;
    m_executing = executing;
    emit executingChanged(executing);
}

void AppContext::beginBackgroundWrite(const QString &what)
{
    ++m_writers;
    m_writer = what;
    emit backgroundWriteChanged();
}

void AppContext::endBackgroundWrite()
{
    if (m_writers == 0)
        return;
    --m_writers;
    emit backgroundWriteChanged();
}

void AppContext::notifyLedgerChanged()
{
    emit ledgerChanged();
}

void AppContext::raiseAlert(const Alert &alert)
{
    Alert stamped = alert;
    if (stamped.timeMs == 0)
        stamped.timeMs = m_clock();
    emit alertRaised(stamped);
}

void AppContext::showStatus(const QString &message)
{
    emit statusMessage(message);
}

} // namespace ballast::ui
