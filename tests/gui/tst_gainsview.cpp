// The Gains page on a real ledger with trades: open lots and the year's
// disposals with their totals (worked out from the inputs and checked against
// PerformanceService), the method and threshold stored for the portfolio and
// followed by every page, the CSV export against ballast-cli's `gains --out`
// and the printable PDF.
#include "appcontext.h"
#include "clirunner.h"
#include "export/gainspdf.h"
#include "io/csvwriter.h"
#include "io/exports.h"
#include "models/disposalsmodel.h"
#include "models/holdingstreemodel.h"
#include "models/lotsmodel.h"
#include "services/performanceservice.h"
#include "testsupport.h"
#include "tradehistory.h"
#include "views/gainsview.h"
#include "views/holdingsview.h"
#include "workers/costbasisloader.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QProcess>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTest>

#include <memory>

using namespace ballast;
using analytics::CostMethod;
using money::Decimal;
namespace trades = test::trades;

namespace {

/// Waits until @p loader has announced its last result (signal-driven).
bool settle(ui::CostBasisLoader *loader)
{
    QSignalSpy spy(loader, &ui::CostBasisLoader::loaded);
    while (loader->isLoading()) {
        if (!spy.wait(30000))
            return false;
    }
    return true;
}

QString exportText(const QAbstractItemModel &model, int row, int column)
{
    return model.index(row, column).data(ui::ExportRole).toString();
}

/// The number of page objects of a PDF file (its /Type /Page dictionaries).
qsizetype pdfPages(const QByteArray &pdf)
{
    static const QRegularExpression page(QStringLiteral("/Type\\s*/Page[^s]"));
    return QString::fromLatin1(pdf).count(page);
}

} // namespace

class TestGainsView : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void showsLotsAndTheYearsDisposals();
    void hifoChangesTheGainsAsTheServiceSays();
    void longTermThresholdIsStored();
    void customRange();
    void csvExportIsTheClis();
    void pdfExportIsAPrintableReport();
    void longPdfRepeatsTheHeaderOnEveryPage();

private:
    services::PerformanceService service()
    {
        return {m_db->db(), [] { return trades::now(); }};
    }

    std::unique_ptr<test::TempDatabase> m_db;
    std::unique_ptr<ui::AppContext> m_context;
    std::unique_ptr<ui::GainsView> m_view;
};

void TestGainsView::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("BallastTests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_gainsview"));
}

void TestGainsView::init()
{
    QSettings().clear();
    m_db = std::make_unique<test::TempDatabase>();
    const Status built = trades::build(m_db->db());
    QVERIFY2(built, built ? "" : qPrintable(built.error().message));
    m_context = std::make_unique<ui::AppContext>(m_db->db(), m_db->path(), [] { return trades::now(); });
    m_view = std::make_unique<ui::GainsView>(*m_context);
    m_view->resize(1100, 700);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    QVERIFY(settle(m_view->loader()));
}

void TestGainsView::cleanup()
{
    m_view.reset();
    m_context.reset();
    m_db.reset();
}

