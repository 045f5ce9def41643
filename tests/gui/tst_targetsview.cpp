// The targets page: editing with validation, undo and redo, allocation
// models from stored history, saving, and the live preview against a stored
// plan, on a real demo ledger.
#include "appcontext.h"
#include "models/previewmodel.h"
#include "models/targetsmodel.h"
#include "services/planservice.h"
#include "storage/demoportfolio.h"
#include "storage/ledger.h"
#include "storage/planrepo.h"
#include "storage/portfoliorepo.h"
#include "testsupport.h"
#include "views/targetsview.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTimeZone>
#include <QUndoStack>

#include <memory>

using namespace ballast;
using ui::TargetsModel;

namespace {

qint64 fixedNow()
{
    return QDateTime(QDate(2024, 6, 15), QTime(12, 0), QTimeZone::utc()).toMSecsSinceEpoch();
}

money::Decimal percentSum(const QList<ui::TargetRow> &rows)
{
    money::Decimal sum;
    for (const auto &row : rows)
        sum += *TargetsModel::parsePercent(row.weight);
    return sum;
}

} // namespace

class TestTargetsView : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void loadsStoredTargets();
    void modelContract();
    void sumOffDisablesSave();
    void cellMessages_data();
    void cellMessages();
    void undoRedoEdits();
    void applyModelUndoRedo_data();
    void applyModelUndoRedo();
    void modelErrorIsShown();
    void saveStoresTargets();
    void refusedSaveChangesNothing();
    void previewFollowsEditsAndMatchesPlan();
    void exportsTargetsAndPreview();

private:
    void setWeight(const QString &asset, const QString &percent);
    [[nodiscard]] int row(const QString &asset) const;

    std::unique_ptr<test::TempDatabase> m_db;
    std::unique_ptr<ui::AppContext> m_context;
    std::unique_ptr<ui::TargetsView> m_view;
};

void TestTargetsView::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("BallastTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_targetsview"));
}

void TestTargetsView::init()
{
    m_db = std::make_unique<test::TempDatabase>();
    const Clock clock = [] { return fixedNow(); };
    QVERIFY(storage::DemoPortfolio::create(m_db->db(), clock));
    m_context = std::make_unique<ui::AppContext>(m_db->db(), m_db->path(), clock);
    m_view = std::make_unique<ui::TargetsView>(*m_context);
    m_view->resize(1100, 600);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
}

void TestTargetsView::cleanup()
{
    m_view.reset();
    m_context.reset();
    m_db.reset();
}

int TestTargetsView::row(const QString &asset) const
{
    return m_view->model()->rowOf(asset);
}

void TestTargetsView::setWeight(const QString &asset, const QString &percent)
{
    const int at = row(asset);
    QVERIFY2(at >= 0, qPrintable(asset));
    QVERIFY(m_view->model()->setData(m_view->model()->index(at, TargetsModel::Weight), percent));
}

void TestTargetsView::loadsStoredTargets()
{
    auto portfolio = storage::PortfolioRepo(m_db->db()).load();
    QVERIFY(portfolio);
    const TargetsModel *model = m_view->model();
    QCOMPARE(model->rowCount(), portfolio->targets.size());
    QCOMPARE(model->rows()[row(QStringLiteral("BTC"))].weight, QStringLiteral("40"));
    QCOMPARE(model->rows()[row(QStringLiteral("USDT"))].weight, QStringLiteral("15"));
    QCOMPARE(model->defaultBand(), portfolio->defaultBand.toString());
    QVERIFY(!m_view->saveButton()->isEnabled()); // nothing to save yet
    QVERIFY(m_view->sumLabel()->text().contains(QStringLiteral("100")));
    auto targets = model->targets();
    QVERIFY(targets);
    QCOMPARE(*targets, portfolio->targets);
}

