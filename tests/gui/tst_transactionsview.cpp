// The transactions page on a real ledger file: filters, add / edit / delete
// with undo through the window's undo group, classification of unexplained
// adjustments, and imports driven through the import dialog's widgets.
#include "appcontext.h"
#include "dialogs/classifydialog.h"
#include "dialogs/transactiondialog.h"
#include "dialogs/transactionimportdialog.h"
#include "mainwindow.h"
#include "models/transactionfilterproxy.h"
#include "models/transactionsmodel.h"
#include "services/ledger.h"
#include "services/transactionservice.h"
#include "testsupport.h"
#include "views/transactionsview.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTimeZone>
#include <QUndoGroup>
#include <QUndoStack>

#include <memory>

using namespace ballast;
using domain::Transaction;
using domain::TransactionKind;
using money::Decimal;
using ui::TransactionsModel;

namespace {

constexpr int kWaitMs = 60000; // generous: the suite may run under ASan on a busy machine

qint64 fixedNow()
{
    return QDateTime(QDate(2024, 6, 15), QTime(12, 0), QTimeZone::utc()).toMSecsSinceEpoch();
}

QDateTime at(int month, int day)
{
    return QDateTime(QDate(2024, month, day), QTime(10, 0), QTimeZone::utc());
}

Decimal dec(const char *text)
{
    return *Decimal::parse(QString::fromLatin1(text));
}

// Binance "Transaction History": a deposit, a buy (two rows) and interest.
QByteArray binanceFile()
{
    return QByteArrayLiteral("User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n"
                             "1001,2024-05-01 10:00:00,Spot,Deposit,USDT,500.00000000,\n"
                             "1001,2024-05-02 11:30:15,Spot,Buy,BTC,0.00100000,\n"
                             "1001,2024-05-02 11:30:15,Spot,Buy,USDT,-60.12000000,\n"
                             "1001,2024-05-04 00:00:00,Earn,Simple Earn Flexible Interest,USDT,0.01234567,\n");
}

// Kraken ledgers.csv whose second row has an amount that is not a number.
QByteArray brokenKrakenFile()
{
    return QByteArrayLiteral(
        "\"txid\",\"refid\",\"time\",\"type\",\"subtype\",\"aclass\",\"asset\",\"amount\",\"fee\",\"balance\"\n"
        "\"LAAAAA-AAAAA-AAAAAA\",\"QCAAAAA-BBBBB-CCCCCC\",\"2024-03-01 10:00:00\",\"deposit\",\"\",\"currency\","
        "\"ZEUR\",1000.0000,0.0000,1000.0000\n"
        "\"LBBBBB-BBBBB-BBBBBB\",\"QCBBBBB-BBBBB-CCCCCC\",\"2024-03-02 10:00:00\",\"deposit\",\"\",\"currency\","
        "\"ZEUR\",12x.5,0.0000,1000.0000\n");
}

} // namespace

class TestTransactionsView : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void loadsEveryTransactionNewestFirst();
    void modelContract();
    void filtersNarrowTheTable();
    void addUndoRedoThroughTheWindow();
    void addShowsErrorsBesideTheFields();
    void refusedAddChangesNothing();
    void editAndUndo();
    void transferAddedAndDeletedAsBothLegs();
    void classifyRemovesTheUnexplainedMark();
    void importsABinanceFileThroughTheDialog();
    void refusedFileShowsLineAndColumnAndStoresNothing();
    void mappingPreviewShowsRowErrors();
    void exchangeImportIsAHook();

private:
    [[nodiscard]] int rowsShown() const { return m_view->proxy()->rowCount(); }
    [[nodiscard]] Decimal held(const QString &account, const QString &asset);
    void select(qint64 id);
    /// Waits until the page has the rows of the ledger as it is now (they are
    /// read off the GUI thread).
    static void settle(ui::TransactionsView *view);
    static void choose(QComboBox *combo, const QVariant &data);
    static void type(QWidget *parent, const char *name, const QString &text);
    [[nodiscard]] QString writeFile(const QString &name, const QByteArray &bytes) const;

    std::unique_ptr<test::TempDatabase> m_db;
    std::unique_ptr<ui::AppContext> m_context;
    std::unique_ptr<ui::TransactionsView> m_view;
    domain::Account m_main;
    domain::Account m_cold;
    qint64 m_btcDeposit = 0;
    qint64 m_trade = 0;
    qint64 m_adjustment = 0;
};