void TestGainsView::showsLotsAndTheYearsDisposals()
{
    QAbstractItemModelTester lotsTester(m_view->lotsModel(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    QAbstractItemModelTester gainsTester(m_view->disposalsModel(),
                                         QAbstractItemModelTester::FailureReportingMode::Fatal);
    QVERIFY(m_view->errorLabel()->isHidden());
    // The year shown is the current one (2025 by the test's clock), FIFO.
    QCOMPARE(m_view->periodBox()->currentText(), QStringLiteral("2025"));
    QCOMPARE(m_view->methodBox()->currentData().toString(), QStringLiteral("fifo"));
    QCOMPARE(m_view->longTermBox()->value(), 365);

    // FIFO: the BTC sale takes the first lot, ETH has one lot, the cold wallet's
    // BTC sale takes the deposit of 2024 (held more than 365 days).
    const Decimal btcGain = trades::kBtcSalePrice - trades::kBtcPrice1;
    const Decimal ethGain = trades::kEthSold * (trades::kEthSalePrice - trades::kEthCost);
    const Decimal coldGain = trades::kColdSold * (trades::kColdSalePrice - trades::kColdPrice);
    const Decimal proceeds =
        trades::kBtcSalePrice + trades::kEthSold * trades::kEthSalePrice + trades::kColdSold * trades::kColdSalePrice;
    const auto &model = *m_view->disposalsModel();
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(exportText(model, 0, ui::DisposalsModel::Sold), io::Exports::isoUtc(trades::kBtcSale));
    QCOMPARE(exportText(model, 0, ui::DisposalsModel::Acquired), io::Exports::isoUtc(trades::kBtcBuy1));
    QCOMPARE(exportText(model, 0, ui::DisposalsModel::Gain), btcGain.toString());
    QCOMPARE(exportText(model, 0, ui::DisposalsModel::Term), QStringLiteral("short"));
    QCOMPARE(model.index(0, ui::DisposalsModel::Account).data().toString(), QStringLiteral("main"));
    QCOMPARE(exportText(model, 1, ui::DisposalsModel::Gain), ethGain.toString());
    QCOMPARE(exportText(model, 2, ui::DisposalsModel::Gain), coldGain.toString());
    QCOMPARE(exportText(model, 2, ui::DisposalsModel::Term), QStringLiteral("long"));
    QCOMPARE(model.index(2, ui::DisposalsModel::Account).data().toString(), QStringLiteral("cold"));
    QCOMPARE(exportText(model, 2, ui::DisposalsModel::Days),
             QString::number(trades::kColdDeposit.daysTo(trades::kColdSale)));
    // A gain is green, a loss would be red.
    QVERIFY(model.index(0, ui::DisposalsModel::Gain).data(Qt::ForegroundRole).isValid());

    const services::GainsReport &report = model.report();
    QCOMPARE(report.proceeds, proceeds);
    QCOMPARE(report.gain, btcGain + ethGain + coldGain);
    QCOMPARE(report.shortTermGain, btcGain + ethGain);
    QCOMPARE(report.longTermGain, coldGain);
    // What the service says for the year, and what the totals line reads.
    auto expected = service().gains(trades::utc(2025, 1, 1), trades::utc(2026, 1, 1).addMSecs(-1));
    QVERIFY(expected);
    QCOMPARE(report.disposals, expected->disposals);
    const QString totals = m_view->gainsTotalsLabel()->text();
    QVERIFY2(totals.contains(QStringLiteral("3 disposal(s)")), qPrintable(totals));
    const QLocale locale;
    for (const Decimal &sum : {report.proceeds, report.cost, report.gain, report.shortTermGain, report.longTermGain})
        QVERIFY2(totals.contains(locale.toString(sum.toDouble(), 'f', 2)), qPrintable(totals));

    // Open lots: one row per lot, as the service has them, valued at the stored prices.
    auto lots = service().lots({});
    QVERIFY(lots);
    const auto &lotsModel = *m_view->lotsModel();
    QCOMPARE(lotsModel.rowCount(), lots->pnl.lots.size());
    Decimal btcUnrealized;
    for (int row = 0; row < lotsModel.rowCount(); ++row) {
        const analytics::LotPnl &lot = lots->pnl.lots.at(row);
        QCOMPARE(lotsModel.index(row, ui::LotsModel::Asset).data().toString(), lot.lot.asset);
        QCOMPARE(exportText(lotsModel, row, ui::LotsModel::Cost), lot.lot.cost.toString());
        QCOMPARE(exportText(lotsModel, row, ui::LotsModel::Unrealized), lot.unrealized.toString());
        if (lot.lot.asset == QLatin1String("BTC"))
            btcUnrealized += lot.unrealized;
    }
    // BTC left open: main's second lot and the rest of the cold deposit.
    const Decimal coldLeft = trades::kColdQuantity - trades::kColdSold;
    QCOMPARE(btcUnrealized, (trades::kBtcNow - trades::kBtcPrice2) + coldLeft * (trades::kBtcNow - trades::kColdPrice));
    QVERIFY(m_view->lotsTotalsLabel()->text().contains(QLocale().toString(lots->pnl.unrealized.toDouble(), 'f', 2)));
}

void TestGainsView::hifoChangesTheGainsAsTheServiceSays()
{
    ui::HoldingsView holdings(*m_context);
    holdings.show(); // on show, it follows every change at once
    QVERIFY(QTest::qWaitForWindowExposed(&holdings));
    QVERIFY(settle(holdings.costBasisLoader()));
    const Decimal fifoGain = m_view->disposalsModel()->report().gain;

    QSignalSpy changed(m_context.get(), &ui::AppContext::ledgerChanged);
    m_view->methodBox()->setCurrentIndex(m_view->methodBox()->findData(QStringLiteral("hifo")));
    QCOMPARE(changed.size(), 1);
    QVERIFY(settle(m_view->loader()));
    QVERIFY(settle(holdings.costBasisLoader()));

    // Stored for the portfolio.
    auto stored = service().costMethod();
    QVERIFY(stored);
    QCOMPARE(*stored, CostMethod::Hifo);
    // HIFO sells main's 30,000 BTC lot instead of the 20,000 one: 10,000 less gain.
    const services::GainsReport &report = m_view->disposalsModel()->report();
    QCOMPARE(report.method, CostMethod::Hifo);
    QCOMPARE(report.gain, fifoGain - (trades::kBtcPrice2 - trades::kBtcPrice1));
    auto expected = service().gains(report.from, report.to, CostMethod::Hifo);
    QVERIFY(expected);
    QCOMPARE(report.disposals, expected->disposals);
    QCOMPARE(report.gain, expected->gain);
    QVERIFY(m_view->gainsTotalsLabel()->text().contains(QLocale().toString(expected->gain.toDouble(), 'f', 2)));

    // The Holdings page followed: main's BTC is now the 20,000 lot.
    auto main = services::TransactionService(m_db->db()).account(QStringLiteral("main"));
    QVERIFY(main);
    auto pnl = holdings.model()->holdingPnl(main->id, QString(), QStringLiteral("BTC"));
    QVERIFY(pnl);
    QCOMPARE(pnl->cost, trades::kBtcPrice1);
    QCOMPARE(pnl->unrealized, trades::kBtcNow - trades::kBtcPrice1);

    // And back: FIFO again.
    m_view->methodBox()->setCurrentIndex(m_view->methodBox()->findData(QStringLiteral("fifo")));
    QVERIFY(settle(m_view->loader()));
    QCOMPARE(m_view->disposalsModel()->report().gain, fifoGain);
}

void TestGainsView::longTermThresholdIsStored()
{
    // Long term means held MORE than the threshold: at 59 days, main's BTC
    // sale (its lot held 59 days) stays short term and the ETH sale (106
    // days) becomes long term.
    const int held = static_cast<int>(trades::kBtcBuy1.daysTo(trades::kBtcSale));
    QCOMPARE(held, 59);
    QSignalSpy changed(m_context.get(), &ui::AppContext::ledgerChanged);
    m_view->longTermBox()->setValue(held);
    emit m_view->longTermBox()->editingFinished();
    QCOMPARE(changed.size(), 1);
    QVERIFY(settle(m_view->loader()));
    auto stored = service().longTermDays();
    QVERIFY(stored);
    QCOMPARE(*stored, held);
    const services::GainsReport &report = m_view->disposalsModel()->report();
    QCOMPARE(report.longTermDays, held);
    QCOMPARE(exportText(*m_view->disposalsModel(), 0, ui::DisposalsModel::Term), QStringLiteral("short"));
    QCOMPARE(exportText(*m_view->disposalsModel(), 1, ui::DisposalsModel::Term), QStringLiteral("long"));
    const Decimal btcGain = trades::kBtcSalePrice - trades::kBtcPrice1;
    const Decimal ethGain = trades::kEthSold * (trades::kEthSalePrice - trades::kEthCost);
    const Decimal coldGain = trades::kColdSold * (trades::kColdSalePrice - trades::kColdPrice);
    QCOMPARE(report.shortTermGain, btcGain);
    QCOMPARE(report.longTermGain, ethGain + coldGain);
    auto expected = service().gains(report.from, report.to);
    QVERIFY(expected);
    QCOMPARE(expected->longTermDays, held);
    QCOMPARE(report.longTermGain, expected->longTermGain);
    // Refused outside 0..36500 by the service, whatever the page does.
    QVERIFY(!service().setLongTermDays(-1));
    QVERIFY(!service().setLongTermDays(services::kMaxLongTermDays + 1));
    QCOMPARE(*service().longTermDays(), held);
}

void TestGainsView::customRange()
{
    m_view->showRange(QDate(2025, 3, 1), QDate(2025, 6, 1));
    QVERIFY(settle(m_view->loader()));
    // The BTC sale of 10 March and the ETH sale of 1 June (the last day counts whole).
    QCOMPARE(m_view->disposalsModel()->rowCount(), 2);
    const services::GainsRange range = m_view->range();
    QCOMPARE(range.from, trades::utc(2025, 3, 1));
    QCOMPARE(range.to, trades::utc(2025, 6, 2).addMSecs(-1));
    m_view->showYear(2024);
    QVERIFY(settle(m_view->loader()));
    QCOMPARE(m_view->disposalsModel()->rowCount(), 0);
    QVERIFY(m_view->gainsTotalsLabel()->text().contains(QStringLiteral("0 disposal(s)")));
}

void TestGainsView::csvExportIsTheClis()
{
    const QList<ui::ExportTarget> targets = m_view->exportTargets();
    const auto csv = std::find_if(targets.cbegin(), targets.cend(), [](const ui::ExportTarget &target) {
        return target.format == ui::ExportTarget::Format::Csv && target.fileName == QLatin1String("gains-2025.csv");
    });
    QVERIFY(csv != targets.cend());
    const QString path = m_db->dir() + QStringLiteral("/gui-gains.csv");
    QVERIFY(csv->write(path));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray gui = file.readAll();
    auto report = service().gains(trades::utc(2025, 1, 1), trades::utc(2026, 1, 1).addMSecs(-1));
    QVERIFY(report);
    QCOMPARE(gui, io::CsvWriter::format(io::Exports::gains(report->disposals)));
    QCOMPARE(gui.count('\n'), 4); // the header and three disposals

    const QString cli = qEnvironmentVariable("BALLAST_CLI");
    if (cli.isEmpty() || !QFileInfo::exists(cli))
        QSKIP("ballast-cli is not built; compared with io::Exports only");
    BALLAST_SKIP_CHILD_PROCESS_UNDER_TSAN();
    m_view.reset();
    m_context.reset();
    m_db->close();
    const QString cliPath = m_db->dir() + QStringLiteral("/cli-gains.csv");
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("BALLAST_NOW"), QStringLiteral("2025-12-31T12:00:00Z"));
    process.setProcessEnvironment(env);
    process.start(cli,
                  {QStringLiteral("--db"), m_db->path(), QStringLiteral("gains"), QStringLiteral("--year"),
                   QStringLiteral("2025"), QStringLiteral("--out"), cliPath});
    QVERIFY(process.waitForFinished(60000));
    QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
    QFile cliFile(cliPath);
    QVERIFY(cliFile.open(QIODevice::ReadOnly));
    QCOMPARE(gui, cliFile.readAll());
}

void TestGainsView::pdfExportIsAPrintableReport()
{
    const QList<ui::ExportTarget> targets = m_view->exportTargets();
    const auto pdf = std::find_if(targets.cbegin(), targets.cend(), [](const ui::ExportTarget &target) {
        return target.format == ui::ExportTarget::Format::Pdf;
    });
    QVERIFY(pdf != targets.cend());
    QCOMPARE(pdf->fileName, QStringLiteral("gains-2025.pdf"));
    const QString path = m_db->dir() + QStringLiteral("/gains.pdf");
    QVERIFY(pdf->write(path));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    QVERIFY(bytes.startsWith("%PDF-"));
    QVERIFY(bytes.trimmed().endsWith("%%EOF"));
    QCOMPARE(pdfPages(bytes), 1);
    if (const QByteArray keep = qgetenv("BALLAST_KEEP_PDF"); !keep.isEmpty()) {
        QFile::remove(QString::fromLocal8Bit(keep));
        QFile::copy(path, QString::fromLocal8Bit(keep));
    }

    // The same document laid out: three rows and the totals on one page; the
    // totals are the report's.
    const ui::GainsPdf document(m_view->disposalsModel()->report(), QDateTime::fromMSecsSinceEpoch(trades::now()));
    QCOMPARE(document.rows().size(), 3);
    const auto totals = document.totals();
    QCOMPARE(totals.size(), 6);
    const QLocale locale;
    QVERIFY(totals.at(3).second.contains(locale.toString(m_view->disposalsModel()->report().gain.toDouble(), 'f', 2)));
    QVERIFY(document.details().join(u'\n').contains(QStringLiteral("FIFO")));
    QVERIFY(document.details().join(u'\n').contains(QStringLiteral("2025-01-01 to 2025-12-31")));
    auto pages = document.write(m_db->dir() + QStringLiteral("/again.pdf"));
    QVERIFY(pages);
    QCOMPARE(pages->size(), 1);
    QCOMPARE(pages->first().rowCount, 3);
    QVERIFY(pages->first().totals);

    // A file that cannot be written is an error naming it, and nothing is left.
    const QString bad = m_db->dir() + QStringLiteral("/missing/folder/gains.pdf");
    const Status refused = pdf->write(bad);
    QVERIFY(!refused);
    QVERIFY2(refused.error().message.contains(bad), qPrintable(refused.error().message));
    QVERIFY(!QFileInfo::exists(bad));
}

void TestGainsView::longPdfRepeatsTheHeaderOnEveryPage()
{
    // 250 disposals do not fit one A4 page: every page holds rows under its own
    // header, each row is printed once, and the totals close the last page.
    services::GainsReport report = m_view->disposalsModel()->report();
    const analytics::Disposal first = report.disposals.first();
    report.disposals.clear();
    report.proceeds = report.cost = report.gain = report.shortTermGain = report.longTermGain = Decimal();
    for (int i = 0; i < 250; ++i) {
        analytics::Disposal d = first;
        d.time = first.time.addSecs(3600LL * i);
        // Some quantities with all 18 decimals: the table narrows its font to fit them.
        d.quantity = money::dec(i % 50 == 0 ? "1234.123456789012345678" : "0.001");
        d.proceeds = money::dec("40") + Decimal::fromInt(i);
        d.cost = money::dec("20");
        d.gain = d.proceeds - d.cost;
        report.disposals.append(d);
        report.proceeds += d.proceeds;
        report.cost += d.cost;
        report.gain += d.gain;
        report.shortTermGain += d.gain;
    }
    const ui::GainsPdf document(report, QDateTime::fromMSecsSinceEpoch(trades::now()));
    const QString path = m_db->dir() + QStringLiteral("/long.pdf");
    auto pages = document.write(path);
    QVERIFY(pages);
    QVERIFY2(pages->size() > 1, qPrintable(QString::number(pages->size())));
    qsizetype next = 0;
    for (qsizetype p = 0; p < pages->size(); ++p) {
        const ui::GainsPdf::Page &page = pages->at(p);
        QCOMPARE(page.firstRow, next);
        next += page.rowCount;
        QCOMPARE(page.totals, p == pages->size() - 1);
        if (p + 1 < pages->size())
            QVERIFY(page.rowCount > 0);
    }
    QCOMPARE(next, report.disposals.size());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    QVERIFY(bytes.startsWith("%PDF-"));
    QCOMPARE(pdfPages(bytes), pages->size());
    if (const QByteArray keep = qgetenv("BALLAST_KEEP_LONG_PDF"); !keep.isEmpty()) {
        QFile::remove(QString::fromLocal8Bit(keep));
        QFile::copy(path, QString::fromLocal8Bit(keep));
    }
}

QTEST_MAIN(TestGainsView)
#include "tst_gainsview.moc"