void TestTargetsView::modelContract()
{
    QAbstractItemModelTester tester(m_view->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    QAbstractItemModelTester previewTester(m_view->previewModel(),
                                           QAbstractItemModelTester::FailureReportingMode::Fatal);
    setWeight(QStringLiteral("BTC"), QStringLiteral("30"));
    QVERIFY(m_view->addAsset(QStringLiteral("ada")));
    QCOMPARE(m_view->model()->rows().last().asset, QStringLiteral("ADA"));
    QVERIFY(!m_view->addAsset(QStringLiteral("ADA"))); // already there
    m_view->removeRow(row(QStringLiteral("LINK")));
    QCOMPARE(row(QStringLiteral("LINK")), -1);
    m_view->updatePreview();
    while (m_view->undoStack()->canUndo())
        m_view->undoStack()->undo();
    QCOMPARE(m_view->model()->rows(), TargetsModel::rowsFrom(storage::PortfolioRepo(m_db->db()).load()->targets));
    m_view->refresh();
    m_view->updatePreview();
}

void TestTargetsView::sumOffDisablesSave()
{
    setWeight(QStringLiteral("BTC"), QStringLiteral("35"));
    setWeight(QStringLiteral("ETH"), QStringLiteral("30"));
    QVERIFY(m_view->saveButton()->isEnabled());
    QVERIFY(!m_view->messageLabel()->isVisible());

    // Typing into the cell editor, key by key: 35 -> 50 sums to 115 %.
    const QModelIndex btc = m_view->model()->index(row(QStringLiteral("BTC")), TargetsModel::Weight);
    m_view->table()->setFocus();
    m_view->table()->setCurrentIndex(btc);
    m_view->table()->edit(btc);
    QWidget *editor = QApplication::focusWidget();
    QVERIFY(qobject_cast<QLineEdit *>(editor));
    QTest::keyClick(editor, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(editor, QStringLiteral("50"));
    QCOMPARE(m_view->model()->rows()[btc.row()].weight, QStringLiteral("50"));
    QVERIFY(!m_view->saveButton()->isEnabled());
    QVERIFY2(m_view->sumLabel()->text().contains(QStringLiteral("115")), qPrintable(m_view->sumLabel()->text()));
    QVERIFY2(m_view->sumLabel()->text().contains(QStringLiteral("15")), qPrintable(m_view->sumLabel()->text()));
    QVERIFY(m_view->messageLabel()->isVisible());
    QVERIFY2(m_view->messageLabel()->text().contains(QStringLiteral("over 100")),
             qPrintable(m_view->messageLabel()->text()));
    QTest::keyClick(editor, Qt::Key_Return);
    // The keystrokes of one editor are one undo step: back to 35.
    m_view->undoStack()->undo();
    QCOMPARE(m_view->model()->rows()[btc.row()].weight, QStringLiteral("35"));
    QVERIFY(m_view->saveButton()->isEnabled());
    QVERIFY(!m_view->messageLabel()->isVisible());
}

void TestTargetsView::cellMessages_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    QTest::newRow("not a number") << int(TargetsModel::Weight) << QStringLiteral("abc")
                                  << QStringLiteral("Row 1 (BTC), target: \"abc\" is not a number");
    QTest::newRow("negative") << int(TargetsModel::Weight) << QStringLiteral("-5") << QStringLiteral("negative");
    QTest::newRow("above 100") << int(TargetsModel::Weight) << QStringLiteral("140") << QStringLiteral("above 100");
    QTest::newRow("band") << int(TargetsModel::Band) << QStringLiteral("wide") << QStringLiteral("Row 1 (BTC), band");
    QTest::newRow("duplicate") << int(TargetsModel::Asset) << QStringLiteral("eth") << QStringLiteral("already in row");
}

void TestTargetsView::cellMessages()
{
    QFETCH(int, column);
    QFETCH(QString, text);
    QFETCH(QString, message);
    QCOMPARE(row(QStringLiteral("BTC")), 0);
    const QByteArray before = test::contentDigest(m_db->db());
    QVERIFY(m_view->model()->setData(m_view->model()->index(0, column), text));
    // The cell is marked (a duplicate on the later of the two rows) and says why.
    int marked = 0;
    for (int at = 0; at < m_view->model()->rowCount(); ++at) {
        const QModelIndex cell = m_view->model()->index(at, column);
        if (!m_view->model()->cellError(at, column).isEmpty()) {
            ++marked;
            QVERIFY(cell.data(Qt::BackgroundRole).isValid());
            QCOMPARE(cell.data(Qt::ToolTipRole).toString(), m_view->model()->cellError(at, column));
        }
    }
    QCOMPARE(marked, 1);
    QVERIFY(!m_view->saveButton()->isEnabled());
    QVERIFY2(m_view->messageLabel()->text().contains(message), qPrintable(m_view->messageLabel()->text()));
    QVERIFY(!m_view->save());
    QCOMPARE(test::contentDigest(m_db->db()), before);
}

void TestTargetsView::undoRedoEdits()
{
    const QList<ui::TargetRow> original = m_view->model()->rows();
    setWeight(QStringLiteral("BTC"), QStringLiteral("33.33"));
    setWeight(QStringLiteral("SOL"), QStringLiteral("16.67"));
    QVERIFY(m_view->addAsset(QStringLiteral("ADA")));
    m_view->removeRow(row(QStringLiteral("BNB")));
    const QList<ui::TargetRow> edited = m_view->model()->rows();
    QCOMPARE(m_view->undoStack()->count(), 4);
    while (m_view->undoStack()->canUndo())
        m_view->undoStack()->undo();
    QCOMPARE(m_view->model()->rows(), original);
    QVERIFY(!m_view->isDirty());
    while (m_view->undoStack()->canRedo())
        m_view->undoStack()->redo();
    QCOMPARE(m_view->model()->rows(), edited);
    QCOMPARE(m_view->model()->rows()[row(QStringLiteral("BTC"))].weight, QStringLiteral("33.33"));
}

void TestTargetsView::applyModelUndoRedo_data()
{
    QTest::addColumn<int>("model");
    QTest::newRow("equal") << int(allocation::Model::Equal);
    QTest::newRow("inverse volatility") << int(allocation::Model::InverseVolatility);
    QTest::newRow("risk parity") << int(allocation::Model::EqualRiskContribution);
    QTest::newRow("minimum variance") << int(allocation::Model::MinimumVariance);
}

void TestTargetsView::applyModelUndoRedo()
{
    QFETCH(int, model);
    setWeight(QStringLiteral("BTC"), QStringLiteral("41.5"));
    setWeight(QStringLiteral("ETH"), QStringLiteral("23.5"));
    const QList<ui::TargetRow> before = m_view->model()->rows();
    QSignalSpy applied(m_view.get(), &ui::TargetsView::modelApplied);
    QSignalSpy failed(m_view.get(), &ui::TargetsView::modelFailed);
    m_view->startFromModel(static_cast<allocation::Model>(model), 365);
    QVERIFY(m_view->isAllocating());
    QTRY_VERIFY_WITH_TIMEOUT(applied.count() + failed.count() > 0, 30000);
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
    const QList<ui::TargetRow> after = m_view->model()->rows();
    QCOMPARE(percentSum(after), money::Decimal::fromInt(100));
    QCOMPARE(after[row(QStringLiteral("USDT"))].weight, QStringLiteral("15")); // cash keeps its weight
    QVERIFY(after != before);
    // Long-only: minimum variance may leave an asset out, but never short.
    for (const auto &target : after)
        QVERIFY2(!TargetsModel::parsePercent(target.weight)->isNegative(), qPrintable(target.asset));
    if (model == int(allocation::Model::Equal)) {
        // 85 % over five crypto assets.
        for (const QString &asset : QStringList{QStringLiteral("BTC"), QStringLiteral("ETH"), QStringLiteral("SOL"),
                                                QStringLiteral("BNB"), QStringLiteral("LINK")})
            QCOMPARE(after[row(asset)].weight, QStringLiteral("17"));
    } else {
        QVERIFY(after[row(QStringLiteral("BTC"))].weight != after[row(QStringLiteral("SOL"))].weight);
    }
    QVERIFY(m_view->saveButton()->isEnabled());
    m_view->undoStack()->undo();
    QCOMPARE(m_view->model()->rows(), before);
    m_view->undoStack()->redo();
    QCOMPARE(m_view->model()->rows(), after);
}

void TestTargetsView::modelErrorIsShown()
{
    // Simulated history carries no market capitalisation.
    QSignalSpy failed(m_view.get(), &ui::TargetsView::modelFailed);
    const QList<ui::TargetRow> before = m_view->model()->rows();
    m_view->startFromModel(allocation::Model::MarketCap, 365);
    QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 30000);
    QVERIFY(failed.first().first().toString().contains(QStringLiteral("market capitalisation")));
    QVERIFY(m_view->messageLabel()->text().contains(QStringLiteral("market capitalisation")));
    QCOMPARE(m_view->model()->rows(), before);
    QCOMPARE(m_view->undoStack()->count(), 0);
}

