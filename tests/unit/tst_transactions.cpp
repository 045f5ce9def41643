#include "exchange/paperexchange.h"
#include "services/ledger.h"
#include "services/transactionservice.h"
#include "storage/holdingsrepo.h"
#include "storage/journal.h"
#include "storage/transactionrepo.h"
#include "testsupport.h"

#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using ballast::money::dec;
using namespace ballast;
using domain::Transaction;
using domain::TransactionKind;
using domain::TransactionSource;
using money::Decimal;

namespace {

constexpr qint64 kStart = 1735689600000; // 2025-01-01T00:00:00Z
constexpr qint64 kDayMs = 24LL * 3600 * 1000;

QDateTime at(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc());
}

/// A ledger on a real SQLite file with a clock the test moves.
struct Fixture
{
    test::TempDatabase temp;
    qint64 now = kStart;
    domain::Account paper;
    domain::Account wallet;

    Fixture()
    {
        services::Ledger ledger(temp.db(), clock());
        if (!ledger.init(QStringLiteral("Main"), QStringLiteral("USDT")))
            qFatal("init failed");
        paper = *ledger.addAccount(QStringLiteral("paper"), QStringLiteral("paper"));
        wallet = *ledger.addAccount(QStringLiteral("cold"), QStringLiteral("manual"));
    }
    Clock clock()
    {
        return [this] { return now; };
    }
    services::TransactionService service() { return services::TransactionService(temp.db(), clock()); }
    services::Ledger ledger() { return services::Ledger(temp.db(), clock()); }
    QList<domain::Holding> holdings() { return *storage::HoldingsRepo(temp.db()).list(); }
    QList<domain::Holding> sums() { return *storage::TransactionRepo(temp.db()).sums(); }
    Decimal held(const domain::Account &account, const QString &asset, const QString &network = {})
    {
        for (const auto &holding : holdings()) {
            if (holding.accountId == account.id && holding.asset == asset && holding.network == network)
                return holding.quantity;
        }
        return {};
    }
    Decimal paperBalance(const QString &asset)
    {
        exchange::PaperExchange exchange(temp.db(), paper.id, QStringLiteral("USDT"), clock());
        auto balances = exchange.fetchBalances();
        if (!balances)
            return {};
        for (const auto &balance : *balances) {
            if (balance.asset == asset)
                return balance.total();
        }
        return {};
    }
};

Transaction deposit(qint64 accountId, const QString &asset, const char *quantity, qint64 ms)
{
    Transaction tx;
    tx.kind = TransactionKind::Deposit;
    tx.time = at(ms);
    tx.accountId = accountId;
    tx.asset = asset;
    tx.quantity = dec(quantity);
    return tx;
}

Transaction trade(qint64 accountId, domain::Side side, const char *quantity, const char *price, const char *fee,
                  qint64 ms)
{
    Transaction tx;
    tx.kind = TransactionKind::Trade;
    tx.time = at(ms);
    tx.accountId = accountId;
    tx.side = side;
    tx.asset = QStringLiteral("BTC");
    tx.quote = QStringLiteral("USDT");
    tx.quantity = dec(quantity);
    tx.price = dec(price);
    tx.fee = dec(fee);
    tx.feeAsset = tx.fee.isZero() ? QString() : QStringLiteral("USDT");
    return tx;
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(path));
}

} // namespace

class TstTransactions : public QObject
{
    Q_OBJECT

private slots:
    void holdingsFollowEveryKind()
    {
        Fixture f;
        auto service = f.service();
        QVERIFY(service.add(deposit(f.paper.id, QStringLiteral("USDT"), "10000", kStart)).ok());
        auto bought = service.add(trade(f.paper.id, domain::Side::Buy, "0.1", "50000", "5", kStart + kDayMs));
        QVERIFY2(bought.ok(), bought.ok() ? "" : qPrintable(bought.error().message));
        QCOMPARE(f.held(f.paper, QStringLiteral("BTC")), dec("0.1"));
        QCOMPARE(f.held(f.paper, QStringLiteral("USDT")), dec("4995")); // 10000 - 5000 - 5
        Transaction income = deposit(f.paper.id, QStringLiteral("BTC"), "0.001", kStart + 2 * kDayMs);
        income.kind = TransactionKind::Income;
        income.subkind = QStringLiteral("staking");
        QVERIFY(service.add(income).ok());
        Transaction fee = deposit(f.paper.id, QStringLiteral("USDT"), "1.5", kStart + 3 * kDayMs);
        fee.kind = TransactionKind::Fee;
        QVERIFY(service.add(fee).ok());
        Transaction out = deposit(f.paper.id, QStringLiteral("BTC"), "0.05", kStart + 4 * kDayMs);
        out.kind = TransactionKind::Withdrawal;
        QVERIFY(service.add(out).ok());
        QCOMPARE(f.held(f.paper, QStringLiteral("BTC")), dec("0.051"));
        QCOMPARE(f.held(f.paper, QStringLiteral("USDT")), dec("4993.5"));
        QCOMPARE(f.holdings(), f.sums());
        // The paper exchange trades from the same balances.
        QCOMPARE(f.paperBalance(QStringLiteral("BTC")), dec("0.051"));
        QCOMPARE(f.paperBalance(QStringLiteral("USDT")), dec("4993.5"));
    }