void TestTransactionsView::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("BallastTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_transactionsview"));
    // The texts compared below are those of this locale.
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
}

void TestTransactionsView::init()
{
    m_db = std::make_unique<test::TempDatabase>();
    const Clock clock = [] { return fixedNow(); };
    services::Ledger ledger(m_db->db(), clock);
    auto main = ledger.addAccount(QStringLiteral("main"), QStringLiteral("manual"));
    auto cold = ledger.addAccount(QStringLiteral("cold"), QStringLiteral("manual"));
    QVERIFY(main && cold);
    m_main = *main;
    m_cold = *cold;
    services::TransactionService service(m_db->db(), clock);
    auto deposit = [&](const domain::Account &account, const QString &asset, const char *quantity, QDateTime time) {
        Transaction tx;
        tx.kind = TransactionKind::Deposit;
        tx.accountId = account.id;
        tx.asset = asset;
        tx.quantity = dec(quantity);
        tx.time = std::move(time);
        auto added = service.add(tx);
        return added ? added->id : 0;
    };
    m_btcDeposit = deposit(m_main, QStringLiteral("BTC"), "1", at(1, 10));
    QVERIFY(deposit(m_main, QStringLiteral("USDT"), "2000", at(2, 1)) > 0);
    Transaction trade;
    trade.kind = TransactionKind::Trade;
    trade.side = domain::Side::Buy;
    trade.accountId = m_main.id;
    trade.asset = QStringLiteral("ETH");
    trade.quote = QStringLiteral("USDT");
    trade.quantity = dec("0.5");
    trade.price = dec("2000");
    trade.fee = dec("1");
    trade.feeAsset = QStringLiteral("USDT");
    trade.time = at(3, 1);
    auto traded = service.add(trade);
    QVERIFY(traded);
    m_trade = traded->id;
    QVERIFY(deposit(m_cold, QStringLiteral("BTC"), "2", at(4, 1)) > 0);
    // A sync found 0.9 BTC where the transactions sum to 1: an unexplained adjustment.
    auto adjusted =
        service.reconcile(m_main, {domain::Holding{m_main.id, m_main.name, QStringLiteral("BTC"), {}, dec("0.9")}},
                          domain::TransactionSource::Sync, {});
    QVERIFY(adjusted && adjusted->size() == 1);
    m_adjustment = adjusted->first().id;

    m_context = std::make_unique<ui::AppContext>(m_db->db(), m_db->path(), clock);
    m_view = std::make_unique<ui::TransactionsView>(*m_context);
    m_view->resize(1300, 700);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    settle(m_view.get());
}

void TestTransactionsView::cleanup()
{
    m_view.reset();
    m_context.reset();
    m_db.reset();
}

Decimal TestTransactionsView::held(const QString &account, const QString &asset)
{
    auto sums = services::TransactionService(m_db->db()).sums();
    Decimal total;
    if (!sums)
        return total;
    for (const auto &holding : *sums) {
        if (holding.accountName == account && holding.asset == asset)
            total += holding.quantity;
    }
    return total;
}

void TestTransactionsView::settle(ui::TransactionsView *view)
{
    QTRY_VERIFY_WITH_TIMEOUT(!view->isLoading(), kWaitMs);
}

void TestTransactionsView::select(qint64 id)
{
    QVERIFY2(m_view->selectTransaction(id), qPrintable(QString::number(id)));
    QCOMPARE(m_view->selectedId().value_or(0), id);
}

void TestTransactionsView::choose(QComboBox *combo, const QVariant &data)
{
    QVERIFY(combo);
    const int index = combo->findData(data);
    QVERIFY2(index >= 0, qPrintable(data.toString()));
    combo->setCurrentIndex(index);
}

