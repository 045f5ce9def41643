#pragma once

// The set-up shared by the tests that execute a rebalancing plan through the
// whole window against the fake Binance (tests/gui/tst_guinonblocking and
// tests/bench/bench_responsiveness_execution): the fake in a thread of its
// own, and a ledger whose account trades on it.

#include "exchange/binanceexchange.h"
#include "fakebinance.h"
#include "security/keystore.h"
#include "services/ledger.h"
#include "testsupport.h"

#include <QNetworkAccessManager>
#include <QObject>
#include <QThread>

#include <functional>

namespace ballast::test {

/// A FakeBinance serving over loopback from a thread of its own, so that
/// serving a request never occupies the GUI thread: what a test measures or
/// checks on the GUI thread is the GUI's own work, not the fake's.
class FakeBinanceThread
{
public:
    FakeBinanceThread() = default;
    ~FakeBinanceThread() { stop(); }
    FakeBinanceThread(const FakeBinanceThread &) = delete;
    FakeBinanceThread &operator=(const FakeBinanceThread &) = delete;

    /// Starts the thread and the fake in it: a USDT market for each asset of
    /// @p sells and @p buys (the i-th of each priced at prices[i]), balances
    /// worth 150 USDT of each sold asset and 50 of each bought one, 100 USDT,
    /// every order filled in two executions. @p configure runs in the fake's
    /// thread before it listens. Returns the base URL; empty if it cannot listen.
    QString start(const QStringList &sells, const QStringList &buys, const QStringList &prices,
                  const std::function<void(fake::FakeBinance &)> &configure = {})
    {
        m_anchor = new QObject;
        m_anchor->moveToThread(&m_thread);
        QObject::connect(&m_thread, &QThread::finished, m_anchor, &QObject::deleteLater);
        m_thread.start();
        QString url;
        run([&] {
            m_fake = new fake::FakeBinance;
            m_fake->setWeightLimit(1000000);
            for (qsizetype i = 0; i < sells.size(); ++i) {
                for (const bool sell : {true, false}) {
                    const QString asset = sell ? sells[i] : buys[i];
                    fake::BinanceSymbol symbol;
                    symbol.symbol = asset + QStringLiteral("USDT");
                    symbol.baseAsset = asset;
                    symbol.quoteAsset = QStringLiteral("USDT");
                    symbol.priceFilter =
                        fake::BinancePriceFilter{money::dec("0.001"), money::dec("1000000"), money::dec("0.001")};
                    symbol.lotSize =
                        fake::BinanceLotSize{money::dec("0.001"), money::dec("900000"), money::dec("0.001")};
                    symbol.marketLotSize = fake::BinanceLotSize{money::dec("0"), money::dec("900000"), money::dec("0")};
                    symbol.notional = fake::BinanceNotional{money::dec("5"), true, money::dec("9000000"), false, 5};
                    const money::Decimal price = money::dec(prices[i].toLatin1().constData());
                    m_fake->addSymbol(symbol, price, money::dec("0.001"));
                    m_fake->setBalance(asset, money::Decimal::fromInt(sell ? 150 : 50) / price);
                }
            }
            m_fake->setBalance(QStringLiteral("USDT"), money::Decimal::fromInt(100));
            // Two executions per order: fills to record as well as statuses.
            m_fake->setFillModel(QString(), 2, money::Decimal::fromInt(1), money::dec("0.001"));
            if (configure)
                configure(*m_fake);
            if (m_fake->listenLocal())
                url = m_fake->baseUrl().toString();
        });
        return url;
    }

    /// Deletes the fake in its thread and ends the thread.
    void stop()
    {
        if (!m_thread.isRunning())
            return;
        run([this] {
            delete m_fake;
            m_fake = nullptr;
        });
        m_thread.quit();
        m_thread.wait();
    }

    /// Runs @p function in the fake's thread and waits for it.
    void run(const std::function<void()> &function)
    {
        QMetaObject::invokeMethod(m_anchor, function, Qt::BlockingQueuedConnection);
    }

    /// The fake; touch it only inside run().
    [[nodiscard]] fake::FakeBinance *fake() const { return m_fake; }

private:
    QThread m_thread;
    QObject *m_anchor = nullptr; ///< lives in m_thread: the context of every call into the fake
    fake::FakeBinance *m_fake = nullptr;
};

/// Prepares @p temp for a rebalance on the fake at @p url: portfolio "Main"
/// in USDT, the Binance account "bn" with the fake's keys in the vault under
/// @p passphrase, synced (balances, markets and prices, as the Accounts
/// page's sync would store them), and @p targets with a 1 pp band. Returns
/// what failed; empty when all went well.
inline QString prepareRebalanceLedger(TempDatabase &temp, const QString &url, const QString &passphrase,
                                      const QList<domain::Target> &targets)
{
    services::Ledger ledger(temp.db());
    if (auto init = ledger.init(QStringLiteral("Main"), QStringLiteral("USDT")); !init)
        return init.error().message;
    auto account = ledger.addAccount(QStringLiteral("bn"), QStringLiteral("binance"), url);
    if (!account)
        return account.error().message;
    {
        security::KeyStore keys(temp.path() + QStringLiteral(".vault"), temp.db().databaseId(),
                                security::KeyStore::Mode::VaultOnly);
        const auto stored = keys.store(
            QStringLiteral("bn"),
            security::Credentials{fake::FakeBinance::docsApiKey(), fake::FakeBinance::docsSecretKey()}, passphrase);
        if (!stored)
            return stored.error().message;
    }
    {
        QNetworkAccessManager network;
        exchange::BinanceConfig config;
        config.baseUrl = QUrl(url);
        config.apiKey = fake::FakeBinance::docsApiKey().toLatin1();
        config.secret = fake::FakeBinance::docsSecretKey().toLatin1();
        exchange::BinanceExchange exchange(&network, config);
        if (const auto synced = ledger.sync(*account, exchange); !synced)
            return synced.error().message;
    }
    if (const auto set =
            ledger.setTargets(QStringLiteral("Main"), targets, domain::Band{domain::Band::Kind::Absolute, 0.01});
        !set)
        return set.error().message;
    return {};
}

} // namespace ballast::test
