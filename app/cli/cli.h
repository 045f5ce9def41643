#pragma once

#include "common/clock.h"
#include "common/result.h"

#include <QCommandLineParser>
#include <QStringList>

#include <functional>
#include <memory>

class QJsonArray;
class QNetworkAccessManager;

namespace ballast::rebalance {
struct TaxPreferences;
}

namespace ballast::storage {
class Database;
}
namespace ballast::domain {
struct Account;
}
namespace ballast::exchange {
class ExchangeFactory;
}

namespace ballast::cli {

namespace research {
struct Context;
}

/// ballast-cli: parses the command line, opens the database and runs one
/// command. Exit codes: 0 success, 1 the command failed, 2 the command line
/// was wrong. Every error is one line on stderr naming what and where.
class Cli
{
public:
    Cli();
    ~Cli();
    Cli(const Cli &) = delete;
    Cli &operator=(const Cli &) = delete;

    int run(const QStringList &arguments);

private:
    struct Command
    {
        QString name; ///< "holdings set"
        QString summary;
        QString usage; ///< positional arguments, for --help
        std::function<void(QCommandLineParser &)> options;
        std::function<int(Cli &, QCommandLineParser &)> run;
        bool needsDatabase = true;
        bool createsDatabase = false;
    };

    void registerCommands();
    void registerLedgerCommands();
    void registerWalletCommands();
    void registerPlanCommands();
    void registerExecuteCommands();
    void registerExchangeCommands();
    void registerAnalysisCommands();
    void registerPriceCommands();
    void registerTransactionCommands();
    void registerPerformanceCommands();
    void registerPolicyCommands();
    int usageError(const QString &message) const;
    int fail(const Error &error) const;
    void printHelp() const;
    [[nodiscard]] bool json() const { return m_json; }
    [[nodiscard]] const QString &portfolioName() const { return m_portfolio; }
    storage::Database &db() { return *m_db; }
    [[nodiscard]] const Clock &clock() const { return m_clock; }

    // Ledger commands (commands_ledger.cpp).
    int cmdInit(QCommandLineParser &parser);
    int cmdAccountsAdd(QCommandLineParser &parser);
    int cmdAccountsList(QCommandLineParser &parser);
    int cmdHoldingsSet(QCommandLineParser &parser);
    int cmdHoldingsList(QCommandLineParser &parser);
    int cmdPricesSet(QCommandLineParser &parser);
    int cmdTargetsSet(QCommandLineParser &parser);
    int cmdStatus(QCommandLineParser &parser);
    int cmdExport(QCommandLineParser &parser);

    // Transactions (commands_transactions.cpp).
    int cmdTransactionsAdd(QCommandLineParser &parser);
    int cmdTransactionsList(QCommandLineParser &parser);
    int cmdTransactionsImport(QCommandLineParser &parser);
    /// `transactions import --account NAME` without files: from the exchange's API.
    int importFromExchange(QCommandLineParser &parser);
    int cmdTransactionsClassify(QCommandLineParser &parser);
    int cmdTransactionsDelete(QCommandLineParser &parser);
    int cmdTransactionsRestore(QCommandLineParser &parser);

    // Performance and cost basis (commands_performance.cpp).
    int cmdPerformance(QCommandLineParser &parser);
    int cmdValuations(QCommandLineParser &parser);
    int cmdLots(QCommandLineParser &parser);
    int cmdGains(QCommandLineParser &parser);
    int cmdCostMethod(QCommandLineParser &parser);

    // Rebalancing commands (commands_plan.cpp).
    int cmdPlan(QCommandLineParser &parser);
    int cmdPlansList(QCommandLineParser &parser);
    int cmdPlansShow(QCommandLineParser &parser);
    int cmdReplan(QCommandLineParser &parser);
    /// Reads the tax options of `plan` into @p tax; 0, or the exit code of a usage error.
    int taxOptions(QCommandLineParser &parser, rebalance::TaxPreferences &tax);

    // Execution commands (commands_execute.cpp).
    int cmdExecute(QCommandLineParser &parser);
    int cmdOrders(QCommandLineParser &parser);
    int cmdReconcile(QCommandLineParser &parser);
    int cmdCancel(QCommandLineParser &parser);

    // Exchange accounts (commands_exchange.cpp).
    int cmdSync(QCommandLineParser &parser);
    /// Syncs every exchange and paper account (or only @p only); the names
    /// synced go to @p synced, each failure is one line on stderr. Returns the
    /// number of failures.
    int syncAccounts(const QString &only, QJsonArray &synced, bool quiet);

    // The rebalancing policy and its check (commands_policy.cpp).
    int cmdPolicyShow(QCommandLineParser &parser);
    int cmdPolicySet(QCommandLineParser &parser);
    int cmdCheck(QCommandLineParser &parser);
    int cmdWatch(QCommandLineParser &parser);
    /// One check (after a sync with @p sync); prints it and returns 0, 3 (due) or 1.
    int checkOnce(bool sync);

    // Research (commands_analysis.cpp).
    int cmdPricesImport(QCommandLineParser &parser);
    int cmdPricesFetch(QCommandLineParser &parser);
    int cmdPricesMap(QCommandLineParser &parser);
    int cmdAllocate(QCommandLineParser &parser);
    /// backtest and sweep (research.cpp) as this program runs them: with the ledger for --policy.
    research::Context researchContext();
    int addExchangeAccount(const QString &exchangeName, const QString &name, const QString &baseUrl);

    // Watch-only wallets (commands_wallet.cpp).
    int addWalletAccount(QCommandLineParser &parser);
    int cmdWalletsAddresses(QCommandLineParser &parser);
    int cmdWalletsTokens(QCommandLineParser &parser);
    /// Syncs one watched wallet; prints what failed. Returns false on failure.
    bool syncWallet(const domain::Account &account, bool quiet);
    QNetworkAccessManager &network();
    [[nodiscard]] QString vaultPath() const;
    Result<QString> passphrase();
    exchange::ExchangeFactory &exchanges();

    QList<Command> m_commands;
    std::unique_ptr<QNetworkAccessManager> m_network;
    std::unique_ptr<exchange::ExchangeFactory> m_exchanges;
    QString m_passphrase;
    QString m_keyError; ///< why the last key could not be unlocked (already printed)
    std::unique_ptr<storage::Database> m_db;
    QString m_dbPath;
    QString m_portfolio;
    bool m_json = false;
    Clock m_clock;
};

} // namespace ballast::cli