void TestTransactionsView::type(QWidget *parent, const char *name, const QString &text)
{
    auto *edit = parent->findChild<QLineEdit *>(QString::fromLatin1(name));
    QVERIFY2(edit, name);
    edit->clear();
    QTest::keyClicks(edit, text);
}

QString TestTransactionsView::writeFile(const QString &name, const QByteArray &bytes) const
{
    const QString path = m_db->dir() + QLatin1Char('/') + name;
    QFile file(path);
    if (file.open(QIODevice::WriteOnly))
        file.write(bytes);
    return path;
}

void TestTransactionsView::loadsEveryTransactionNewestFirst()
{
    QCOMPARE(m_view->model()->rowCount(), 5);
    QCOMPARE(rowsShown(), 5);
    // The adjustment is the newest (the sync ran "now"); the first deposit the oldest.
    QCOMPARE(m_view->proxy()->index(0, 0).data(TransactionsModel::IdRole).toLongLong(), m_adjustment);
    QCOMPARE(m_view->proxy()->index(4, 0).data(TransactionsModel::IdRole).toLongLong(), m_btcDeposit);
    const QModelIndex trade = m_view->model()->index(m_view->model()->rowOf(m_trade), TransactionsModel::Price);
    QCOMPARE(trade.data().toString(), QStringLiteral("2,000 USDT"));
    QCOMPARE(trade.siblingAtColumn(TransactionsModel::Fee).data().toString(), QStringLiteral("1 USDT"));
    QCOMPARE(trade.siblingAtColumn(TransactionsModel::Asset).data().toString(), QStringLiteral("ETH/USDT"));
    const QModelIndex adjustment =
        m_view->model()->index(m_view->model()->rowOf(m_adjustment), TransactionsModel::Quantity);
    QCOMPARE(adjustment.data().toString(), QStringLiteral("-0.1"));
    QVERIFY(adjustment.data(Qt::BackgroundRole).isValid()); // highlighted
    QVERIFY(!trade.data(Qt::BackgroundRole).isValid());
    QVERIFY2(m_view->headerLabel()->text().contains(QStringLiteral("1 unexplained adjustment")),
             qPrintable(m_view->headerLabel()->text()));
}

