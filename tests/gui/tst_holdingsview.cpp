// The holdings page: its tree model against the snapshot, filtering, sorting,
// remembered columns and the CSV exports, on a real demo ledger.
#include "appcontext.h"
#include "io/csvwriter.h"
#include "io/exports.h"
#include "models/holdingstreemodel.h"
#include "services/demoportfolio.h"
#include "services/ledger.h"
#include "services/performanceservice.h"
#include "testsupport.h"
#include "tradehistory.h"
#include "views/holdingsview.h"
#include "workers/costbasisloader.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTimeZone>
#include <QTreeView>

#include <memory>

using namespace ballast;

namespace {

qint64 fixedNow()
{
    return QDateTime(QDate(2024, 6, 15), QTime(12, 0), QTimeZone::utc()).toMSecsSinceEpoch();
}

QString exportText(const QAbstractItemModel *model, const QModelIndex &index, int column)
{
    return model->index(index.row(), column, index.parent()).data(ui::ExportRole).toString();
}

} // namespace

class TestHoldingsView : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void valuesEqualSnapshot();
    void refreshFollowsLedger();
    void filterKeepsParents_data();
    void filterKeepsParents();
    void sortsOnRawValues_data();
    void sortsOnRawValues();
    void remembersColumns();
    void exportsHoldingsLikeCli();
    void exportsTreeAsShown();
    void costBasisAndPnlFromTheLots();

private:
    std::unique_ptr<test::TempDatabase> m_db;
    std::unique_ptr<ui::AppContext> m_context;
    std::unique_ptr<ui::HoldingsView> m_view;
};

void TestHoldingsView::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("BallastTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_holdingsview"));
}

void TestHoldingsView::init()
{
    QSettings().clear();
    m_db = std::make_unique<test::TempDatabase>();
    const Clock clock = [] { return fixedNow(); };
    QVERIFY(services::DemoPortfolio::create(m_db->db(), clock));
    m_context = std::make_unique<ui::AppContext>(m_db->db(), m_db->path(), clock);
    m_view = std::make_unique<ui::HoldingsView>(*m_context);
    m_view->resize(1000, 600);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
}

void TestHoldingsView::cleanup()
{
    m_view.reset();
    m_context.reset();
    m_db.reset();
}

