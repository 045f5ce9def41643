// "Import from Exchange…" on the Transactions page: a Binance account whose
// keys sit in a real vault file, the fake Binance on loopback seeded with
// trades and deposits, the import run on the page's worker thread into a real
// ledger file; a second import adds nothing and a failing exchange stores
// nothing and says why.
#include "appcontext.h"
#include "fakebinance.h"
#include "models/transactionsmodel.h"
#include "services/accountservice.h"
#include "services/ledger.h"
#include "services/transactionservice.h"
#include "testsupport.h"
#include "views/transactionsview.h"

#include <QApplication>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

#include <memory>

using ballast::money::dec;
using ballast::test::contentDigest;
using ballast::test::TempDatabase;
using ballast::test::fake::BinanceMovementRecord;
using ballast::test::fake::FakeBinance;
using ballast::test::fake::FakeEndpoint;
using ballast::test::fake::FaultKind;
using ballast::ui::AppContext;
using ballast::ui::TransactionsView;
using FakeSide = ballast::test::fake::Side;

namespace {

constexpr int kWaitMs = 60000; // generous: the suite may run under ASan on a busy machine
constexpr qint64 kDay = 24LL * 60 * 60 * 1000;

QString passphrase()
{
    return QStringLiteral("correct horse battery staple");
}

} // namespace

class TestTransactionsExchangeImport : public QObject
{
    Q_OBJECT

private:
    struct Fixture
    {
        TempDatabase tmp;
        FakeBinance fake;
        std::unique_ptr<AppContext> context;
        std::unique_ptr<TransactionsView> view;
        QStringList asked;
        qint64 binanceId = 0;

        Fixture()
        {
            if (!fake.listenLocal())
                qFatal("the fake Binance cannot listen on 127.0.0.1");
            if (!ballast::services::Ledger(tmp.db()).init(QStringLiteral("main"), QStringLiteral("USDT")))
                qFatal("cannot create the portfolio");
            context = std::make_unique<AppContext>(tmp.db(), tmp.path());
            context->setPassphraseProvider([this](const QString &reason) -> std::optional<QString> {
                asked.append(reason);
                return passphrase();
            });
            ballast::services::AccountService accounts(tmp.db(), context->vaultPath());
            if (!accounts.addAccount(QStringLiteral("paper"), QStringLiteral("paper")))
                qFatal("cannot add the paper account");
            auto binance = accounts.addExchangeAccount(QStringLiteral("binance-main"), QStringLiteral("binance"),
                                                       fake.baseUrl().toString(), FakeBinance::docsApiKey(),
                                                       FakeBinance::docsSecretKey(), passphrase());
            if (!binance)
                qFatal("binance account: %s", qPrintable(binance.error().message));
            binanceId = binance->id;
            view = std::make_unique<TransactionsView>(*context);
            view->resize(1100, 600);
            view->show();
        }

        /// A deposit of 1000 USDT, then @p trades buys of 0.001 BTC a minute apart.
        void seed(int trades)
        {
            const qint64 start = fake.serverTimeMs() - 30 * kDay;
            fake.addDeposit(BinanceMovementRecord{QStringLiteral("d-usdt-1"),
                                                  QStringLiteral("USDT"),
                                                  dec("1000"),
                                                  {},
                                                  QStringLiteral("ETH"),
                                                  QStringLiteral("0xfeed01"),
                                                  QStringLiteral("0xabc"),
                                                  1,
                                                  0,
                                                  start});
            for (int i = 0; i < trades; ++i) {
                fake.book().recordTrade(QStringLiteral("BTCUSDT"), FakeSide::Buy, dec("20000"), dec("0.001"),
                                        dec("0.000001"), QStringLiteral("BTC"), start + kDay + i * 60000LL);
            }
        }

        [[nodiscard]] int stored()
        {
            auto rows = ballast::services::TransactionService(tmp.db()).list();
            return rows ? static_cast<int>(rows->size()) : -1;
        }
    };

private slots:
    void initTestCase() { QApplication::setAttribute(Qt::AA_DontUseNativeDialogs); }