void TestTransactionsView::modelContract()
{
    QAbstractItemModelTester model(m_view->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    QAbstractItemModelTester proxy(m_view->proxy(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    m_view->unexplainedFilter()->setChecked(true);
    m_view->refresh();
    settle(m_view.get());
    m_view->table()->sortByColumn(TransactionsModel::Quantity, Qt::AscendingOrder);
    // Sorted by the exact quantity: the adjustment (-0.1) first, the USDT deposit last.
    m_view->unexplainedFilter()->setChecked(false);
    QCOMPARE(m_view->proxy()->index(0, TransactionsModel::Quantity).data().toString(), QStringLiteral("-0.1"));
    QCOMPARE(m_view->proxy()->index(4, TransactionsModel::Quantity).data().toString(), QStringLiteral("2,000"));
}

void TestTransactionsView::filtersNarrowTheTable()
{
    choose(m_view->accountFilter(), QVariant::fromValue<qint64>(m_cold.id));
    QCOMPARE(rowsShown(), 1);
    choose(m_view->accountFilter(), QVariant::fromValue<qint64>(0));
    QCOMPARE(rowsShown(), 5);

    choose(m_view->assetFilter(), QStringLiteral("ETH"));
    QCOMPARE(rowsShown(), 1);
    // USDT: its deposit and the trade that paid in it (quote and fee).
    choose(m_view->assetFilter(), QStringLiteral("USDT"));
    QCOMPARE(rowsShown(), 2);
    choose(m_view->assetFilter(), QString());

    choose(m_view->kindFilter(), QStringLiteral("trade"));
    QCOMPARE(rowsShown(), 1);
    QCOMPARE(m_view->proxy()->index(0, 0).data(TransactionsModel::IdRole).toLongLong(), m_trade);
    choose(m_view->kindFilter(), QString());

    // From 15 February to 1 April, both days included: the trade and cold's deposit.
    m_view->fromFilter()->setDate(QDate(2024, 2, 15));
    m_view->toFilter()->setDate(QDate(2024, 4, 1));
    QCOMPARE(rowsShown(), 2);
    m_view->fromFilter()->setDate(m_view->fromFilter()->minimumDate());
    m_view->toFilter()->setDate(m_view->toFilter()->minimumDate());
    QCOMPARE(rowsShown(), 5);

    m_view->unexplainedFilter()->setChecked(true);
    QCOMPARE(rowsShown(), 1);
    QCOMPARE(m_view->proxy()->index(0, 0).data(TransactionsModel::IdRole).toLongLong(), m_adjustment);
    // Filters combine.
    choose(m_view->accountFilter(), QVariant::fromValue<qint64>(m_cold.id));
    QCOMPARE(rowsShown(), 0);
}

void TestTransactionsView::addUndoRedoThroughTheWindow()
{
    m_view.reset();
    ui::MainWindow window(*m_context);
    window.showPage(ui::MainWindow::Page::Transactions);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto *view = qobject_cast<ui::TransactionsView *>(window.page(ui::MainWindow::Page::Transactions));
    QVERIFY(view);
    settle(view);
    QCOMPARE(window.undoGroup()->activeStack(), view->undoStack());
    const int before = view->model()->rowCount();

    ui::TransactionDialog *dialog = view->openAddDialog();
    QVERIFY(dialog);
    choose(dialog->findChild<QComboBox *>(QStringLiteral("kind")), QStringLiteral("deposit"));
    choose(dialog->findChild<QComboBox *>(QStringLiteral("account")), QVariant::fromValue<qint64>(m_main.id));
    type(dialog, "asset", QStringLiteral("sol"));
    type(dialog, "quantity", QStringLiteral("3.25"));
    type(dialog, "note", QStringLiteral("from a friend"));
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("ok")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->isVisible(), kWaitMs);
    settle(view);
    QCOMPARE(view->model()->rowCount(), before + 1);
    QCOMPARE(held(QStringLiteral("main"), QStringLiteral("SOL")), dec("3.25"));

    // Edit > Undo of the window removes it; Redo brings the same row back.
    QVERIFY(window.undoGroup()->canUndo());
    window.undoGroup()->undo();
    settle(view);
    QCOMPARE(view->model()->rowCount(), before);
    QCOMPARE(held(QStringLiteral("main"), QStringLiteral("SOL")), Decimal());
    window.undoGroup()->redo();
    settle(view);
    QCOMPARE(view->model()->rowCount(), before + 1);
    QCOMPARE(held(QStringLiteral("main"), QStringLiteral("SOL")), dec("3.25"));
}

void TestTransactionsView::addShowsErrorsBesideTheFields()
{
    ui::TransactionDialog *dialog = m_view->openAddDialog();
    choose(dialog->findChild<QComboBox *>(QStringLiteral("kind")), QStringLiteral("trade"));
    type(dialog, "asset", QStringLiteral("ETH"));
    type(dialog, "quote", QStringLiteral("USDT"));
    type(dialog, "quantity", QStringLiteral("0.1x"));
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("ok")), Qt::LeftButton);
    QVERIFY(dialog->isVisible());
    QVERIFY2(!dialog->fieldError(QStringLiteral("quantity")).isEmpty(), "no error beside the quantity");
    // A trade needs its price: said beside the price.
    QVERIFY2(dialog->fieldError(QStringLiteral("price")).contains(QStringLiteral("required")),
             qPrintable(dialog->fieldError(QStringLiteral("price"))));
    auto *label = dialog->findChild<QLabel *>(QStringLiteral("quantityError"));
    QVERIFY(label && label->isVisible());

    type(dialog, "quantity", QStringLiteral("0.1"));
    type(dialog, "price", QStringLiteral("3000"));
    type(dialog, "fee", QStringLiteral("0.5"));
    type(dialog, "quote", QStringLiteral("ETH"));
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("ok")), Qt::LeftButton);
    QVERIFY(dialog->isVisible());
    QVERIFY(dialog->fieldError(QStringLiteral("quantity")).isEmpty());
    // domain::validate's message lands beside its field.
    QVERIFY2(dialog->fieldError(QStringLiteral("quote")).contains(QStringLiteral("differ")),
             qPrintable(dialog->fieldError(QStringLiteral("quote"))));
    QCOMPARE(m_view->model()->rowCount(), 5);
    dialog->reject();
}