void TestHoldingsView::valuesEqualSnapshot()
{
    QAbstractItemModelTester sourceTester(m_view->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    QAbstractItemModelTester proxyTester(m_view->proxy(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    auto snapshot = m_context->snapshot();
    QVERIFY(snapshot);
    const auto *model = m_view->model();
    QCOMPARE(model->rowCount(), snapshot->positions().size());
    QVERIFY(model->rowCount() >= 6);
    bool sawNetwork = false;
    for (int row = 0; row < model->rowCount(); ++row) {
        const auto &position = snapshot->positions().at(row);
        const QModelIndex asset = model->index(row, ui::HoldingsTreeModel::Name);
        QCOMPARE(asset.data().toString(), position.asset);
        QCOMPARE(exportText(model, asset, ui::HoldingsTreeModel::Quantity), position.quantity.toString());
        QCOMPARE(exportText(model, asset, ui::HoldingsTreeModel::Value), position.value.toString());
        QCOMPARE(exportText(model, asset, ui::HoldingsTreeModel::Price),
                 position.price ? position.price->toString() : QString());
        QCOMPARE(model->index(row, ui::HoldingsTreeModel::Weight).data(ui::HoldingsTreeModel::RawValueRole).toDouble(),
                 position.weight);
        QCOMPARE(model->index(row, ui::HoldingsTreeModel::Target).data(ui::HoldingsTreeModel::RawValueRole).toDouble(),
                 position.target);
        QCOMPARE(model->index(row, ui::HoldingsTreeModel::Drift).data(ui::HoldingsTreeModel::RawValueRole).toDouble(),
                 position.drift());
        // Drift is coloured exactly when the weight is outside its band.
        QCOMPARE(model->index(row, ui::HoldingsTreeModel::Drift).data(Qt::ForegroundRole).isValid(),
                 position.outsideBand());
        QCOMPARE(model->rowCount(asset), position.split.size());
        for (int child = 0; child < model->rowCount(asset); ++child) {
            const auto &holding = position.split.at(child);
            const QModelIndex account = model->index(child, ui::HoldingsTreeModel::Name, asset);
            QCOMPARE(account.data().toString(), holding.accountName);
            QCOMPARE(model->index(child, ui::HoldingsTreeModel::Network, asset).data().toString(), holding.network);
            QCOMPARE(exportText(model, account, ui::HoldingsTreeModel::Quantity), holding.quantity.toString());
            if (position.price)
                QCOMPARE(exportText(model, account, ui::HoldingsTreeModel::Value),
                         (holding.quantity * *position.price).toString());
            sawNetwork = sawNetwork || !holding.network.isEmpty();
        }
    }
    QVERIFY(sawNetwork);
    QVERIFY(m_view->totalsLabel()->text().contains(snapshot->quote()));
}

void TestHoldingsView::refreshFollowsLedger()
{
    QAbstractItemModelTester sourceTester(m_view->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    QAbstractItemModelTester proxyTester(m_view->proxy(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    const QModelIndex eth =
        m_view->proxy()
            ->match(m_view->proxy()->index(0, 0), Qt::DisplayRole, QStringLiteral("ETH"), 1, Qt::MatchExactly)
            .value(0);
    QVERIFY(eth.isValid());
    m_view->tree()->expand(eth);
    const QModelIndex btc =
        m_view->proxy()
            ->match(m_view->proxy()->index(0, 0), Qt::DisplayRole, QStringLiteral("BTC"), 1, Qt::MatchExactly)
            .value(0);
    m_view->tree()->collapse(btc);
    const int before = m_view->proxy()->rowCount(eth);

    // A new holding on the wallet, on its own network: one more child of ETH.
    services::Ledger ledger(m_db->db(), m_context->clock());
    auto wallet = m_context->snapshot()->position(QStringLiteral("BTC"))->split;
    QList<domain::Holding> holdings;
    for (const auto &holding : wallet) {
        if (holding.accountName == QLatin1String("cold-wallet"))
            holdings.append(holding);
    }
    holdings.append(domain::Holding{0, QStringLiteral("cold-wallet"), QStringLiteral("ETH"), QStringLiteral("arbitrum"),
                                    money::dec("1.5")});
    QVERIFY(ledger.setHoldings(QStringLiteral("cold-wallet"), holdings));
    m_context->notifyLedgerChanged();

    const QModelIndex after =
        m_view->proxy()
            ->match(m_view->proxy()->index(0, 0), Qt::DisplayRole, QStringLiteral("ETH"), 1, Qt::MatchExactly)
            .value(0);
    QVERIFY(after.isValid());
    QCOMPARE(m_view->proxy()->rowCount(after), before + 1);
    QVERIFY2(m_view->tree()->isExpanded(after), "an expanded asset stays expanded after a refresh");
    const QModelIndex btcAfter =
        m_view->proxy()
            ->match(m_view->proxy()->index(0, 0), Qt::DisplayRole, QStringLiteral("BTC"), 1, Qt::MatchExactly)
            .value(0);
    QVERIFY2(!m_view->tree()->isExpanded(btcAfter), "a collapsed asset stays collapsed after a refresh");
    auto snapshot = m_context->snapshot();
    const auto *position = snapshot->position(QStringLiteral("ETH"));
    QCOMPARE(exportText(m_view->proxy(), after, ui::HoldingsTreeModel::Quantity), position->quantity.toString());
    QCOMPARE(io::CsvWriter::format(io::Exports::holdings(m_view->model()->snapshot())),
             io::CsvWriter::format(io::Exports::holdings(*snapshot)));
}

void TestHoldingsView::filterKeepsParents_data()
{
    QTest::addColumn<QString>("search");
    QTest::addColumn<QStringList>("assets");
    QTest::addColumn<int>("childrenOfFirst");
    QTest::addColumn<QString>("firstChild");
    // The wallet holds only bitcoin: searching for it keeps BTC with that one holding.
    QTest::newRow("account") << QStringLiteral("cold") << QStringList{QStringLiteral("BTC")} << 1
                             << QStringLiteral("cold-wallet");
    QTest::newRow("network") << QStringLiteral("BITCOIN") << QStringList{QStringLiteral("BTC")} << 1
                             << QStringLiteral("cold-wallet");
    // An asset match shows all of its holdings.
    QTest::newRow("asset") << QStringLiteral("btc") << QStringList{QStringLiteral("BTC")} << 2 << QString();
    QTest::newRow("none") << QStringLiteral("no-such-thing") << QStringList{} << 0 << QString();
}

void TestHoldingsView::filterKeepsParents()
{
    QFETCH(QString, search);
    QFETCH(QStringList, assets);
    QFETCH(int, childrenOfFirst);
    QFETCH(QString, firstChild);
    QAbstractItemModelTester proxyTester(m_view->proxy(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    const int all = m_view->proxy()->rowCount();
    QTest::keyClicks(m_view->searchField(), search);
    QSortFilterProxyModel *proxy = m_view->proxy();
    QStringList shown;
    for (int row = 0; row < proxy->rowCount(); ++row)
        shown.append(proxy->index(row, 0).data().toString());
    QCOMPARE(shown, assets);
    if (!assets.isEmpty()) {
        const QModelIndex first = proxy->index(0, 0);
        QCOMPARE(proxy->rowCount(first), childrenOfFirst);
        if (!firstChild.isEmpty())
            QCOMPARE(proxy->index(0, 0, first).data().toString(), firstChild);
    }
    m_view->searchField()->clear();
    QCOMPARE(proxy->rowCount(), all);
}

void TestHoldingsView::sortsOnRawValues_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<Qt::SortOrder>("order");
    for (int column = ui::HoldingsTreeModel::Quantity; column < ui::HoldingsTreeModel::ColumnCount; ++column) {
        // The demo's holdings came in at today's prices: every P&L is zero
        // (costBasisAndPnlFromTheLots sorts those columns on a ledger with trades).
        if (column == ui::HoldingsTreeModel::CostBasis || column == ui::HoldingsTreeModel::Unrealized
            || column == ui::HoldingsTreeModel::UnrealizedPercent)
            continue;
        QTest::addRow("column %d ascending", column) << column << Qt::AscendingOrder;
        QTest::addRow("column %d descending", column) << column << Qt::DescendingOrder;
    }
}

void TestHoldingsView::sortsOnRawValues()
{
    QFETCH(int, column);
    QFETCH(Qt::SortOrder, order);
    QAbstractItemModelTester proxyTester(m_view->proxy(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    m_view->tree()->sortByColumn(column, order);
    const QSortFilterProxyModel *proxy = m_view->proxy();
    QList<double> values;
    for (int row = 0; row < proxy->rowCount(); ++row)
        values.append(proxy->index(row, column).data(ui::HoldingsTreeModel::RawValueRole).toDouble());
    QVERIFY(values.size() >= 6);
    for (qsizetype i = 1; i < values.size(); ++i) {
        if (order == Qt::AscendingOrder)
            QVERIFY2(values[i - 1] <= values[i],
                     qPrintable(QStringLiteral("row %1: %2 > %3").arg(i).arg(values[i - 1]).arg(values[i])));
        else
            QVERIFY2(values[i - 1] >= values[i],
                     qPrintable(QStringLiteral("row %1: %2 < %3").arg(i).arg(values[i - 1]).arg(values[i])));
    }
    QVERIFY(values.first() != values.last());
}

void TestHoldingsView::remembersColumns()
{
    m_view->tree()->sortByColumn(ui::HoldingsTreeModel::Drift, Qt::AscendingOrder);
    m_view->tree()->header()->resizeSection(ui::HoldingsTreeModel::Network, 143);
    m_view.reset();
    ui::HoldingsView again(*m_context);
    QCOMPARE(again.tree()->header()->sortIndicatorSection(), int(ui::HoldingsTreeModel::Drift));
    QCOMPARE(again.tree()->header()->sortIndicatorOrder(), Qt::AscendingOrder);
    QCOMPARE(again.tree()->header()->sectionSize(ui::HoldingsTreeModel::Network), 143);
}

void TestHoldingsView::exportsHoldingsLikeCli()
{
    const auto targets = m_view->exportTargets();
    const auto found = std::find_if(targets.cbegin(), targets.cend(), [](const ui::ExportTarget &target) {
        return target.fileName == QLatin1String("holdings.csv");
    });
    QVERIFY(found != targets.cend());
    QCOMPARE(found->format, ui::ExportTarget::Format::Csv);
    const QString path = m_db->dir() + QStringLiteral("/holdings.csv");
    QVERIFY(found->write(path));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray written = file.readAll();
    // What `ballast-cli export holdings` writes for the same ledger at the same time.
    auto snapshot = services::Ledger(m_db->db(), m_context->clock()).snapshot();
    QVERIFY(snapshot);
    const QByteArray expected = io::CsvWriter::format(io::Exports::holdings(*snapshot));
    QCOMPARE(written, expected);
    QVERIFY(written.count('\n') > 6);
}

void TestHoldingsView::exportsTreeAsShown()
{
    QTest::keyClicks(m_view->searchField(), QStringLiteral("cold"));
    const auto targets = m_view->exportTargets();
    const auto found = std::find_if(targets.cbegin(), targets.cend(), [](const ui::ExportTarget &target) {
        return target.fileName == QLatin1String("holdings-tree.csv");
    });
    QVERIFY(found != targets.cend());
    const io::CsvTable table = ui::tableFromModel(*m_view->proxy());
    QCOMPARE(table.header.size(), int(ui::HoldingsTreeModel::ColumnCount));
    QCOMPARE(table.rows.size(), 2); // BTC and its cold-wallet holding
    const auto *btc = m_view->model()->snapshot().position(QStringLiteral("BTC"));
    QVERIFY(table.rows[0].contains(btc->quantity.toString()));
    const QString path = m_db->dir() + QStringLiteral("/tree.csv");
    QVERIFY(found->write(path));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), io::CsvWriter::format(table));
}

void TestHoldingsView::costBasisAndPnlFromTheLots()
{
    namespace trades = test::trades;
    using money::Decimal;
    test::TempDatabase db;
    const Status built = trades::build(db.db());
    QVERIFY2(built, built ? "" : qPrintable(built.error().message));
    const Clock clock = [] { return trades::now(); };
    ui::AppContext context(db.db(), db.path(), clock);
    ui::HoldingsView view(context);
    QAbstractItemModelTester tester(view.model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSignalSpy loaded(view.costBasisLoader(), &ui::CostBasisLoader::loaded);
    view.show(); // the page reads the ledger when shown
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    while (view.costBasisLoader()->isLoading())
        QVERIFY(loaded.wait(30000));
    const auto *model = view.model();
    QVERIFY(model->lots());

    // What is left open by FIFO, worked out from the trades: main holds the
    // second BTC lot and 6 of its 10 ETH, cold the rest of its deposit.
    const Decimal coldLeft = trades::kColdQuantity - trades::kColdSold;
    const Decimal mainBtcCost = trades::kBtcPrice2;
    const Decimal coldBtcCost = coldLeft * trades::kColdPrice;
    const Decimal btcCost = mainBtcCost + coldBtcCost;
    const Decimal btcValue = (Decimal::fromInt(1) + coldLeft) * trades::kBtcNow;
    const Decimal ethLeft = trades::kEthQuantity - trades::kEthSold;
    const Decimal ethCost = ethLeft * trades::kEthCost;
    const Decimal ethUnrealized = ethLeft * trades::kEthNow - ethCost;

    auto lots = services::PerformanceService(db.db(), clock).lots({});
    QVERIFY(lots);
    int checked = 0;
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex asset = model->index(row, ui::HoldingsTreeModel::Name);
        const QString symbol = asset.data().toString();
        const auto total = std::find_if(lots->pnl.byAsset.cbegin(), lots->pnl.byAsset.cend(),
                                        [&](const analytics::PnlTotal &t) { return t.asset == symbol; });
        QVERIFY2(total != lots->pnl.byAsset.cend(), qPrintable(symbol));
        // Every asset row is the service's sum over the asset's lots.
        QCOMPARE(exportText(model, asset, ui::HoldingsTreeModel::CostBasis), total->cost.toString());
        QCOMPARE(exportText(model, asset, ui::HoldingsTreeModel::Unrealized), total->unrealized.toString());
        if (symbol == QLatin1String("BTC")) {
            QCOMPARE(total->cost, btcCost);
            QCOMPARE(total->unrealized, btcValue - btcCost);
            // The P&L % is unrealized over cost, and a gain is coloured.
            QCOMPARE(model->index(row, ui::HoldingsTreeModel::UnrealizedPercent)
                         .data(ui::HoldingsTreeModel::RawValueRole)
                         .toDouble(),
                     (btcValue - btcCost).toDouble() / btcCost.toDouble());
            QVERIFY(model->index(row, ui::HoldingsTreeModel::Unrealized).data(Qt::ForegroundRole).isValid());
            // Per account: each holding row sums that account's lots.
            QCOMPARE(model->rowCount(asset), 2);
            for (int child = 0; child < 2; ++child) {
                const QModelIndex account = model->index(child, ui::HoldingsTreeModel::Name, asset);
                const bool cold = account.data().toString() == QLatin1String("cold");
                const Decimal cost = cold ? coldBtcCost : mainBtcCost;
                const Decimal value = (cold ? coldLeft : Decimal::fromInt(1)) * trades::kBtcNow;
                QCOMPARE(exportText(model, account, ui::HoldingsTreeModel::CostBasis), cost.toString());
                QCOMPARE(exportText(model, account, ui::HoldingsTreeModel::Unrealized), (value - cost).toString());
            }
            ++checked;
        }
        if (symbol == QLatin1String("ETH")) {
            QCOMPARE(total->cost, ethCost);
            QCOMPARE(total->unrealized, ethUnrealized);
            ++checked;
        }
        if (symbol == QLatin1String("USDT")) {
            // The quote asset is the measuring unit: cost equals value, no P&L.
            QCOMPARE(exportText(model, asset, ui::HoldingsTreeModel::Unrealized), QStringLiteral("0"));
            QVERIFY(!model->index(row, ui::HoldingsTreeModel::Unrealized).data(Qt::ForegroundRole).isValid());
            ++checked;
        }
    }
    QCOMPARE(checked, 3);
    // Sorted on the raw P&L: BTC (the largest gain) first, USDT (none) last.
    view.tree()->sortByColumn(ui::HoldingsTreeModel::Unrealized, Qt::DescendingOrder);
    QCOMPARE(view.proxy()->index(0, ui::HoldingsTreeModel::Name).data().toString(), QStringLiteral("BTC"));
    QCOMPARE(view.proxy()->index(view.proxy()->rowCount() - 1, ui::HoldingsTreeModel::Name).data().toString(),
             QStringLiteral("USDT"));
    const QString totals = view.totalsLabel()->text();
    QVERIFY2(totals.contains(QLocale().toString(lots->pnl.cost.toDouble(), 'f', 2)), qPrintable(totals));
    QVERIFY2(totals.contains(QStringLiteral("FIFO")), qPrintable(totals));
}

QTEST_MAIN(TestHoldingsView)
#include "tst_holdingsview.moc"
