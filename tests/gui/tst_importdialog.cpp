// The price import dialog on real price files from BALLAST_SHARED_DATA, with a
// real ledger file: what it shows before storing, what it stores, and that a
// refused file stores nothing.

#include "appcontext.h"
#include "dialogs/importdialog.h"
#include "services/ledger.h"
#include "storage/database.h"
#include "testsupport.h"

#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

using ballast::test::TempDatabase;
using ballast::ui::AppContext;
using ballast::ui::ImportDialog;

namespace {

QString shared(const char *relative)
{
    const QString root = qEnvironmentVariable("BALLAST_SHARED_DATA");
    return root + QStringLiteral("/prices/") + QString::fromLatin1(relative);
}

qint64 countCandles(ballast::storage::Database &db, const char *asset, const char *quote)
{
    ballast::storage::Statement query(db, "SELECT COUNT(*) FROM candles WHERE asset = ? AND quote = ?");
    query.bind(1, asset).bind(2, quote);
    return query.step() ? query.int64(0) : -1;
}

/// Column of the files table.
enum { FileName, Layout, Pair, Interval, Rows, Candles, From, To, Problems };

struct Fixture
{
    TempDatabase tmp;
    std::unique_ptr<AppContext> context;

    Fixture()
    {
        if (!ballast::services::Ledger(tmp.db()).init(QStringLiteral("main"), QStringLiteral("USDT")))
            qFatal("cannot create the portfolio");
        context = std::make_unique<AppContext>(tmp.db(), tmp.path());
    }

    /// Opens the dialog on @p paths and waits until every file was read.
    std::unique_ptr<ImportDialog> open(const QStringList &paths) const
    {
        auto dialog = std::make_unique<ImportDialog>(*context, paths);
        QSignalSpy ready(dialog.get(), &ImportDialog::previewsReady);
        dialog->show();
        if (!ready.wait(60000))
            qFatal("the files were not read in time");
        return dialog;
    }
};

QTableWidget *files(ImportDialog *dialog)
{
    return dialog->findChild<QTableWidget *>(QStringLiteral("files"));
}

QString cell(ImportDialog *dialog, int row, int column)
{
    const QTableWidgetItem *item = files(dialog)->item(row, column);
    return item ? item->text() : QString();
}

QPushButton *importButton(ImportDialog *dialog)
{
    return dialog->findChild<QPushButton *>(QStringLiteral("import"));
}

/// Presses Import and waits for the worker's answer.
bool importAndWait(ImportDialog *dialog, QString *message)
{
    QSignalSpy done(dialog, &ImportDialog::importFinished);
    QTest::mouseClick(importButton(dialog), Qt::LeftButton);
    if (!done.wait(120000))
        return false;
    *message = done.first().at(1).toString();
    return done.first().at(0).toBool();
}

} // namespace

