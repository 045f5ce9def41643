// How long the transactions page takes with a large ledger: the query of
// every transaction, building the page, the rows arriving from the reader's
// thread (and the longest the GUI thread stalls meanwhile: the model and the
// filter lists are built on it), a reload, a filter change and a sort by
// quantity, on the offscreen platform.
// A plain program that prints the figures; ctest runs a small smoke size,
// the 100,000-row figures are taken by hand:
//   build/tests/bench/bench_transactionsview 100000
#include "appcontext.h"
#include "models/transactionfilterproxy.h"
#include "randomhistory.h"
#include "services/ledger.h"
#include "services/transactionservice.h"
#include "storage/database.h"
#include "storage/transactionrepo.h"
#include "views/transactionsview.h"

#include <QApplication>
#include <QComboBox>
#include <QElapsedTimer>
#include <QHash>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <cstdio>

using namespace ballast;

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int count = argc > 1 ? QString::fromLocal8Bit(argv[1]).toInt() : 5000;
    QTemporaryDir dir;
    auto opened = storage::Database::open(dir.filePath(QStringLiteral("bench.sqlite")));
    if (!opened) {
        std::fprintf(stderr, "%s\n", qPrintable(opened.error().message));
        return 1;
    }
    storage::Database &db = **opened;
    const Clock clock = [] { return QDateTime(QDate(2024, 1, 1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch(); };
    services::Ledger ledger(db, clock);
    for (int i = 0; i < 3; ++i)
        (void)ledger.addAccount(QStringLiteral("account%1").arg(i + 1), QStringLiteral("manual"));
    testsupport::RandomHistoryOptions options;
    options.transactions = count;
    options.accounts = 3;
    options.assets = 12;
    options.days = 1500;
    const testsupport::RandomHistory history(options);
    {
        storage::Transaction txn(db);
        storage::TransactionRepo repo(db);
        QHash<qint64, qint64> ids;
        for (const auto &tx : history.transactions()) {
            auto id = repo.add(tx, clock());
            if (!id) {
                std::fprintf(stderr, "%s\n", qPrintable(id.error().message));
                return 1;
            }
            ids.insert(tx.id, *id);
        }
        for (const auto &tx : history.transactions()) {
            if (tx.linkId != 0)
                (void)repo.setLink(ids.value(tx.id), ids.value(tx.linkId));
        }
        txn.commit();
    }

    QTextStream out(stdout);
    QElapsedTimer timer;
    timer.start();
    auto rows = services::TransactionService(db, clock).list();
    out << "transactions: " << (rows ? rows->size() : -1) << "\n";
    out << "TransactionService::list: " << timer.elapsed() << " ms\n";

    ui::AppContext context(db, dir.filePath(QStringLiteral("bench.sqlite")), clock);
    // The longest the GUI thread goes without serving its event loop while
    // the page loads: a timer that should fire every 5 ms notes each gap.
    qint64 longestStall = 0;
    QElapsedTimer sinceTick;
    QTimer ticker;
    ticker.setInterval(5);
    QObject::connect(&ticker, &QTimer::timeout, [&] { longestStall = std::max(longestStall, sinceTick.restart()); });
    timer.restart();
    ui::TransactionsView view(context);
    view.resize(1280, 760);
    view.show();
    QApplication::processEvents();
    out << "page built and shown: " << timer.elapsed() << " ms\n";
    sinceTick.start();
    ticker.start();
    while (view.isLoading())
        QApplication::processEvents(QEventLoop::WaitForMoreEvents);
    out << "rows on screen: " << timer.elapsed() << " ms (read and model: " << view.lastLoadMs()
        << " ms), longest GUI-thread stall meanwhile: " << longestStall << " ms\n";
    timer.restart();
    longestStall = 0;
    sinceTick.restart();
    view.refresh();
    while (view.isLoading())
        QApplication::processEvents(QEventLoop::WaitForMoreEvents);
    ticker.stop();
    out << "reload (ledger changed): " << timer.elapsed() << " ms, longest GUI-thread stall: " << longestStall
        << " ms\n";
    timer.restart();
    view.assetFilter()->setCurrentIndex(1);
    QApplication::processEvents();
    out << "asset filter: " << timer.elapsed() << " ms, " << view.proxy()->rowCount() << " rows shown\n";
    view.assetFilter()->setCurrentIndex(0);
    timer.restart();
    view.table()->sortByColumn(4, Qt::AscendingOrder);
    QApplication::processEvents();
    out << "sort by quantity: " << timer.elapsed() << " ms\n";
    timer.restart();
    view.table()->sortByColumn(0, Qt::DescendingOrder);
    QApplication::processEvents();
    out << "sort by time: " << timer.elapsed() << " ms\n";
    return rows ? 0 : 1;
}