    void listFilters()
    {
        Fixture f;
        auto service = f.service();
        QVERIFY(service.add(deposit(f.paper.id, QStringLiteral("USDT"), "1000", kStart)).ok());
        QVERIFY(service.add(trade(f.paper.id, domain::Side::Buy, "0.01", "50000", "0", kStart + kDayMs)).ok());
        QVERIFY(service.add(deposit(f.wallet.id, QStringLiteral("ETH"), "2", kStart + 2 * kDayMs)).ok());
        QCOMPARE(service.list()->size(), 3);
        services::TransactionQuery byAccount;
        byAccount.account = QStringLiteral("cold");
        QCOMPARE(service.list(byAccount)->size(), 1);
        QCOMPARE(service.list(byAccount)->first().accountName, QStringLiteral("cold"));
        services::TransactionQuery byAsset;
        byAsset.asset = QStringLiteral("USDT"); // the deposit and the trade's quote
        QCOMPARE(service.list(byAsset)->size(), 2);
        services::TransactionQuery byKind;
        byKind.kind = TransactionKind::Trade;
        QCOMPARE(service.list(byKind)->size(), 1);
        services::TransactionQuery byRange;
        byRange.fromMs = kStart + kDayMs;
        byRange.toMs = kStart + kDayMs;
        QCOMPARE(service.list(byRange)->size(), 1);
        QCOMPARE(service.list(byRange)->first().tx.kind, TransactionKind::Trade);
        services::TransactionQuery unknown;
        unknown.account = QStringLiteral("nope");
        QVERIFY(!service.list(unknown).ok());
    }

    void refusedWritesChangeNothing_data()
    {
        QTest::addColumn<int>("which");
        QTest::addColumn<QString>("expected");
        QTest::newRow("zero quantity") << 0 << QStringLiteral("quantity");
        QTest::newRow("trade without quote") << 1 << QStringLiteral("quote");
        QTest::newRow("fee without asset") << 2 << QStringLiteral("fee asset");
        QTest::newRow("below zero") << 3 << QStringLiteral("BTC");
        QTest::newRow("duplicate external id") << 4 << QStringLiteral("already recorded");
        QTest::newRow("unknown account") << 5 << QStringLiteral("account");
    }

    void refusedWritesChangeNothing()
    {
        QFETCH(int, which);
        QFETCH(QString, expected);
        Fixture f;
        auto service = f.service();
        Transaction first = deposit(f.paper.id, QStringLiteral("BTC"), "1", kStart);
        first.externalId = QStringLiteral("0xabc");
        QVERIFY(service.add(first).ok());
        const QByteArray before = test::contentDigest(f.temp.db());
        Transaction bad = deposit(f.paper.id, QStringLiteral("BTC"), "1", kStart + kDayMs);
        switch (which) {
        case 0:
            bad.quantity = Decimal();
            break;
        case 1:
            bad = trade(f.paper.id, domain::Side::Buy, "1", "10", "0", kStart);
            bad.quote.clear();
            break;
        case 2:
            bad.fee = dec("0.1");
            break;
        case 3:
            bad.kind = TransactionKind::Withdrawal;
            bad.quantity = dec("1.5");
            break;
        case 4:
            bad.externalId = QStringLiteral("0xabc");
            break;
        default:
            bad.accountId = 999;
            break;
        }
        auto added = service.add(bad);
        QVERIFY(!added.ok());
        QVERIFY2(added.error().message.contains(expected), qPrintable(added.error().message));
        QCOMPARE(test::contentDigest(f.temp.db()), before);
    }

    void editMovesHoldings()
    {
        Fixture f;
        auto service = f.service();
        auto added = service.add(deposit(f.wallet.id, QStringLiteral("BTC"), "1", kStart));
        QVERIFY(added.ok());
        Transaction changed = *added;
        changed.quantity = dec("0.4");
        changed.network = QStringLiteral("bitcoin");
        QVERIFY(service.edit(changed).ok());
        QCOMPARE(f.held(f.wallet, QStringLiteral("BTC")), Decimal());
        QCOMPARE(f.held(f.wallet, QStringLiteral("BTC"), QStringLiteral("bitcoin")), dec("0.4"));
        QCOMPARE(*service.find(added->id), std::optional<Transaction>(changed));
        QCOMPARE(f.holdings(), f.sums());
    }