class TestImportDialog : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (!QFile::exists(shared("yahoo/BTC-USD.csv")))
            QFAIL("BALLAST_SHARED_DATA does not hold the shared price files");
    }

    void previewShowsWhatWasDetectedBeforeStoring()
    {
        Fixture f;
        const QByteArray before = ballast::test::contentDigest(f.tmp.db());
        auto dialog = f.open({shared("binance-vision/ADAUSDT-1m-2025-01.head11.csv"), shared("yahoo/BTC-USD.csv"),
                              shared("coingecko/btc-usd-max.csv")});
        QCOMPARE(cell(dialog.get(), 0, Layout), QStringLiteral("Binance kline"));
        QCOMPARE(cell(dialog.get(), 0, Pair), QStringLiteral("ADA/USDT"));
        QCOMPARE(cell(dialog.get(), 0, Interval), QStringLiteral("1m"));
        QCOMPARE(cell(dialog.get(), 1, Layout), QStringLiteral("Yahoo Finance"));
        QCOMPARE(cell(dialog.get(), 1, Pair), QStringLiteral("BTC/USD"));
        QCOMPARE(cell(dialog.get(), 1, Interval), QStringLiteral("1d"));
        QCOMPARE(cell(dialog.get(), 2, Layout), QStringLiteral("CoinGecko"));
        // Yahoo writes rows of null on outage days: found and listed with their lines.
        QVERIFY2(cell(dialog.get(), 1, Problems).contains(QStringLiteral("empty rows")),
                 qPrintable(cell(dialog.get(), 1, Problems)));
        files(dialog.get())->selectRow(1);
        const QString details = dialog->findChild<QPlainTextEdit *>(QStringLiteral("problems"))->toPlainText();
        QVERIFY2(details.contains(QRegularExpression(QStringLiteral("Line \\d+ \\(.*\\): all prices null"))),
                 qPrintable(details));
        QCOMPARE(dialog->findChild<QLineEdit *>(QStringLiteral("asset"))->text(), QStringLiteral("BTC"));
        auto *rows = dialog->findChild<QTableWidget *>(QStringLiteral("firstRows"));
        QVERIFY(rows->rowCount() > 0);
        QCOMPARE(rows->item(0, 0)->text(), cell(dialog.get(), 1, From));
        QVERIFY(importButton(dialog.get())->isEnabled());
        dialog->grab().save(QDir::temp().filePath(QStringLiteral("ballast-import-preview.png")));
        // Reading stored nothing.
        QCOMPARE(ballast::test::contentDigest(f.tmp.db()), before);
    }

    void importStoresEveryCandleWithProgress()
    {
        Fixture f;
        auto dialog = f.open({shared("yahoo/BTC-USD.csv"), shared("binance-vision/ADAUSDT-1m-2025-01.head11.csv")});
        const qint64 btcShown = QLocale().toLongLong(cell(dialog.get(), 0, Candles));
        const qint64 adaShown = QLocale().toLongLong(cell(dialog.get(), 1, Candles));
        QVERIFY(btcShown > 2000);
        QVERIFY(adaShown > 5);
        QSignalSpy changed(f.context.get(), &AppContext::ledgerChanged);
        QString message;
        QVERIFY2(importAndWait(dialog.get(), &message), qPrintable(message));
        QCOMPARE(countCandles(f.tmp.db(), "BTC", "USD"), btcShown);
        QCOMPARE(countCandles(f.tmp.db(), "ADA", "USDT"), adaShown);
        auto *progress = dialog->findChild<QProgressBar *>(QStringLiteral("progress"));
        QCOMPARE(progress->maximum(), 2);
        QCOMPARE(progress->value(), progress->maximum());
        QCOMPARE(changed.size(), 1);
        QVERIFY(!importButton(dialog.get())->isEnabled()); // done: not twice
        QVERIFY2(message.contains(QLocale().toString(btcShown + adaShown)), qPrintable(message));
        dialog->grab().save(QDir::temp().filePath(QStringLiteral("ballast-import-done.png")));
    }

    void theMangledFileIsRefusedWithItsLineAndColumn()
    {
        Fixture f;
        const QByteArray before = ballast::test::contentDigest(f.tmp.db());
        auto dialog = f.open({shared("yahoo/ETH-USD.csv"), shared("messy/coin_Bitcoin_spreadsheet_mangled.csv")});
        const QRegularExpression lineAndColumn(QStringLiteral("line \\d+, column \\d+"));
        const QString problem = cell(dialog.get(), 1, Problems);
        QVERIFY2(problem.contains(lineAndColumn), qPrintable(problem));
        files(dialog.get())->selectRow(1);
        const QString details = dialog->findChild<QPlainTextEdit *>(QStringLiteral("problems"))->toPlainText();
        QVERIFY2(details.contains(QStringLiteral("coin_Bitcoin_spreadsheet_mangled.csv: line")), qPrintable(details));
        QVERIFY2(details.contains(lineAndColumn), qPrintable(details));
        QVERIFY(!importButton(dialog.get())->isEnabled());
        const QString status = dialog->findChild<QLabel *>(QStringLiteral("status"))->text();
        QVERIFY2(status.contains(QStringLiteral("coin_Bitcoin_spreadsheet_mangled.csv")), qPrintable(status));
        QCOMPARE(ballast::test::contentDigest(f.tmp.db()), before);
        dialog->grab().save(QDir::temp().filePath(QStringLiteral("ballast-import-refused.png")));

        // Leaving it out lets the good file through.
        QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("remove")), Qt::LeftButton);
        QCOMPARE(dialog->paths().size(), 1);
        QVERIFY(importButton(dialog.get())->isEnabled());
        QString message;
        QVERIFY2(importAndWait(dialog.get(), &message), qPrintable(message));
        QVERIFY(countCandles(f.tmp.db(), "ETH", "USD") > 1000);
    }

    void aFileSpoiledAfterThePreviewStoresNothingAtAll()
    {
        Fixture f;
        QTemporaryDir dir;
        const QString spoiled = dir.filePath(QStringLiteral("Binance_ETHUSDT_d.csv"));
        QVERIFY(QFile::copy(shared("cryptodatadownload/Binance_ETHUSDT_d.csv"), spoiled));
        auto dialog = f.open({shared("yahoo/BTC-USD.csv"), spoiled});
        QVERIFY(importButton(dialog.get())->isEnabled());
        // The file changes between preview and import: its 5th line gets a price with two dots.
        QFile file(spoiled);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QList<QByteArray> lines = file.readAll().split('\n');
        file.close();
        QList<QByteArray> fields = lines[4].split(',');
        fields[3] = "1.234.5";
        lines[4] = fields.join(',');
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(lines.join('\n'));
        file.close();

        const QByteArray before = ballast::test::contentDigest(f.tmp.db());
        QSignalSpy changed(f.context.get(), &AppContext::ledgerChanged);
        QString message;
        QVERIFY(!importAndWait(dialog.get(), &message));
        QVERIFY2(message.contains(QStringLiteral("Binance_ETHUSDT_d.csv: line 5, column 4")), qPrintable(message));
        const QString status = dialog->findChild<QLabel *>(QStringLiteral("status"))->text();
        QVERIFY2(status.contains(QStringLiteral("Nothing was stored")), qPrintable(status));
        // All or none: the good BTC file before it is not stored either.
        QCOMPARE(countCandles(f.tmp.db(), "BTC", "USD"), 0);
        QCOMPARE(ballast::test::contentDigest(f.tmp.db()), before);
        QCOMPARE(changed.size(), 0);
    }

    void assetAndQuoteCanBeSetWhenTheFileDoesNotTell()
    {
        Fixture f;
        QTemporaryDir dir;
        const QString anonymous = dir.filePath(QStringLiteral("history.csv"));
        QVERIFY(QFile::copy(shared("yahoo/SOL1-USD.csv"), anonymous));
        auto dialog = f.open({anonymous});
        QVERIFY2(cell(dialog.get(), 0, Problems).contains(QStringLiteral("which asset and quote")),
                 qPrintable(cell(dialog.get(), 0, Problems)));
        QVERIFY(!importButton(dialog.get())->isEnabled());
        const QString details = dialog->findChild<QPlainTextEdit *>(QStringLiteral("problems"))->toPlainText();
        QVERIFY2(details.contains(QStringLiteral("history.csv has no symbol column")), qPrintable(details));
        QVERIFY2(details.contains(QStringLiteral("Type the asset")), qPrintable(details));

        QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("asset")), QStringLiteral("sol"));
        QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("quote")), QStringLiteral("usd"));
        QSignalSpy ready(dialog.get(), &ImportDialog::previewsReady);
        QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("reread")), Qt::LeftButton);
        QVERIFY(ready.wait(30000));
        QCOMPARE(cell(dialog.get(), 0, Pair), QStringLiteral("SOL/USD"));
        QCOMPARE(cell(dialog.get(), 0, Layout), QStringLiteral("Yahoo Finance"));
        QString message;
        QVERIFY2(importAndWait(dialog.get(), &message), qPrintable(message));
        QCOMPARE(countCandles(f.tmp.db(), "SOL", "USD"), QLocale().toLongLong(cell(dialog.get(), 0, Candles)));
    }
};

QTEST_MAIN(TestImportDialog)
#include "tst_importdialog.moc"