    void importsTheHistoryThenNothingNew()
    {
        Fixture f;
        f.seed(3);
        QCOMPARE(f.view->model()->rowCount(), 0);
        QPushButton *button = f.view->exchangeImportButton();
        QVERIFY(button->isEnabled());

        // One Binance or Kraken account (the paper one does not count): no question, straight to the passphrase.
        QSignalSpy finished(f.view.get(), &TransactionsView::exchangeImportFinished);
        QSignalSpy changed(f.context.get(), &AppContext::ledgerChanged);
        QTest::mouseClick(button, Qt::LeftButton);
        QCOMPARE(f.asked.size(), 1);
        QVERIFY2(f.asked.first().contains(QStringLiteral("binance-main")), qPrintable(f.asked.first()));
        QVERIFY(f.view->isImportingFromExchange());
        QVERIFY(!button->isEnabled());
        QVERIFY(f.view->findChild<QProgressBar *>(QStringLiteral("exchangeImportProgress"))->isVisible());
        QVERIFY(!f.context->backgroundWrite().isEmpty());

        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kWaitMs);
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        QCOMPARE(changed.size(), 1);
        // The deposit and three trades.
        QTRY_COMPARE_WITH_TIMEOUT(f.view->model()->rowCount(), 4, kWaitMs);
        QCOMPARE(f.stored(), 4);
        const QString report = f.view->exchangeImportStatus()->text();
        QVERIFY2(report.contains(QStringLiteral("4 transaction")), qPrintable(report));
        QVERIFY2(report.contains(QStringLiteral("4 new")), qPrintable(report));
        QVERIFY(!f.view->isImportingFromExchange());
        QVERIFY(button->isEnabled());
        QVERIFY(f.context->backgroundWrite().isEmpty());
        QVERIFY(!f.view->findChild<QProgressBar *>(QStringLiteral("exchangeImportProgress"))->isVisible());

        // Again: nothing new, nothing added.
        QVERIFY(f.view->importFromExchange(f.binanceId));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, kWaitMs);
        QVERIFY2(finished.at(1).at(0).toBool(), qPrintable(finished.at(1).at(1).toString()));
        const QString again = f.view->exchangeImportStatus()->text();
        QVERIFY2(again.contains(QStringLiteral("0 new")), qPrintable(again));
        QCOMPARE(f.stored(), 4);
        QCOMPARE(f.view->model()->rowCount(), 4);
    }

    void failingExchangeStoresNothing()
    {
        Fixture f;
        f.seed(2);
        f.fake.injectFault(FakeEndpoint::Trades, FaultKind::ServiceUnavailable, 50);
        const QByteArray before = contentDigest(f.tmp.db());
        QSignalSpy finished(f.view.get(), &TransactionsView::exchangeImportFinished);
        QSignalSpy changed(f.context.get(), &AppContext::ledgerChanged);
        QVERIFY(f.view->importFromExchange(f.binanceId));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kWaitMs);
        QVERIFY(!finished.first().at(0).toBool());
        const QString error = f.view->exchangeImportStatus()->text();
        QVERIFY2(error.contains(QStringLiteral("nothing was stored")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("BTC/USDT")), qPrintable(error));
        QVERIFY(f.view->exchangeImportStatus()->isVisible());
        QCOMPARE(changed.size(), 0);
        QCOMPARE(contentDigest(f.tmp.db()), before);
        QCOMPARE(f.view->model()->rowCount(), 0);
        QVERIFY(f.view->exchangeImportButton()->isEnabled());

        // With the exchange back, the same import stores everything.
        f.fake.clearFaults();
        QVERIFY(f.view->importFromExchange(f.binanceId));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, kWaitMs);
        QVERIFY2(finished.at(1).at(0).toBool(), qPrintable(finished.at(1).at(1).toString()));
        QTRY_COMPARE_WITH_TIMEOUT(f.view->model()->rowCount(), 3, kWaitMs);
    }

    void wrongPassphraseStoresNothing()
    {
        Fixture f;
        f.seed(1);
        f.context->setPassphraseProvider(
            [](const QString &) -> std::optional<QString> { return QStringLiteral("not the passphrase"); });
        const QByteArray before = contentDigest(f.tmp.db());
        QSignalSpy finished(f.view.get(), &TransactionsView::exchangeImportFinished);
        QVERIFY(f.view->importFromExchange(f.binanceId));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kWaitMs);
        QVERIFY(!finished.first().at(0).toBool());
        QVERIFY2(f.view->exchangeImportStatus()->text().contains(QStringLiteral("binance-main")),
                 qPrintable(f.view->exchangeImportStatus()->text()));
        QCOMPARE(contentDigest(f.tmp.db()), before);
    }

    void noExchangeAccountSaysSo()
    {
        TempDatabase tmp;
        QVERIFY(ballast::services::Ledger(tmp.db()).init(QStringLiteral("main"), QStringLiteral("USDT")).ok());
        AppContext context(tmp.db(), tmp.path());
        int asked = 0;
        context.setPassphraseProvider([&asked](const QString &) -> std::optional<QString> {
            ++asked;
            return QString();
        });
        TransactionsView view(context);
        view.show();
        QTest::mouseClick(view.exchangeImportButton(), Qt::LeftButton);
        QCOMPARE(asked, 0);
        QVERIFY(!view.isImportingFromExchange());
        QVERIFY2(view.exchangeImportStatus()->text().contains(QStringLiteral("no Binance or Kraken account")),
                 qPrintable(view.exchangeImportStatus()->text()));
    }
};

QTEST_MAIN(TestTransactionsExchangeImport)
#include "tst_transactionsexchangeimport.moc"