    void deleteAndRestoreATransfer()
    {
        Fixture f;
        auto service = f.service();
        QVERIFY(service.add(deposit(f.paper.id, QStringLiteral("BTC"), "2", kStart)).ok());
        services::TransferRequest request;
        request.fromAccount = QStringLiteral("paper");
        request.toAccount = QStringLiteral("cold");
        request.toNetwork = QStringLiteral("bitcoin");
        request.asset = QStringLiteral("BTC");
        request.quantity = dec("0.5");
        request.fee = dec("0.0001");
        request.time = at(kStart + kDayMs);
        request.externalId = QStringLiteral("f00d");
        auto legs = service.addTransfer(request);
        QVERIFY2(legs.ok(), legs.ok() ? "" : qPrintable(legs.error().message));
        QCOMPARE(legs->size(), 2);
        const Transaction out = legs->at(0);
        const Transaction in = legs->at(1);
        QCOMPARE(out.kind, TransactionKind::TransferOut);
        QCOMPARE(in.kind, TransactionKind::TransferIn);
        QCOMPARE(out.linkId, in.id);
        QCOMPARE(in.linkId, out.id);
        QCOMPARE((*service.find(out.id))->linkId, in.id);
        QCOMPARE(f.held(f.paper, QStringLiteral("BTC")), dec("1.4999"));
        QCOMPARE(f.held(f.wallet, QStringLiteral("BTC"), QStringLiteral("bitcoin")), dec("0.5"));

        auto removed = service.remove(in.id); // either leg takes both
        QVERIFY(removed.ok());
        QCOMPARE(removed->size(), 2);
        QCOMPARE(f.held(f.paper, QStringLiteral("BTC")), dec("2"));
        QCOMPARE(f.held(f.wallet, QStringLiteral("BTC"), QStringLiteral("bitcoin")), Decimal());
        QCOMPARE(service.list()->size(), 1);
        services::TransactionQuery deleted;
        deleted.deleted = true;
        QCOMPARE(service.list(deleted)->size(), 2);
        QVERIFY(!service.remove(in.id).ok()); // already deleted

        auto restored = service.restore(in.id);
        QVERIFY(restored.ok());
        QCOMPARE(restored->size(), 2);
        QCOMPARE(f.held(f.paper, QStringLiteral("BTC")), dec("1.4999"));
        QCOMPARE(f.held(f.wallet, QStringLiteral("BTC"), QStringLiteral("bitcoin")), dec("0.5"));
        QCOMPARE(f.holdings(), f.sums());
        QVERIFY(!service.restore(in.id).ok()); // not deleted any more
    }

    void deletingWhatLaterTradesNeedIsRefused()
    {
        Fixture f;
        auto service = f.service();
        auto funded = service.add(deposit(f.paper.id, QStringLiteral("USDT"), "1000", kStart));
        QVERIFY(funded.ok());
        QVERIFY(service.add(trade(f.paper.id, domain::Side::Buy, "0.01", "50000", "0", kStart + kDayMs)).ok());
        const QByteArray before = test::contentDigest(f.temp.db());
        auto removed = service.remove(funded->id);
        QVERIFY(!removed.ok());
        QVERIFY2(removed.error().message.contains(QStringLiteral("USDT")), qPrintable(removed.error().message));
        QCOMPARE(test::contentDigest(f.temp.db()), before);
    }

    void holdingsSetRecordsOpeningThenAnUnexplainedAdjustment()
    {
        // The scenario: a paper account with 1 BTC, then BTC=2 a month later.
        Fixture f;
        QVERIFY(f.ledger().setHoldings(QStringLiteral("paper"), {{0, {}, QStringLiteral("BTC"), {}, dec("1")}}).ok());
        f.now += 30 * kDayMs;
        QVERIFY(f.ledger().setHoldings(QStringLiteral("paper"), {{0, {}, QStringLiteral("BTC"), {}, dec("2")}}).ok());
        auto service = f.service();
        auto rows = service.list();
        QVERIFY(rows.ok());
        QCOMPARE(rows->size(), 2);
        const Transaction opening = rows->at(0).tx;
        QCOMPARE(opening.kind, TransactionKind::Deposit);
        QCOMPARE(opening.source, TransactionSource::Opening);
        QCOMPARE(opening.quantity, dec("1"));
        QCOMPARE(opening.time, at(kStart));
        QVERIFY(!opening.unexplained);
        const Transaction adjustment = rows->at(1).tx;
        QCOMPARE(adjustment.kind, TransactionKind::Adjustment);
        QCOMPARE(adjustment.source, TransactionSource::Manual);
        QCOMPARE(adjustment.quantity, dec("1"));
        QCOMPARE(adjustment.time, at(kStart + 30 * kDayMs));
        QVERIFY(adjustment.unexplained);
        QCOMPARE(f.held(f.paper, QStringLiteral("BTC")), dec("2"));
        QCOMPARE(f.paperBalance(QStringLiteral("BTC")), dec("2"));

        // Setting the same again records nothing.
        QVERIFY(f.ledger().setHoldings(QStringLiteral("paper"), {{0, {}, QStringLiteral("BTC"), {}, dec("2")}}).ok());
        QCOMPARE(service.list()->size(), 2);

        // Classified as a deposit: the holdings do not move.
        QVERIFY(!service.classify(adjustment.id, services::Classification::Withdrawal).ok());
        auto classified = service.classify(adjustment.id, services::Classification::Deposit);
        QVERIFY2(classified.ok(), classified.ok() ? "" : qPrintable(classified.error().message));
        QCOMPARE(classified->kind, TransactionKind::Deposit);
        QVERIFY(!classified->unexplained);
        QCOMPARE(f.held(f.paper, QStringLiteral("BTC")), dec("2"));
        QVERIFY(!service.classify(adjustment.id, services::Classification::Deposit).ok()); // not an adjustment now

        // Down to zero: a negative adjustment, and the position is gone.
        f.now += kDayMs;
        QVERIFY(f.ledger().setHoldings(QStringLiteral("paper"), {{0, {}, QStringLiteral("BTC"), {}, dec("0")}}).ok());
        QCOMPARE(service.list()->last().tx.quantity, dec("-2"));
        QCOMPARE(f.held(f.paper, QStringLiteral("BTC")), Decimal());
        QCOMPARE(f.holdings(), f.sums());
    }