void TestTargetsView::saveStoresTargets()
{
    setWeight(QStringLiteral("BTC"), QStringLiteral("37.5"));
    setWeight(QStringLiteral("ETH"), QStringLiteral("27.5"));
    QVERIFY(m_view->model()->setData(m_view->model()->index(row(QStringLiteral("SOL")), TargetsModel::Band),
                                     QStringLiteral("25%")));
    m_view->model()->setDefaultBand(QStringLiteral("4pp"));
    QSignalSpy changed(m_context.get(), &ui::AppContext::ledgerChanged);
    QVERIFY(m_view->saveButton()->isEnabled());
    QVERIFY(m_view->save());
    QCOMPARE(changed.count(), 1);
    auto stored = storage::PortfolioRepo(m_db->db()).load();
    QVERIFY(stored);
    QCOMPARE(stored->defaultBand.toString(), QStringLiteral("4pp"));
    QHash<QString, domain::Target> byAsset;
    for (const auto &target : stored->targets)
        byAsset.insert(target.asset, target);
    QCOMPARE(byAsset.size(), 6);
    QCOMPARE(byAsset[QStringLiteral("BTC")].weight, money::dec("0.375"));
    QCOMPARE(byAsset[QStringLiteral("ETH")].weight, money::dec("0.275"));
    QCOMPARE(byAsset[QStringLiteral("USDT")].weight, money::dec("0.15"));
    QVERIFY(byAsset[QStringLiteral("SOL")].band.has_value());
    QCOMPARE(byAsset[QStringLiteral("SOL")].band->toString(), QStringLiteral("25%"));
    QVERIFY(!byAsset[QStringLiteral("BTC")].band.has_value());
    QVERIFY(!m_view->isDirty());
    QVERIFY(!m_view->saveButton()->isEnabled());
    // The history stays: undo goes back to the old weights, which are then unsaved.
    QVERIFY(m_view->undoStack()->canUndo());
    m_view->undoStack()->undo();
    QVERIFY(m_view->isDirty());
}