void TestTransactionsView::refusedAddChangesNothing()
{
    const QByteArray before = test::contentDigest(m_db->db());
    ui::TransactionDialog *dialog = m_view->openAddDialog();
    choose(dialog->findChild<QComboBox *>(QStringLiteral("kind")), QStringLiteral("withdrawal"));
    choose(dialog->findChild<QComboBox *>(QStringLiteral("account")), QVariant::fromValue<qint64>(m_main.id));
    type(dialog, "asset", QStringLiteral("BTC"));
    type(dialog, "quantity", QStringLiteral("100"));
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("ok")), Qt::LeftButton);
    QVERIFY(dialog->isVisible());
    QVERIFY2(dialog->generalError().contains(QStringLiteral("nothing was changed")),
             qPrintable(dialog->generalError()));
    QCOMPARE(test::contentDigest(m_db->db()), before);
    QVERIFY(!m_view->undoStack()->canUndo()); // the refused step is not on the stack
    dialog->reject();
}

void TestTransactionsView::editAndUndo()
{
    select(m_btcDeposit);
    ui::TransactionDialog *dialog = m_view->openEditDialog();
    QVERIFY(dialog);
    QCOMPARE(dialog->findChild<QLineEdit *>(QStringLiteral("quantity"))->text(), QStringLiteral("1"));
    type(dialog, "quantity", QStringLiteral("1.5"));
    type(dialog, "note", QStringLiteral("corrected"));
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("ok")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->isVisible(), kWaitMs);
    settle(m_view.get());
    QCOMPARE(held(QStringLiteral("main"), QStringLiteral("BTC")), dec("1.4")); // 1.5 - 0.1 adjustment
    const int row = m_view->model()->rowOf(m_btcDeposit);
    QCOMPARE(m_view->model()->row(row).tx.note, QStringLiteral("corrected"));
    QCOMPARE(m_view->selectedId().value_or(0), m_btcDeposit); // the selection survives the reload

    m_view->undoStack()->undo();
    settle(m_view.get());
    QCOMPARE(held(QStringLiteral("main"), QStringLiteral("BTC")), dec("0.9"));
    QCOMPARE(m_view->model()->row(m_view->model()->rowOf(m_btcDeposit)).tx.note, QString());
    m_view->undoStack()->redo();
    settle(m_view.get());
    QCOMPARE(held(QStringLiteral("main"), QStringLiteral("BTC")), dec("1.4"));
}

void TestTransactionsView::transferAddedAndDeletedAsBothLegs()
{
    ui::TransactionDialog *dialog = m_view->openAddDialog();
    choose(dialog->findChild<QComboBox *>(QStringLiteral("kind")), QStringLiteral("transfer"));
    choose(dialog->findChild<QComboBox *>(QStringLiteral("account")), QVariant::fromValue<qint64>(m_main.id));
    choose(dialog->findChild<QComboBox *>(QStringLiteral("to_account")), QVariant::fromValue<qint64>(m_cold.id));
    type(dialog, "asset", QStringLiteral("BTC"));
    type(dialog, "quantity", QStringLiteral("0.25"));
    type(dialog, "fee", QStringLiteral("0.0001"));
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("ok")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->isVisible(), kWaitMs);
    settle(m_view.get());
    QCOMPARE(m_view->model()->rowCount(), 7);
    QCOMPARE(held(QStringLiteral("main"), QStringLiteral("BTC")), dec("0.6499"));
    QCOMPARE(held(QStringLiteral("cold"), QStringLiteral("BTC")), dec("2.25"));
    qint64 outLeg = 0;
    for (const auto &row : m_view->model()->rows()) {
        if (row.tx.kind == TransactionKind::TransferOut)
            outLeg = row.tx.id;
    }
    QVERIFY(outLeg != 0);
    m_view->undoStack()->clear(); // the delete is the step under test

    select(outLeg);
    m_view->deleteSelected();
    settle(m_view.get());
    QCOMPARE(m_view->model()->rowCount(), 5); // both legs
    QCOMPARE(held(QStringLiteral("main"), QStringLiteral("BTC")), dec("0.9"));
    QCOMPARE(held(QStringLiteral("cold"), QStringLiteral("BTC")), dec("2"));
    m_view->undoStack()->undo();
    settle(m_view.get());
    QCOMPARE(m_view->model()->rowCount(), 7);
    QCOMPARE(held(QStringLiteral("cold"), QStringLiteral("BTC")), dec("2.25"));
    const auto &out = m_view->model()->row(m_view->model()->rowOf(outLeg)).tx;
    QVERIFY(out.linkId != 0);
    QVERIFY(m_view->model()->rowOf(out.linkId) >= 0);
}