    void classifyATransferBetweenTwoAdjustments()
    {
        Fixture f;
        QVERIFY(f.ledger().setHoldings(QStringLiteral("paper"), {{0, {}, QStringLiteral("ETH"), {}, dec("3")}}).ok());
        QVERIFY(f.ledger().setHoldings(QStringLiteral("cold"), {{0, {}, QStringLiteral("BTC"), {}, dec("1")}}).ok());
        f.now += kDayMs;
        QVERIFY(f.ledger().setHoldings(QStringLiteral("paper"), {{0, {}, QStringLiteral("ETH"), {}, dec("2")}}).ok());
        QVERIFY(f.ledger()
                    .setHoldings(QStringLiteral("cold"),
                                 {{0, {}, QStringLiteral("ETH"), QStringLiteral("ethereum"), dec("1")}})
                    .ok());
        auto service = f.service();
        services::TransactionQuery open;
        open.unexplainedOnly = true;
        auto pending = service.list(open);
        QCOMPARE(pending->size(), 2);
        const qint64 outId = pending->at(0).tx.id; // -1 ETH on paper
        const qint64 inId = pending->at(1).tx.id; // +1 ETH on cold
        QVERIFY(!service.classify(outId, services::Classification::Transfer, {}, outId).ok());
        auto classified = service.classify(outId, services::Classification::Transfer, {}, inId);
        QVERIFY2(classified.ok(), classified.ok() ? "" : qPrintable(classified.error().message));
        QCOMPARE(classified->kind, TransactionKind::TransferOut);
        QCOMPARE(classified->quantity, dec("1"));
        const Transaction other = **service.find(inId);
        QCOMPARE(other.kind, TransactionKind::TransferIn);
        QCOMPARE(other.linkId, outId);
        QVERIFY(!other.unexplained);
        QCOMPARE(service.list(open)->size(), 0);
        QCOMPARE(f.held(f.paper, QStringLiteral("ETH")), dec("2"));
        QCOMPARE(f.held(f.wallet, QStringLiteral("ETH"), QStringLiteral("ethereum")), dec("1"));
        QCOMPARE(f.holdings(), f.sums());
    }

    // What arrives cannot have arrived long before it left: linking an in leg
    // more than the import's pairing window (10 minutes) before its out leg
    // is refused and changes nothing (within it, the cost basis applies the
    // out leg first).
    void classifyRefusesATransferThatArrivesLongBeforeItLeaves()
    {
        Fixture f;
        QVERIFY(f.ledger().setHoldings(QStringLiteral("paper"), {{0, {}, QStringLiteral("ETH"), {}, dec("3")}}).ok());
        QVERIFY(f.ledger().setHoldings(QStringLiteral("cold"), {{0, {}, QStringLiteral("BTC"), {}, dec("1")}}).ok());
        f.now += kDayMs;
        QVERIFY(f.ledger()
                    .setHoldings(QStringLiteral("cold"),
                                 {{0, {}, QStringLiteral("ETH"), QStringLiteral("ethereum"), dec("1")}})
                    .ok());
        f.now += kDayMs;
        QVERIFY(f.ledger().setHoldings(QStringLiteral("paper"), {{0, {}, QStringLiteral("ETH"), {}, dec("2")}}).ok());
        auto service = f.service();
        services::TransactionQuery open;
        open.unexplainedOnly = true;
        auto pending = service.list(open);
        QCOMPARE(pending->size(), 2);
        const qint64 inId = pending->at(0).tx.id; // +1 ETH on cold, a day before
        const qint64 outId = pending->at(1).tx.id; // -1 ETH on paper
        QVERIFY(pending->at(0).tx.quantity.isPositive());
        const QByteArray before = ballast::test::contentDigest(f.temp.db());
        for (const auto &[id, link] : {std::pair{inId, outId}, std::pair{outId, inId}}) {
            auto refused = service.classify(id, services::Classification::Transfer, {}, link);
            QVERIFY(!refused.ok());
            QVERIFY2(refused.error().message.contains(
                         QStringLiteral("#%1 arrives at %2, more than 10 minutes before #%3 leaves")
                             .arg(inId)
                             .arg(pending->at(0).tx.time.toUTC().toString(Qt::ISODate))
                             .arg(outId)),
                     qPrintable(refused.error().message));
        }
        QCOMPARE(ballast::test::contentDigest(f.temp.db()), before);
        QCOMPARE(service.list(open)->size(), 2);
    }

