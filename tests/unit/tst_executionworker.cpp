#include "services/executionworker.h"
#include "services/planservice.h"
#include "storage/ledger.h"
#include "storage/planrepo.h"
#include "storage/pricestore.h"
#include "testsupport.h"

#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <QTimeZone>

using ballast::execution::ExecutionOptions;
using ballast::execution::ExecutionSummary;
using ballast::execution::OrderProgress;
using ballast::money::dec;
using ballast::services::ExecutionWorker;

class TestExecutionWorker : public QObject
{
    Q_OBJECT

private slots:
    void executesOnItsOwnThreadAndReportsBySignals()
    {
        ballast::test::TempDatabase temp;
        ballast::storage::Ledger ledger(temp.db());
        QVERIFY(ledger.init(QStringLiteral("Main"), QStringLiteral("USDT")).ok());
        QVERIFY(ledger.addAccount(QStringLiteral("paper"), QStringLiteral("paper")).ok());
        QVERIFY(ledger
                    .setPrices({{QStringLiteral("BTC"), QStringLiteral("USDT"), QDateTime::currentDateTimeUtc(),
                                 dec("50000"), QStringLiteral("manual")},
                                {QStringLiteral("ETH"), QStringLiteral("USDT"), QDateTime::currentDateTimeUtc(),
                                 dec("3000"), QStringLiteral("manual")}})
                    .ok());
        QVERIFY(ledger
                    .setHoldings(
                        QStringLiteral("paper"),
                        {{0, {}, QStringLiteral("BTC"), {}, dec("0.1")}, {0, {}, QStringLiteral("ETH"), {}, dec("2")}})
                    .ok());
        QVERIFY(ledger
                    .setTargets({}, {{QStringLiteral("BTC"), dec("0.5"), {}}, {QStringLiteral("ETH"), dec("0.5"), {}}},
                                ballast::domain::Band{})
                    .ok());
        auto plan = ballast::services::PlanService(temp.db()).propose({}, {}, {});
        QVERIFY(plan.ok());
        const QString path = temp.path();
        temp.close(); // the worker opens its own connection, in its own thread

        QThread thread;
        auto *worker = new ExecutionWorker(path);
        worker->moveToThread(&thread);
        connect(&thread, &QThread::finished, worker, &QObject::deleteLater);
        QSignalSpy progress(worker, &ExecutionWorker::orderProgress);
        QSignalSpy finished(worker, &ExecutionWorker::finished);
        QSignalSpy failed(worker, &ExecutionWorker::failed);
        thread.start();

        const Qt::HANDLE guiThread = QThread::currentThreadId();
        Qt::HANDLE workerThread = nullptr;
        connect(
            worker, &ExecutionWorker::orderProgress, worker,
            [&workerThread](const OrderProgress &) { workerThread = QThread::currentThreadId(); },
            Qt::DirectConnection);
        QMetaObject::invokeMethod(worker, "execute", Qt::QueuedConnection, Q_ARG(QString, plan->id),
                                  Q_ARG(ballast::execution::ExecutionOptions, ExecutionOptions{}));
        QVERIFY(finished.wait(30000));
        QCOMPARE(failed.count(), 0);
        const auto summary = finished.first().first().value<ExecutionSummary>();
        QCOMPARE(summary.filled, plan->orders.size());
        QVERIFY(progress.count() >= plan->orders.size());
        QVERIFY(workerThread != nullptr);
        QVERIFY(workerThread != guiThread);

        thread.quit();
        QVERIFY(thread.wait(10000));
        auto reopened = ballast::storage::Database::open(path);
        QVERIFY(reopened.ok());
        QCOMPARE(*ballast::storage::PlanRepo(**reopened).status(plan->id), ballast::domain::PlanStatus::Executed);
    }

    void reportsAMissingPlan()
    {
        ballast::test::TempDatabase temp;
        const QString path = temp.path();
        temp.close();
        ExecutionWorker worker(path);
        QSignalSpy failed(&worker, &ExecutionWorker::failed);
        worker.execute(QStringLiteral("PNOSUCHPLAN0"), {});
        QCOMPARE(failed.count(), 1);
        QVERIFY(failed.first().first().toString().contains(QStringLiteral("PNOSUCHPLAN0")));
    }
};

QTEST_GUILESS_MAIN(TestExecutionWorker)
#include "tst_executionworker.moc"