void TestTransactionsView::classifyRemovesTheUnexplainedMark()
{
    select(m_adjustment);
    ui::ClassifyDialog *dialog = m_view->openClassifyDialog();
    QVERIFY(dialog);
    // It removed BTC: a withdrawal or a transfer out; withdrawal comes first.
    auto *as = dialog->findChild<QComboBox *>(QStringLiteral("classification"));
    QCOMPARE(as->count(), 2);
    QCOMPARE(dialog->classification(), services::Classification::Withdrawal);
    dialog->accept();
    settle(m_view.get());
    const int row = m_view->model()->rowOf(m_adjustment);
    QCOMPARE(m_view->model()->row(row).tx.kind, TransactionKind::Withdrawal);
    QVERIFY(!m_view->model()->row(row).tx.unexplained);
    QVERIFY(!m_view->model()->index(row, 0).data(Qt::BackgroundRole).isValid());
    QCOMPARE(m_view->model()->unexplainedCount(), 0);
    QVERIFY2(m_view->headerLabel()->text().contains(QStringLiteral("no unexplained")),
             qPrintable(m_view->headerLabel()->text()));
    QCOMPARE(held(QStringLiteral("main"), QStringLiteral("BTC")), dec("0.9")); // holdings do not move

    m_view->undoStack()->undo();
    settle(m_view.get());
    QVERIFY(m_view->model()->row(m_view->model()->rowOf(m_adjustment)).tx.unexplained);
    QCOMPARE(m_view->model()->unexplainedCount(), 1);
}

