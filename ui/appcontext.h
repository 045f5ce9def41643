#pragma once

#include "alert.h"
#include "common/clock.h"
#include "common/result.h"
#include "domain/portfolio.h"
#include "rebalance/snapshot.h"

#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace ballast::storage {
class Database;
}

namespace ballast::services {
class Ledger;
class LedgerQueries;
} // namespace ballast::services

namespace ballast::ui {

/// What every page of the window shares: the GUI thread's connection to the
/// ledger, its path (workers open their own connection to it), the clock and
/// the portfolio on show. A page that writes to the ledger calls
/// notifyLedgerChanged() afterwards, and every page refreshes on
/// ledgerChanged(). Alerts from any page go through raiseAlert().
class AppContext : public QObject
{
    Q_OBJECT

public:
    AppContext(storage::Database &db, QString databasePath, Clock clock = systemClock(), QObject *parent = nullptr);

    [[nodiscard]] storage::Database &db() const { return m_db; }
    [[nodiscard]] const QString &databasePath() const { return m_path; }
    [[nodiscard]] const Clock &clock() const { return m_clock; }
    [[nodiscard]] services::Ledger ledger() const;
    /// What pages read from the ledger (accounts, holdings, prices, valuations...).
    [[nodiscard]] services::LedgerQueries queries() const;

    /// The portfolio on show (the first one of the ledger).
    [[nodiscard]] Result<domain::Portfolio> portfolio() const;
    /// Its valuation now, from stored holdings and prices.
    [[nodiscard]] Result<rebalance::Snapshot> snapshot() const;

    /// Asks the person for the vault passphrase (a dialog in the app, a fixed
    /// answer in tests); none when they cancel.
    using PassphraseProvider = std::function<std::optional<QString>(const QString &reason)>;
    void setPassphraseProvider(PassphraseProvider provider) { m_passphrase = std::move(provider); }
    [[nodiscard]] std::optional<QString> askPassphrase(const QString &reason) const;
    /// The vault file beside the database (as ballast-cli uses it).
    [[nodiscard]] QString vaultPath() const;

    /// True while an execution runs: it is the only writer then, and pages
    /// that would write (targets, holdings, sync, import) wait for it.
    [[nodiscard]] bool isExecuting() const { return m_executing; }
    void setExecuting(bool executing);

    /// Other background work that writes the ledger (a sync, an import): an
    /// execution does not start while one runs. The text says what runs.
    void beginBackgroundWrite(const QString &what);
    void endBackgroundWrite();
    /// What writes in the background now; empty when nothing does.
    [[nodiscard]] QString backgroundWrite() const { return m_writers > 0 ? m_writer : QString(); }

public slots:
    void notifyLedgerChanged();
    /// Shows @p alert in the panel (and as a notification); a zero time means now.
    void raiseAlert(const ballast::ui::Alert &alert);
    void showStatus(const QString &message);

signals:
    void ledgerChanged();
    void alertRaised(const ballast::ui::Alert &alert);
    void statusMessage(const QString &message);
    void executingChanged(bool executing);
    void backgroundWriteChanged();

private:
    storage::Database &m_db;
    QString m_path;
    Clock m_clock;
    PassphraseProvider m_passphrase;
    bool m_executing = false;
    int m_writers = 0;
    QString m_writer;
};

} // namespace ballast::ui