    void syncRecordsEachDifferenceOnce()
    {
        Fixture f;
        auto account = f.ledger().addAccount(QStringLiteral("binance"), QStringLiteral("binance"));
        QVERIFY(account.ok());
        QVERIFY(f.ledger()
                    .setPrices({{QStringLiteral("BTC"), QStringLiteral("USDT"), at(kStart), dec("50000"),
                                 QStringLiteral("manual")}})
                    .ok());
        // A paper exchange stands in for the exchange: real balances through
        // the Exchange interface, stored under the account's id.
        exchange::PaperExchange exchange(f.temp.db(), account->id, QStringLiteral("USDT"), f.clock());
        QVERIFY(exchange.setBalances({{QStringLiteral("BTC"), dec("1"), {}}, {QStringLiteral("USDT"), dec("100"), {}}})
                    .ok());
        QVERIFY(f.ledger().sync(*account, exchange).ok());
        auto service = f.service();
        services::TransactionQuery mine;
        mine.account = QStringLiteral("binance");
        auto first = service.list(mine);
        QCOMPARE(first->size(), 2);
        for (const auto &row : *first)
            QCOMPARE(row.tx.source, TransactionSource::Opening);

        f.now += kDayMs;
        QVERIFY(exchange.setBalances({{QStringLiteral("BTC"), dec("1.5"), {}}, {QStringLiteral("USDT"), dec("0"), {}}})
                    .ok());
        QVERIFY(f.ledger().sync(*account, exchange).ok());
        mine.unexplainedOnly = true;
        auto differences = service.list(mine);
        QCOMPARE(differences->size(), 2);
        QCOMPARE(differences->at(0).tx.asset, QStringLiteral("BTC"));
        QCOMPARE(differences->at(0).tx.quantity, dec("0.5"));
        QCOMPARE(differences->at(0).tx.source, TransactionSource::Sync);
        QCOMPARE(differences->at(1).tx.asset, QStringLiteral("USDT"));
        QCOMPARE(differences->at(1).tx.quantity, dec("-100"));
        QCOMPARE(f.held(*account, QStringLiteral("BTC")), dec("1.5"));
        QCOMPARE(f.held(*account, QStringLiteral("USDT")), Decimal());

        f.now += kDayMs;
        QVERIFY(f.ledger().sync(*account, exchange).ok());
        mine.unexplainedOnly = false;
        QCOMPARE(service.list(mine)->size(), 4); // nothing new: the sum equals the balances
        QCOMPARE(f.holdings(), f.sums());
    }

    void fillsBookTradesOnce()
    {
        Fixture f;
        QVERIFY(
            f.ledger().setHoldings(QStringLiteral("paper"), {{0, {}, QStringLiteral("USDT"), {}, dec("1000")}}).ok());
        domain::Fill fill;
        fill.tradeId = QStringLiteral("7");
        fill.clientOrderId = QStringLiteral("c-1");
        fill.symbol = QStringLiteral("BTC/USDT");
        fill.side = domain::Side::Buy;
        fill.quantity = dec("0.01");
        fill.price = dec("50000");
        fill.fee = dec("0.5");
        fill.feeAsset = QStringLiteral("USDT");
        fill.time = at(kStart + kDayMs);
        storage::Journal journal(f.temp.db());
        QCOMPARE(*journal.recordFill(f.paper.id, fill), true);
        QCOMPARE(*journal.recordFill(f.paper.id, fill), false); // re-read after a crash
        services::TransactionQuery trades;
        trades.kind = TransactionKind::Trade;
        auto booked = f.service().list(trades);
        QCOMPARE(booked->size(), 1);
        QCOMPARE(booked->first().tx.source, TransactionSource::Execution);
        QCOMPARE(booked->first().tx.externalId, QStringLiteral("BTC/USDT:7"));
        QCOMPARE(booked->first().tx.fee, dec("0.5"));
        QCOMPARE(f.held(f.paper, QStringLiteral("BTC")), dec("0.01"));
        QCOMPARE(f.held(f.paper, QStringLiteral("USDT")), dec("499.5"));
        // The same trade id on another symbol is another trade.
        fill.symbol = QStringLiteral("ETH/USDT");
        QCOMPARE(*journal.recordFill(f.paper.id, fill), true);
        QCOMPARE(f.service().list(trades)->size(), 2);
        QCOMPARE(f.holdings(), f.sums());
    }