void TestTransactionsView::importsABinanceFileThroughTheDialog()
{
    const QString path = writeFile(QStringLiteral("binance.csv"), binanceFile());
    ui::TransactionImportDialog *dialog = m_view->openImportDialog({path});
    choose(dialog->findChild<QComboBox *>(QStringLiteral("account")), QStringLiteral("main"));
    choose(dialog->findChild<QComboBox *>(QStringLiteral("format")), QStringLiteral("binance"));
    auto *preview = dialog->findChild<QTableWidget *>(QStringLiteral("preview"));
    QTRY_VERIFY_WITH_TIMEOUT(preview->rowCount() > 0, kWaitMs);
    auto *import = dialog->findChild<QPushButton *>(QStringLiteral("import"));
    QVERIFY(!import->isEnabled()); // Check comes first

    const QByteArray before = test::contentDigest(m_db->db());
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("check")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->reports().isEmpty() && !dialog->isBusy(), kWaitMs);
    QCOMPARE(test::contentDigest(m_db->db()), before); // the dry run stored nothing
    const services::FileImportReport checked = dialog->reports().first();
    QVERIFY2(checked.error.isEmpty(), qPrintable(checked.error));
    QVERIFY(checked.added > 0);
    QCOMPARE(checked.duplicates, 0);
    auto *results = dialog->findChild<QTableWidget *>(QStringLiteral("results"));
    QCOMPARE(results->rowCount(), 1);
    QCOMPARE(results->item(0, 3)->text(), QString::number(checked.added));
    QVERIFY(import->isEnabled());

    QTest::mouseClick(import, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(dialog->isDone(), kWaitMs);
    QCOMPARE(dialog->reports().first().added, checked.added);
    settle(m_view.get());
    QCOMPARE(m_view->model()->rowCount(), 5 + checked.added);
    QCOMPARE(held(QStringLiteral("main"), QStringLiteral("USDT")),
             dec("1438.89234567")); // 2000 - 1001 + 500 - 60.12 + interest
    auto *status = dialog->findChild<QLabel *>(QStringLiteral("status"));
    QVERIFY2(status->text().contains(QStringLiteral("Imported")), qPrintable(status->text()));
    QVERIFY(m_context->backgroundWrite().isEmpty());

    // The same file again: every transaction is stored already.
    ui::TransactionImportDialog *again = m_view->openImportDialog({path});
    choose(again->findChild<QComboBox *>(QStringLiteral("account")), QStringLiteral("main"));
    again->check();
    QTRY_VERIFY_WITH_TIMEOUT(!again->reports().isEmpty() && !again->isBusy(), kWaitMs);
    QCOMPARE(again->reports().first().added, 0);
    QCOMPARE(again->reports().first().duplicates, checked.transactions);
    QVERIFY(!again->findChild<QPushButton *>(QStringLiteral("import"))->isEnabled());
    again->reject();
    dialog->reject();
}

void TestTransactionsView::refusedFileShowsLineAndColumnAndStoresNothing()
{
    const QString path = writeFile(QStringLiteral("ledgers.csv"), brokenKrakenFile());
    const QByteArray before = test::contentDigest(m_db->db());
    ui::TransactionImportDialog *dialog = m_view->openImportDialog({path});
    choose(dialog->findChild<QComboBox *>(QStringLiteral("account")), QStringLiteral("cold"));
    choose(dialog->findChild<QComboBox *>(QStringLiteral("format")), QStringLiteral("kraken"));
    // The preview already says why.
    auto *previewStatus = dialog->findChild<QLabel *>(QStringLiteral("previewStatus"));
    QTRY_VERIFY_WITH_TIMEOUT(previewStatus->text().contains(QStringLiteral("line 3")), kWaitMs);

    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("check")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->reports().isEmpty() && !dialog->isBusy(), kWaitMs);
    const QString error = dialog->reports().first().error;
    // Line 3 (the header is line 1), column 8 is the amount.
    QVERIFY2(error.contains(path + QStringLiteral(": line 3, column 8")), qPrintable(error));
    auto *results = dialog->findChild<QTableWidget *>(QStringLiteral("results"));
    QVERIFY2(results->item(0, 6)->text().contains(QStringLiteral("line 3, column 8")),
             qPrintable(results->item(0, 6)->text()));
    // The status line gives the whole message: file, line and column.
    auto *status = dialog->findChild<QLabel *>(QStringLiteral("status"));
    QVERIFY2(status->text().contains(path + QStringLiteral(": line 3, column 8")), qPrintable(status->text()));
    QVERIFY(!dialog->findChild<QPushButton *>(QStringLiteral("import"))->isEnabled());
    dialog->startImport(); // refused as the button is: nothing to import
    QVERIFY(!dialog->isBusy());
    QCOMPARE(test::contentDigest(m_db->db()), before);
    QCOMPARE(m_view->model()->rowCount(), 5);
    dialog->reject();
}

