#include "workers/accountworker.h"

#include "exchange/exchangefactory.h"
#include "security/keystore.h"
#include "services/accountservice.h"
#include "services/exchangeimportservice.h"
#include "services/ledger.h"
#include "services/ledgerqueries.h"
#include "services/walletservice.h"
#include "storage/database.h"

#include <QLocale>

#include <algorithm>

namespace ballast::ui {

namespace {

/// Overwrites a secret before its memory is released (best effort: copies
/// made by Qt's implicit sharing are detached from here on).
void wipe(QString &secret)
{
    secret.fill(QChar(u'\0'));
    secret.clear();
}

/// Credentials from the key store for the factory; the store's own error is
/// kept so that the person reads why the key could not be unlocked.
exchange::ExchangeFactory::CredentialsFor credentialsFrom(const QString &vaultPath, const QString &databaseId,
                                                          const QString &passphrase, QString *error)
{
    return [vaultPath, databaseId, passphrase,
            error](const domain::Account &account) -> std::optional<exchange::ApiCredentials> {
        security::KeyStore keys(vaultPath, databaseId);
        auto loaded = keys.load(account.name, passphrase);
        if (!loaded) {
            *error = loaded.error().message;
            return std::nullopt;
        }
        exchange::ApiCredentials credentials{loaded->apiKey.toUtf8(), loaded->secret.toUtf8()};
        wipe(loaded->apiKey);
        wipe(loaded->secret);
        return credentials;
    };
}

} // namespace

AccountWorker::AccountWorker(QString databasePath, QString vaultPath, Clock clock)
    : m_databasePath(std::move(databasePath))
    , m_vaultPath(std::move(vaultPath))
    , m_clock(std::move(clock))
{
}

AccountWorker::~AccountWorker() = default;

storage::Database *AccountWorker::database(QString *error)
{
    if (!m_db) {
        auto opened = storage::Database::open(m_databasePath, storage::Database::Mode::ReadWriteExisting);
        if (!opened) {
            *error = opened.error().message;
            return nullptr;
        }
        m_db = std::move(*opened);
    }
    return m_db.get();
}

void AccountWorker::addAccount(NewAccountRequest request)
{
    const bool withKeys = services::AccountService::needsKey(request.exchange);
    QString error;
    storage::Database *db = database(&error);
    if (!db) {
        emit accountAdded(request.name, false, error);
        return;
    }
    services::AccountService accounts(*db, m_vaultPath, m_clock);
    const QString exists = tr("An account named \"%1\" exists already.").arg(request.name);
    if (!accounts.checkNameFree(request.name)) {
        emit accountAdded(request.name, false, exists);
        return;
    }
    Result<domain::Account> added = makeError(QStringLiteral("account.add"), QStringLiteral("not run"));
    if (services::WalletService::isWatched(request.exchange)) {
        services::WalletService wallets(*db, m_clock);
        QString kind;
        if (request.exchange == QLatin1String(services::WalletService::kEvm)) {
            added = wallets.addEvmWallet({request.name, request.watched.value(0), request.chains, request.rpcUrls, {}});
            kind = tr("EVM");
        } else if (request.exchange == QLatin1String(services::WalletService::kSolana)) {
            added = wallets.addSolanaWallet({request.name, request.watched.value(0), request.baseUrl});
            kind = tr("Solana");
        } else {
            // Keys and addresses sorted by the service's own judge, which
            // checks every line again (secrets first) when adding.
            added = wallets.addBitcoinWallet(services::WalletService::bitcoinRequest(request.name, request.watched,
                                                                                     request.baseUrl, request.script));
            kind = tr("Bitcoin");
        }
        if (!added) {
            emit accountAdded(request.name, false,
                              added.error().code == QLatin1String("account.exists") ? exists : added.error().message);
            return;
        }
        emit accountAdded(request.name, true,
                          tr("Added %1 wallet \"%2\". Sync it to read its balance.").arg(kind, request.name));
        return;
    }
    if (withKeys) {
        if (auto checked = accounts.checkPassphrase(request.passphrase); !checked) {
            emit accountAdded(request.name, false,
                              tr("The passphrase does not open the key vault: %1").arg(checked.error().message));
            wipe(request.passphrase);
            return;
        }
        added = accounts.addExchangeAccount(request.name, request.exchange, request.baseUrl, request.apiKey,
                                            request.secret, request.passphrase);
        wipe(request.apiKey);
        wipe(request.secret);
        wipe(request.passphrase);
        if (!added && added.error().code == QLatin1String("account.key_store")) {
            emit accountAdded(
                request.name, false,
                tr("The API key could not be stored, so no account was added: %1").arg(added.error().message));
            return;
        }
    } else {
        added = accounts.addAccount(request.name, request.exchange, request.baseUrl);
    }
    if (!added) {
        emit accountAdded(request.name, false,
                          added.error().code == QLatin1String("account.exists") ? exists : added.error().message);
        return;
    }
    const QString where = !withKeys ? QString()
        : accounts.keyBackend() == security::KeyStore::Backend::SystemKeychain
        ? tr(" Its key is in the system keychain.")
        : tr(" Its key is in the encrypted key vault.");
    emit accountAdded(request.name, true, tr("Added account \"%1\".").arg(request.name) + where);
}

std::unique_ptr<exchange::ExchangeFactory> AccountWorker::connectorFactory(storage::Database &db, QString &passphrase,
                                                                           QString *keyError)
{
    auto portfolio = services::LedgerQueries(db).portfolio();
    auto factory =
        std::make_unique<exchange::ExchangeFactory>(db, portfolio ? portfolio->quote : QStringLiteral("USDT"), m_clock);
    factory->setOwnNetwork(credentialsFrom(m_vaultPath, db.databaseId(), passphrase, keyError));
    wipe(passphrase);
    return factory;
}

void AccountWorker::testConnection(qint64 accountId, QString passphrase)
{
    QString error;
    storage::Database *db = database(&error);
    if (!db) {
        emit connectionTested(accountId, false, error);
        return;
    }
    QString keyError;
    const auto factory = connectorFactory(*db, passphrase, &keyError);
    exchange::Exchange *connector = factory->exchangeFor(accountId);
    if (!connector) {
        emit connectionTested(accountId, false, keyError.isEmpty() ? factory->whyNot(accountId) : keyError);
        return;
    }
    auto time = connector->fetchTime();
    if (!time) {
        emit connectionTested(accountId, false, time.error().message());
        return;
    }
    auto balances = connector->fetchBalances();
    if (!balances) {
        emit connectionTested(accountId, false, balances.error().message());
        return;
    }
    const QLocale locale;
    emit connectionTested(accountId, true,
                          tr("Connected: the key is accepted, %n asset(s) with a balance, clock off by %1 s.", nullptr,
                             static_cast<int>(balances->size()))
                              .arg(locale.toString(static_cast<double>(*time - m_clock()) / 1000.0, 'f', 1)));
}

void AccountWorker::sync(const QList<qint64> &accountIds, QString passphrase)
{
    m_cancel = false;
    QString error;
    storage::Database *db = database(&error);
    if (!db) {
        for (qint64 id : accountIds)
            emit syncFinished(id, false, error);
        emit syncDone(0, static_cast<int>(accountIds.size()), false);
        return;
    }
    QString keyError;
    const auto factory = connectorFactory(*db, passphrase, &keyError);
    int synced = 0;
    int failed = 0;
    const int count = static_cast<int>(accountIds.size());
    for (int i = 0; i < count; ++i) {
        const qint64 id = accountIds.at(i);
        if (m_cancel) {
            emit syncDone(synced, failed, true);
            return;
        }
        emit syncStarted(id, i, count);
        auto accounts = services::LedgerQueries(*db).accounts();
        if (!accounts) {
            emit syncFinished(id, false, accounts.error().message);
            ++failed;
            continue;
        }
        const auto found = std::find_if(accounts->cbegin(), accounts->cend(),
                                        [id](const domain::Account &account) { return account.id == id; });
        if (found == accounts->cend()) {
            emit syncFinished(id, false, tr("The account is gone."));
            ++failed;
            continue;
        }
        if (found->kind == domain::AccountKind::Wallet) {
            QString message;
            const bool ok = syncWallet(*db, *found, message);
            if (!ok && m_cancel) {
                emit syncFinished(id, false, message);
                emit syncDone(synced, failed + 1, true);
                return;
            }
            ok ? ++synced : ++failed;
            emit syncFinished(id, ok, message);
            continue;
        }
        keyError.clear();
        exchange::Exchange *connector = factory->exchangeFor(id);
        if (!connector) {
            emit syncFinished(
                id, false,
                QStringLiteral("%1: %2").arg(found->name, keyError.isEmpty() ? factory->whyNot(id) : keyError));
            ++failed;
            continue;
        }
        if (auto done = services::Ledger(*db, m_clock).sync(*found, *connector); !done) {
            emit syncFinished(id, false, done.error().message);
            ++failed;
            continue;
        }
        ++synced;
        emit syncFinished(id, true, tr("Synced %1.").arg(found->name));
    }
    emit syncDone(synced, failed, false);
}

bool AccountWorker::syncWallet(storage::Database &db, const domain::Account &account, QString &message)
{
    if (!services::WalletService::isWatched(account.exchange)) {
        message =
            tr("%1: a manual wallet has nothing to sync; set its balances on the Holdings page.").arg(account.name);
        return false;
    }
    const qint64 id = account.id;
    auto report = services::WalletService(db, m_clock).sync(account, [this, id](const QString &network, int seen) {
        emit walletProgress(id, network, seen);
        return !m_cancel;
    });
    if (!report) {
        message = report.error().code == QLatin1String("wallet.cancelled")
            ? tr("%1: cancelled; nothing was recorded.").arg(account.name)
            : QStringLiteral("%1: %2").arg(account.name, report.error().message);
        return false;
    }
    // The service's words, as the CLI prints them; the transaction count is
    // left out (the page reloads what was recorded).
    QStringList lines;
    for (const auto &line : services::describeWalletSync(account, *report)) {
        if (line.kind != services::WalletSyncLine::Kind::Recorded)
            lines.append(line.text);
    }
    message = lines.join(QLatin1Char(' '));
    return !report->anyFailed();
}

void AccountWorker::importHistory(qint64 accountId, QString passphrase)
{
    const auto failed = [this, accountId](const QString &message) {
        emit historyImported(accountId, false, message, 0, 0, 0, 0);
    };
    QString error;
    storage::Database *db = database(&error);
    if (!db) {
        wipe(passphrase);
        failed(error);
        return;
    }
    auto accounts = services::LedgerQueries(*db).accounts();
    if (!accounts) {
        wipe(passphrase);
        failed(accounts.error().message);
        return;
    }
    const auto found = std::find_if(accounts->cbegin(), accounts->cend(),
                                    [accountId](const domain::Account &account) { return account.id == accountId; });
    if (found == accounts->cend()) {
        wipe(passphrase);
        failed(tr("The account is gone."));
        return;
    }
    QString keyError;
    const auto factory = connectorFactory(*db, passphrase, &keyError);
    exchange::Exchange *connector = factory->exchangeFor(accountId);
    if (!connector) {
        failed(QStringLiteral("%1: %2").arg(found->name, keyError.isEmpty() ? factory->whyNot(accountId) : keyError));
        return;
    }
    services::ExchangeImportOptions options;
    options.account = found->name;
    auto report = services::ExchangeImportService(*db, m_clock).importFromExchange(options, *connector);
    if (!report) {
        failed(report.error().message);
        return;
    }
    QString text = tr("Imported from %1: %n transaction(s) read", nullptr, report->transactions).arg(found->name)
        + QStringLiteral(", ") + tr("%n new", nullptr, report->added) + QStringLiteral(", ")
        + tr("%n already in the ledger", nullptr, report->duplicates);
    if (report->pending > 0)
        text += QStringLiteral(", ") + tr("%n deposit(s) or withdrawal(s) still pending", nullptr, report->pending);
    text += QLatin1Char('.');
    for (const QString &warning : std::as_const(report->warnings))
        text += QLatin1Char('\n') + warning;
    emit historyImported(accountId, true, text, report->transactions, report->added, report->duplicates,
                         report->pending);
}

} // namespace ballast::ui
