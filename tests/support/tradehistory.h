#pragma once

// A small ledger with trades whose cost basis a test can work out by hand:
// two accounts, buys and sales of BTC and ETH in 2025, one BTC lot held long
// term, stored prices at the end. Written through the services, on a real
// SQLite file. The figures below are the inputs; tests derive what they expect
// from them.

#include "domain/transaction.h"
#include "money/decimal.h"
#include "services/ledger.h"
#include "services/transactionservice.h"

#include <QDateTime>
#include <QTimeZone>

namespace ballast::test::trades {

inline QDateTime utc(int year, int month, int day, int hour = 0)
{
    return QDateTime(QDate(year, month, day), QTime(hour, 0), QTimeZone::utc());
}

/// When the tests look: the last day of 2025, noon UTC.
inline qint64 now()
{
    return utc(2025, 12, 31, 12).toMSecsSinceEpoch();
}

inline money::Decimal d(const char *text)
{
    return money::dec(text);
}

// Account "main": 100,000 USDT in, then
inline const money::Decimal kDeposit = d("100000");
inline const QDateTime kBtcBuy1 = utc(2025, 1, 10); ///< 1 BTC at 20,000
inline const money::Decimal kBtcPrice1 = d("20000");
inline const QDateTime kBtcBuy2 = utc(2025, 2, 10); ///< 1 BTC at 30,000
inline const money::Decimal kBtcPrice2 = d("30000");
inline const QDateTime kEthBuy = utc(2025, 2, 15); ///< 10 ETH at 1,000
inline const money::Decimal kEthQuantity = d("10");
inline const money::Decimal kEthCost = d("1000");
inline const QDateTime kBtcSale = utc(2025, 3, 10); ///< 1 BTC at 40,000
inline const money::Decimal kBtcSalePrice = d("40000");
inline const QDateTime kEthSale = utc(2025, 6, 1); ///< 4 ETH at 1,500
inline const money::Decimal kEthSold = d("4");
inline const money::Decimal kEthSalePrice = d("1500");
// Account "cold": 0.5 BTC deposited in 2024 valued at 25,000, 0.2 of it sold in 2025.
inline const QDateTime kColdDeposit = utc(2024, 5, 1);
inline const money::Decimal kColdQuantity = d("0.5");
inline const money::Decimal kColdPrice = d("25000");
inline const QDateTime kColdSale = utc(2025, 9, 1);
inline const money::Decimal kColdSold = d("0.2");
inline const money::Decimal kColdSalePrice = d("60000");
// Prices at the end.
inline const money::Decimal kBtcNow = d("45000");
inline const money::Decimal kEthNow = d("1200");

inline Status add(services::TransactionService &transactions, const QString &account, domain::TransactionKind kind,
                  const QDateTime &time, const QString &asset, const money::Decimal &quantity,
                  const money::Decimal &price, domain::Side side = domain::Side::Buy)
{
    auto found = transactions.account(account);
    if (!found)
        return found.error();
    domain::Transaction tx;
    tx.kind = kind;
    tx.time = time;
    tx.accountId = found->id;
    tx.asset = asset;
    tx.quantity = quantity;
    tx.price = price;
    if (kind == domain::TransactionKind::Trade) {
        tx.side = side;
        tx.quote = QStringLiteral("USDT");
    }
    auto added = transactions.add(tx);
    if (!added)
        return added.error();
    return {};
}

/// Writes the history into @p db (an empty ledger).
inline Status build(storage::Database &db)
{
    using domain::Side;
    using domain::TransactionKind;
    const Clock clock = [] { return now(); };
    services::Ledger ledger(db, clock);
    if (auto init = ledger.init(QStringLiteral("Main"), QStringLiteral("USDT")); !init)
        return init.error();
    for (const char *name : {"main", "cold"}) {
        if (auto account = ledger.addAccount(QString::fromLatin1(name), QStringLiteral("manual")); !account)
            return account.error();
    }
    services::TransactionService tx(db, clock);
    const QString main = QStringLiteral("main");
    const QString cold = QStringLiteral("cold");
    const QString btc = QStringLiteral("BTC");
    const QString eth = QStringLiteral("ETH");
    const Status steps[] = {
        add(tx, cold, TransactionKind::Deposit, kColdDeposit, btc, kColdQuantity, kColdPrice),
        add(tx, main, TransactionKind::Deposit, utc(2025, 1, 1), QStringLiteral("USDT"), kDeposit, d("1")),
        add(tx, main, TransactionKind::Trade, kBtcBuy1, btc, d("1"), kBtcPrice1),
        add(tx, main, TransactionKind::Trade, kBtcBuy2, btc, d("1"), kBtcPrice2),
        add(tx, main, TransactionKind::Trade, kEthBuy, eth, kEthQuantity, kEthCost),
        add(tx, main, TransactionKind::Trade, kBtcSale, btc, d("1"), kBtcSalePrice, Side::Sell),
        add(tx, main, TransactionKind::Trade, kEthSale, eth, kEthSold, kEthSalePrice, Side::Sell),
        add(tx, cold, TransactionKind::Trade, kColdSale, btc, kColdSold, kColdSalePrice, Side::Sell),
    };
    for (const Status &step : steps) {
        if (!step)
            return step;
    }
    const QDateTime priced = utc(2025, 12, 1);
    return ledger.setPrices({{btc, QStringLiteral("USDT"), priced, kBtcNow, QStringLiteral("manual")},
                             {eth, QStringLiteral("USDT"), priced, kEthNow, QStringLiteral("manual")}});
}

} // namespace ballast::test::trades