void TestTransactionsView::mappingPreviewShowsRowErrors()
{
    const QString path = writeFile(QStringLiteral("bank.csv"),
                                   QByteArrayLiteral("Date,What,Coin,Amount,Ref\n"
                                                     "2024-05-01 09:00:00,in,ADA,100,r1\n"
                                                     "2024-05-02 09:00:00,in,ADA,1o0,r2\n"
                                                     "2024-05-03 09:00:00,out,ADA,40,r3\n"));
    ui::TransactionImportDialog *dialog = m_view->openImportDialog({path});
    choose(dialog->findChild<QComboBox *>(QStringLiteral("account")), QStringLiteral("cold"));
    choose(dialog->findChild<QComboBox *>(QStringLiteral("format")), QStringLiteral("mapping"));
    // The header reaches the column lists; a column named as the field is chosen already.
    auto *time = dialog->findChild<QComboBox *>(QStringLiteral("column_time"));
    QTRY_VERIFY_WITH_TIMEOUT(time->count() == 6, kWaitMs);
    choose(time, QStringLiteral("Date"));
    choose(dialog->findChild<QComboBox *>(QStringLiteral("column_kind")), QStringLiteral("What"));
    choose(dialog->findChild<QComboBox *>(QStringLiteral("column_asset")), QStringLiteral("Coin"));
    choose(dialog->findChild<QComboBox *>(QStringLiteral("column_quantity")), QStringLiteral("Amount"));
    choose(dialog->findChild<QComboBox *>(QStringLiteral("column_externalId")), QStringLiteral("Ref"));
    dialog->findChild<QPlainTextEdit *>(QStringLiteral("kinds"))
        ->setPlainText(QStringLiteral("in = deposit\nout = withdrawal"));
    auto *preview = dialog->findChild<QTableWidget *>(QStringLiteral("preview"));
    // Three rows previewed, the second refused with its line and column.
    QTRY_VERIFY_WITH_TIMEOUT(preview->rowCount() == 3 && preview->item(1, 7) != nullptr
                                 && preview->item(1, 7)->text().contains(QStringLiteral("column 4")),
                             kWaitMs);
    QCOMPARE(preview->item(1, 0)->text(), QStringLiteral("3"));
    QVERIFY2(preview->item(1, 7)->text().contains(QStringLiteral("line 3")), qPrintable(preview->item(1, 7)->text()));
    QCOMPARE(preview->item(0, 2)->text(), QStringLiteral("deposit"));
    QCOMPARE(preview->item(2, 2)->text(), QStringLiteral("withdrawal"));
    QVERIFY(preview->item(0, 7)->text().isEmpty());

    const QByteArray before = test::contentDigest(m_db->db());
    dialog->check();
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->reports().isEmpty() && !dialog->isBusy(), kWaitMs);
    QVERIFY2(dialog->reports().first().error.contains(QStringLiteral("line 3, column 4")),
             qPrintable(dialog->reports().first().error));
    QCOMPARE(test::contentDigest(m_db->db()), before);

    // Fixed file: the same mapping stores all three rows.
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("Date,What,Coin,Amount,Ref\n2024-05-01 09:00:00,in,ADA,100,r1\n2024-05-02 09:00:00,in,ADA,10,r2\n"
               "2024-05-03 09:00:00,out,ADA,40,r3\n");
    file.close();
    dialog->check();
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->reports().isEmpty() && !dialog->isBusy(), kWaitMs);
    QVERIFY2(dialog->reports().first().error.isEmpty(), qPrintable(dialog->reports().first().error));
    QCOMPARE(dialog->reports().first().added, 3);
    dialog->startImport();
    QTRY_VERIFY_WITH_TIMEOUT(dialog->isDone(), kWaitMs);
    QCOMPARE(held(QStringLiteral("cold"), QStringLiteral("ADA")), dec("70"));
    dialog->reject();
}

void TestTransactionsView::exchangeImportIsAHook()
{
    QPushButton *button = m_view->exchangeImportButton();
    // The page's own import by default (tst_transactionsexchangeimport); no handler, no button.
    QVERIFY(button->isEnabled());
    m_view->setExchangeImportHandler({});
    QVERIFY(!button->isEnabled());
    QVERIFY(!button->toolTip().isEmpty());
    int calls = 0;
    m_view->setExchangeImportHandler([&calls] { ++calls; });
    QVERIFY(button->isEnabled());
    QTest::mouseClick(button, Qt::LeftButton);
    QCOMPARE(calls, 1);
}

QTEST_MAIN(TestTransactionsView)
#include "tst_transactionsview.moc"