    void migrationTurnsHoldingsIntoOpeningBalances()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("old.sqlite"));
        const int previous = 9; // the last version before the transactions table (migration 10)
        {
            auto old = storage::Database::openAtVersion(path, previous);
            QVERIFY(old.ok());
            storage::Database &db = **old;
            db.exec("INSERT INTO assets (symbol) VALUES ('BTC'), ('USDC'), ('ETH')");
            db.exec("INSERT INTO accounts (id, name, kind, exchange, base_url, created_at) VALUES "
                    "(1, 'paper', 'paper', 'paper', '', 1700000000000), (2, 'cold', 'wallet', 'manual', '', "
                    "1690000000000)");
            db.exec("INSERT INTO holdings VALUES (1, 'BTC', '', '0.12345678', 1700000500000), "
                    "(2, 'USDC', 'base', '100.5', 0), (2, 'USDC', 'ethereum', '42', 1700000600000), "
                    "(1, 'ETH', '', '0', 1700000700000), (1, 'USDC', '', '-3', 1700000800000)");
        }
        auto opened = storage::Database::open(path, storage::Database::Mode::ReadWriteExisting);
        QVERIFY2(opened.ok(), opened.ok() ? "" : qPrintable(opened.error().message));
        storage::Database &db = **opened;
        auto rows = storage::TransactionRepo(db).list();
        QVERIFY(rows.ok());
        QCOMPARE(rows->size(), 4); // the zero row carries nothing
        for (const Transaction &tx : *rows)
            QCOMPARE(tx.source, TransactionSource::Opening);
        // By time: the wallet's row without a time takes the account's creation.
        QCOMPARE(rows->at(0).time, at(1690000000000));
        QCOMPARE(rows->at(0).asset, QStringLiteral("USDC"));
        QCOMPARE(rows->at(0).network, QStringLiteral("base"));
        QCOMPARE(rows->at(0).kind, TransactionKind::Deposit);
        QCOMPARE(rows->at(1).time, at(1700000500000));
        QCOMPARE(rows->at(1).quantity, dec("0.12345678"));
        QCOMPARE(rows->at(3).kind, TransactionKind::Adjustment); // a negative holding stays negative
        QCOMPARE(rows->at(3).quantity, dec("-3"));
        auto holdings = storage::HoldingsRepo(db).list();
        QCOMPARE(holdings->size(), 4);
        QCOMPARE(*holdings, *storage::TransactionRepo(db).sums());
    }

    void holdingsAlwaysEqualTheSum_data()
    {
        QTest::addColumn<quint32>("seed");
        for (quint32 seed : {1U, 2U, 3U, 17U, 2025U})
            QTest::newRow(qPrintable(QStringLiteral("seed %1").arg(seed))) << seed;
    }

    void holdingsAlwaysEqualTheSum()
    {
        // Random adds (every kind), edits, deletes, restores, classifies and
        // holdings sets; after each step the materialised holdings equal the
        // sum recomputed from the transactions, refused steps included.
        QFETCH(quint32, seed);
        Fixture f;
        QRandomGenerator rng(seed);
        const QStringList assets{QStringLiteral("BTC"), QStringLiteral("ETH"), QStringLiteral("USDT")};
        const QStringList networks{QString(), QStringLiteral("ethereum")};
        const QList<domain::Account> accounts{f.paper, f.wallet};
        const auto amount = [&rng] {
            // 0.000001 to 5 with six decimals
            return Decimal::fromInt(rng.bounded(1, 5000000)) / Decimal::fromInt(1000000);
        };
        QList<qint64> live;
        QList<qint64> deleted;
        int refused = 0;
        for (int step = 0; step < 250; ++step) {
            f.now += static_cast<qint64>(rng.bounded(1, 1000)) * 60000;
            auto service = f.service();
            const domain::Account &account = accounts.at(static_cast<qsizetype>(rng.bounded(2)));
            const QString &asset = assets.at(static_cast<qsizetype>(rng.bounded(3)));
            const int op = static_cast<int>(rng.bounded(100));
            bool ok = true;
            if (op < 35) {
                Transaction tx;
                tx.time = at(f.now);
                tx.accountId = account.id;
                tx.network = networks.at(static_cast<qsizetype>(rng.bounded(2)));
                tx.asset = asset;
                tx.quantity = amount();
                const int kind = static_cast<int>(rng.bounded(5));
                tx.kind = kind == 0 ? TransactionKind::Deposit
                    : kind == 1     ? TransactionKind::Withdrawal
                    : kind == 2     ? TransactionKind::Income
                    : kind == 3     ? TransactionKind::Fee
                                    : TransactionKind::Trade;
                if (tx.kind == TransactionKind::Trade) {
                    tx.asset = QStringLiteral("BTC");
                    tx.quote = QStringLiteral("USDT");
                    tx.side = rng.bounded(2) == 0 ? domain::Side::Buy : domain::Side::Sell;
                    tx.price = Decimal::fromInt(rng.bounded(1, 3));
                    tx.fee = amount();
                    tx.feeAsset = QStringLiteral("USDT");
                }
                auto added = service.add(tx);
                ok = added.ok();
                if (ok)
                    live.append(added->id);
            } else if (op < 50 && !live.isEmpty()) {
                const qint64 id = live.at(static_cast<qsizetype>(rng.bounded(static_cast<quint32>(live.size()))));
                auto found = service.find(id);
                QVERIFY(found.ok() && found->has_value());
                Transaction tx = **found;
                tx.quantity = tx.kind == TransactionKind::Adjustment && tx.quantity.isNegative() ? -amount() : amount();
                tx.time = at(f.now);
                ok = service.edit(tx).ok();
            } else if (op < 62 && !live.isEmpty()) {
                const qint64 id = live.at(static_cast<qsizetype>(rng.bounded(static_cast<quint32>(live.size()))));
                auto removed = service.remove(id);
                ok = removed.ok();
                if (ok) {
                    for (const Transaction &tx : *removed) {
                        live.removeAll(tx.id);
                        deleted.append(tx.id);
                    }
                }
            } else if (op < 70 && !deleted.isEmpty()) {
                const qint64 id = deleted.at(static_cast<qsizetype>(rng.bounded(static_cast<quint32>(deleted.size()))));
                auto restored = service.restore(id);
                ok = restored.ok();
                if (ok) {
                    for (const Transaction &tx : *restored) {
                        deleted.removeAll(tx.id);
                        live.append(tx.id);
                    }
                }
            } else if (op < 85) {
                const QString &network = networks.at(static_cast<qsizetype>(rng.bounded(2)));
                const Decimal target = rng.bounded(4) == 0 ? Decimal() : amount();
                ok = f.ledger().setHoldings(account.name, {{0, {}, asset, network, target}}).ok();
                auto all = service.list();
                live.clear();
                for (const auto &row : *all)
                    live.append(row.tx.id);
            } else {
                services::TransactionQuery open;
                open.unexplainedOnly = true;
                auto pending = service.list(open);
                QVERIFY(pending.ok());
                if (!pending->isEmpty()) {
                    const Transaction tx = pending->first().tx;
                    const auto as = tx.quantity.isPositive()
                        ? (rng.bounded(2) == 0 ? services::Classification::Deposit : services::Classification::Income)
                        : services::Classification::Withdrawal;
                    QVERIFY(service.classify(tx.id, as).ok());
                }
            }
            refused += ok ? 0 : 1;
            const auto holdings = f.holdings();
            QCOMPARE(holdings, f.sums());
            for (const auto &holding : holdings)
                QVERIFY2(!holding.quantity.isNegative(), qPrintable(holding.asset));
        }
        // Both kinds of outcome happened: the refusals were exercised too.
        QVERIFY(refused > 0);
        QVERIFY(!live.isEmpty());
    }

    void importLinksTransferLegsOfAFile()
    {
        Fixture f;
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("binance.csv"));
        // One move with both legs at one time (linked); one whose in leg
        // comes 11 minutes later (outside the window); one whose legs differ
        // in quantity. Neither of the last two is linked.
        writeFile(file,
                  "User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n"
                  "1,2025-01-01 10:00:00,Spot,Deposit,USDT,1000,\n"
                  "1,2025-01-02 08:00:00,Spot,Transfer Between Main and Funding Wallet,USDT,-100,\n"
                  "1,2025-01-02 08:00:00,Funding,Transfer Between Main and Funding Wallet,USDT,100,\n"
                  "1,2025-01-03 08:00:00,Spot,Transfer Between Main and Funding Wallet,USDT,-30,\n"
                  "1,2025-01-03 08:11:00,Funding,Transfer Between Main and Funding Wallet,USDT,30,\n"
                  "1,2025-01-04 08:00:00,Spot,Transfer Between Main and Funding Wallet,USDT,-20,\n"
                  "1,2025-01-04 08:00:00,Funding,Transfer Between Main and Funding Wallet,USDT,25,\n");
        services::ImportOptions options;
        options.account = QStringLiteral("cold");
        options.network = QStringLiteral("binance");
        auto reports = f.service().importFiles(options, {file});
        QVERIFY2(reports.ok(), reports.ok() ? "" : qPrintable(reports.error().message));
        QCOMPARE(reports->size(), 1);
        const services::FileImportReport &report = reports->first();
        QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
        QCOMPARE(report.format, QStringLiteral("binance-transactions"));
        QCOMPARE(report.added, 7);
        QCOMPARE(report.linkedTransfers, 1);
        QVERIFY2(report.warnings.join(QLatin1Char('\n')).contains(QStringLiteral("4 transfer leg(s)")),
                 qPrintable(report.warnings.join(QLatin1Char('\n'))));
        const auto rows = *storage::TransactionRepo(f.temp.db()).list();
        int linked = 0;
        for (const Transaction &tx : rows) {
            QCOMPARE(tx.network, QStringLiteral("binance"));
            QCOMPARE(tx.accountId, f.wallet.id);
            if (tx.linkId == 0)
                continue;
            ++linked;
            const auto other = *storage::TransactionRepo(f.temp.db()).find(tx.linkId);
            QVERIFY(other.has_value());
            QCOMPARE(other->linkId, tx.id);
            QCOMPARE(other->time, tx.time);
        }
        QCOMPARE(linked, 2);
        QCOMPARE(f.held(f.wallet, QStringLiteral("USDT"), QStringLiteral("binance")), dec("1005"));
    }

    void importToPaperMovesItsBalancesAndDryRunDoesNot()
    {
        Fixture f;
        QTemporaryDir dir;
        const QString first = dir.filePath(QStringLiteral("a.csv"));
        writeFile(first,
                  "User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n"
                  "1,2025-01-01 10:00:00,Spot,Deposit,USDT,1000,\n");
        const QString second = dir.filePath(QStringLiteral("b.csv"));
        writeFile(second,
                  "User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n"
                  "1,2025-01-02 10:00:00,Spot,Deposit,USDT,250,\n");
        services::ImportOptions options;
        options.account = QStringLiteral("paper");
        QVERIFY(f.service().importFiles(options, {first}).ok());
        QCOMPARE(f.paperBalance(QStringLiteral("USDT")), dec("1000"));

        options.dryRun = true;
        auto dry = f.service().importFiles(options, {first, second});
        QVERIFY(dry.ok());
        QCOMPARE(dry->at(0).added, 0);
        QCOMPARE(dry->at(0).duplicates, 1);
        QCOMPARE(dry->at(1).added, 1);
        QCOMPARE(f.paperBalance(QStringLiteral("USDT")), dec("1000"));
        QCOMPARE(f.held(f.paper, QStringLiteral("USDT")), dec("1000"));
        QCOMPARE(storage::TransactionRepo(f.temp.db()).list()->size(), 1);
    }

    void deletedImportIsNotBroughtBack()
    {
        Fixture f;
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("a.csv"));
        writeFile(file,
                  "User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n"
                  "1,2025-01-01 10:00:00,Spot,Deposit,USDT,1000,\n"
                  "1,2025-01-02 10:00:00,Spot,Deposit,BTC,1,\n");
        services::ImportOptions options;
        options.account = QStringLiteral("cold");
        QCOMPARE(f.service().importFiles(options, {file})->first().added, 2);
        const auto btc = storage::TransactionRepo(f.temp.db()).list()->at(1);
        QVERIFY(f.service().remove(btc.id).ok());
        auto again = f.service().importFiles(options, {file});
        QCOMPARE(again->first().added, 0);
        QCOMPARE(again->first().duplicates, 2);
        QCOMPARE(f.held(f.wallet, QStringLiteral("BTC")), Decimal());
    }

    void importRefusesWhatConcernsEveryFile()
    {
        Fixture f;
        services::ImportOptions options;
        options.account = QStringLiteral("nobody");
        QVERIFY(!f.service().importFiles(options, {QStringLiteral("x.csv")}).ok());
        options.account = QStringLiteral("cold");
        options.format = QStringLiteral("bitstamp");
        auto unknown = f.service().importFiles(options, {QStringLiteral("x.csv")});
        QVERIFY(!unknown.ok());
        QVERIFY2(unknown.error().message.contains(QStringLiteral("bitstamp")), qPrintable(unknown.error().message));
        options.format = QStringLiteral("mapping:/nonexistent/m.json");
        QVERIFY(!f.service().importFiles(options, {QStringLiteral("x.csv")}).ok());
        // A missing data file is that file's refusal, not the command's.
        options.format.clear();
        auto missing = f.service().importFiles(options, {QStringLiteral("/nonexistent/x.csv")});
        QVERIFY(missing.ok());
        QVERIFY2(missing->first().error.contains(QStringLiteral("/nonexistent/x.csv")),
                 qPrintable(missing->first().error));
    }
};

QTEST_GUILESS_MAIN(TstTransactions)
#include "tst_transactions.moc"