void TestTargetsView::refusedSaveChangesNothing()
{
    const QByteArray before = test::contentDigest(m_db->db());
    // Sums to 105 %.
    setWeight(QStringLiteral("BTC"), QStringLiteral("45"));
    QVERIFY(!m_view->saveButton()->isEnabled());
    QVERIFY(!m_view->save());
    QVERIFY(m_view->messageLabel()->text().contains(QStringLiteral("Not saved")));
    QCOMPARE(test::contentDigest(m_db->db()), before);

    // Valid, but an execution is running: refused as well.
    setWeight(QStringLiteral("ETH"), QStringLiteral("20"));
    QVERIFY(m_view->saveButton()->isEnabled());
    m_context->setExecuting(true);
    QVERIFY(!m_view->saveButton()->isEnabled());
    QVERIFY(!m_view->save());
    QVERIFY(m_view->messageLabel()->text().contains(QStringLiteral("execution")));
    QCOMPARE(test::contentDigest(m_db->db()), before);
    m_context->setExecuting(false);
    QVERIFY(m_view->save());
    QVERIFY(test::contentDigest(m_db->db()) != before);
}

void TestTargetsView::previewFollowsEditsAndMatchesPlan()
{
    m_view->updatePreview();
    const QByteArray before = test::contentDigest(m_db->db());
    const rebalance::RebalancePlan first = m_view->previewModel()->plan();

    QSignalSpy updated(m_view.get(), &ui::TargetsView::previewUpdated);
    setWeight(QStringLiteral("BTC"), QStringLiteral("20"));
    setWeight(QStringLiteral("USDT"), QStringLiteral("35"));
    QTRY_VERIFY_WITH_TIMEOUT(!updated.isEmpty(), 60000); // after the typing pause
    const rebalance::RebalancePlan edited = m_view->previewModel()->plan();
    QVERIFY(edited.orders != first.orders);
    QVERIFY(m_view->previewModel()->rowCount() > 0);
    const QModelIndex btc =
        m_view->previewModel()
            ->match(m_view->previewModel()->index(0, 0), Qt::DisplayRole, QStringLiteral("BTC"), 1, Qt::MatchExactly)
            .value(0);
    QVERIFY(btc.isValid());
    QCOMPARE(m_view->previewModel()->index(btc.row(), ui::PreviewModel::Side).data().toString(),
             QStringLiteral("Sell"));
    QVERIFY(m_view->previewSummary()->text().contains(QStringLiteral("turnover")));
    QCOMPARE(test::contentDigest(m_db->db()), before); // the preview stores nothing

    // A stored plan made with the same targets holds the same orders.
    QVERIFY(m_view->save());
    auto proposed = services::PlanService(m_db->db(), m_context->clock())
                        .propose(QString(), rebalance::PlanMode{}, rebalance::PlanConstraints{});
    QVERIFY(proposed);
    QVERIFY(!proposed->orders.isEmpty());
    QCOMPARE(edited.orders, proposed->orders);
    QCOMPARE(edited.weights, proposed->weights);
    QCOMPARE(edited.skipped, proposed->skipped);
    QCOMPARE(edited.feesTotal, proposed->feesTotal);
    QCOMPARE(edited.turnover, proposed->turnover);
    auto loaded = services::PlanService(m_db->db()).load(proposed->id);
    QVERIFY(loaded);
    QCOMPARE(loaded->orders, edited.orders);
}

void TestTargetsView::exportsTargetsAndPreview()
{
    setWeight(QStringLiteral("BTC"), QStringLiteral("37.5"));
    setWeight(QStringLiteral("ETH"), QStringLiteral("27.5"));
    m_view->updatePreview();
    const auto targets = m_view->exportTargets();
    QCOMPARE(targets.size(), 2);
    const QString targetsPath = m_db->dir() + QStringLiteral("/targets.csv");
    QVERIFY(targets[0].write(targetsPath));
    QFile file(targetsPath);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QVERIFY2(text.startsWith("asset,weight,band\r\nBTC,0.375,5pp\r\nETH,0.275,5pp\r\n"), text.constData());
    const QString previewPath = m_db->dir() + QStringLiteral("/preview.csv");
    QVERIFY(targets[1].write(previewPath));
    QFile preview(previewPath);
    QVERIFY(preview.open(QIODevice::ReadOnly));
    const QByteArray previewText = preview.readAll();
    QCOMPARE(previewText, io::CsvWriter::format(m_view->previewModel()->csvTable()));
    QCOMPARE(previewText.count('\n'), m_view->previewModel()->rowCount() + 1);
}

QTEST_MAIN(TestTargetsView)
#include "tst_targetsview.moc"
