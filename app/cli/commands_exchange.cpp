// Exchange accounts: keys into the vault, and sync.
#include "cli.h"
#include "clioutput.h"
#include "exchange/exchangefactory.h"
#include "security/keystore.h"
#include "services/accountservice.h"
#include "services/ledger.h"
#include "services/ledgerqueries.h"
#include "services/walletservice.h"
#include "storage/database.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTextStream>

#include <termios.h>
#include <unistd.h>

namespace ballast::cli {

namespace {

/// One reader for stdin: a second QTextStream would miss what the first one
/// already buffered (the key and the secret arrive together in a pipe).
QTextStream &standardInput()
{
    static QTextStream in(stdin);
    return in;
}

/// Reads a line from the terminal without echo (for secrets), or from stdin
/// when it is not a terminal (scripts pipe the key in; never argv).
QString readSecretLine(const QString &prompt, bool echo)
{
    if (isatty(STDIN_FILENO)) {
        QTextStream err(stderr);
        err << prompt;
        err.flush();
        termios saved{};
        const bool hide = !echo && tcgetattr(STDIN_FILENO, &saved) == 0;
        if (hide) {
            termios quiet = saved;
            quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
        }
        const QString line = standardInput().readLine();
        if (hide) {
            tcsetattr(STDIN_FILENO, TCSANOW, &saved);
            err << '\n';
        }
        return line.trimmed();
    }
    return standardInput().readLine().trimmed();
}

} // namespace

QString Cli::vaultPath() const
{
    return m_dbPath + QStringLiteral(".vault");
}

Result<QString> Cli::passphrase()
{
    if (!m_passphrase.isEmpty())
        return m_passphrase;
    QString text = qEnvironmentVariable("BALLAST_PASSPHRASE");
    if (text.isEmpty()) {
        QFile tty(QStringLiteral("/dev/tty"));
        if (!isatty(STDIN_FILENO) || !tty.exists()) {
            return makeError(QStringLiteral("vault.passphrase"),
                             QStringLiteral("the key vault needs a passphrase: set BALLAST_PASSPHRASE or run in a "
                                            "terminal"));
        }
        text = readSecretLine(QStringLiteral("Vault passphrase: "), false);
    }
    if (text.isEmpty())
        return makeError(QStringLiteral("vault.passphrase"), QStringLiteral("an empty passphrase is not allowed"));
    m_passphrase = text;
    return m_passphrase;
}

exchange::ExchangeFactory &Cli::exchanges()
{
    if (!m_exchanges) {
        auto portfolio = services::LedgerQueries(db()).portfolio(portfolioName());
        m_exchanges = std::make_unique<exchange::ExchangeFactory>(
            db(), portfolio ? portfolio->quote : QStringLiteral("USDT"), clock());
        m_exchanges->setNetwork(
            &network(), [this](const domain::Account &account) -> std::optional<exchange::ApiCredentials> {
                auto secret = passphrase();
                if (!secret) {
                    m_keyError = secret.error().message;
                    CliOutput::error(m_keyError);
                    return std::nullopt;
                }
                security::KeyStore keys(vaultPath(), db().databaseId());
                auto credentials = keys.load(account.name, *secret);
                if (!credentials) {
                    m_keyError = credentials.error().message;
                    CliOutput::error(m_keyError);
                    return std::nullopt;
                }
                return exchange::ApiCredentials{credentials->apiKey.toUtf8(), credentials->secret.toUtf8()};
            });
    }
    return *m_exchanges;
}

int Cli::addExchangeAccount(const QString &exchangeName, const QString &name, const QString &baseUrl)
{
    services::AccountService accounts(db(), vaultPath(), clock());
    if (auto free = accounts.checkNameFree(name); !free)
        return fail(free.error());
    // The key and secret come from stdin or a prompt, never from argv.
    const QString key = readSecretLine(QStringLiteral("%1 API key: ").arg(exchangeName), true);
    const QString secret = readSecretLine(QStringLiteral("%1 API secret: ").arg(exchangeName), false);
    if (key.isEmpty() || secret.isEmpty()) {
        return usageError(QStringLiteral("accounts add: the API key and secret are read from stdin (two lines) or a "
                                         "prompt; got nothing"));
    }
    auto unlock = passphrase();
    if (!unlock)
        return fail(unlock.error());
    auto added = accounts.addExchangeAccount(name, exchangeName, baseUrl, key, secret, *unlock);
    if (!added)
        return fail(added.error());
    if (json()) {
        CliOutput::json(QJsonDocument(QJsonObject{{QStringLiteral("name"), added->name},
                                                  {QStringLiteral("exchange"), added->exchange},
                                                  {QStringLiteral("kind"), domain::toText(added->kind)}}));
    } else {
        CliOutput::line(QStringLiteral("Added %1 account \"%2\"; its key is in the vault (%3). Run "
                                       "\"ballast-cli sync --account %2\" to fetch balances.")
                            .arg(exchangeName, name,
                                 accounts.keyBackend() == security::KeyStore::Backend::SystemKeychain
                                     ? QStringLiteral("system keychain")
                                     : QStringLiteral("encrypted file")));
    }
    return 0;
}

void Cli::registerExchangeCommands()
{
    m_commands.append(
        {QStringLiteral("sync"),
         QStringLiteral("Fetch balances, markets and prices from the exchange accounts, and the balances of "
                        "watched wallets from their chains."),
         QString(),
         [](QCommandLineParser &p) {
             p.addOption({QStringLiteral("account"), QStringLiteral("Only this account."), QStringLiteral("NAME")});
         },
         &Cli::cmdSync});
}

int Cli::syncAccounts(const QString &only, QJsonArray &synced, bool quiet)
{
    auto accounts = services::LedgerQueries(db()).accounts();
    if (!accounts) {
        CliOutput::error(accounts.error().message);
        return 1;
    }
    int failures = 0;
    for (const auto &account : *accounts) {
        if (!only.isEmpty() && account.name != only)
            continue;
        if (account.kind == domain::AccountKind::Wallet) {
            // Watched wallets read their chains; manual ones have nothing to sync.
            if (!services::WalletService::isWatched(account.exchange))
                continue;
            if (!syncWallet(account, quiet)) {
                ++failures;
                continue;
            }
            synced.append(account.name);
            continue;
        }
        exchange::Exchange *connector = exchanges().exchangeFor(account.id);
        if (!connector) {
            // One line per account: the key's own error was printed when it failed.
            if (m_keyError.isEmpty())
                CliOutput::error(QStringLiteral("%1: %2").arg(account.name, exchanges().whyNot(account.id)));
            m_keyError.clear();
            ++failures;
            continue;
        }
        if (auto done = services::Ledger(db(), clock()).sync(account, *connector); !done) {
            CliOutput::error(done.error().message);
            ++failures;
            continue;
        }
        synced.append(account.name);
        if (!quiet)
            CliOutput::line(QStringLiteral("Synced %1.").arg(account.name));
    }
    return failures;
}

int Cli::cmdSync(QCommandLineParser &parser)
{
    const QString only = parser.value(QStringLiteral("account"));
    if (!only.isEmpty()) {
        if (auto named = services::LedgerQueries(db()).account(only); !named)
            return fail(named.error());
    }
    QJsonArray synced;
    const int failures = syncAccounts(only, synced, json());
    if (json())
        CliOutput::json(
            QJsonDocument(QJsonObject{{QStringLiteral("synced"), synced}, {QStringLiteral("failed"), failures}}));
    return failures > 0 ? 1 : 0;
}

} // namespace ballast::cli
