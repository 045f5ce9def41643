// CancelToken: a cancel from another thread ends a long wait at once, a
// wait without a cancel runs to its end, and reset() arms the token again.
#include "common/canceltoken.h"

#include <QDeadlineTimer>
#include <QTest>
#include <QThread>

#include <memory>

using ballast::CancelToken;

class TestCancelToken : public QObject
{
    Q_OBJECT

private slots:
    void aShortWaitEndsByItself()
    {
        CancelToken token;
        QVERIFY(token.waitFor(0));
        QVERIFY(token.waitFor(5));
        QVERIFY(!token.isCancelled());
    }

    // The waiter waits 100 s; the cancel from this thread wakes it. Were it
    // not woken, the thread would outlast the 60 s this test waits for it.
    void cancelWakesAWaiterOnAnotherThread()
    {
        CancelToken token;
        bool stillArmed = true;
        std::unique_ptr<QThread> waiter(QThread::create([&] { stillArmed = token.waitFor(100'000); }));
        waiter->start();
        QVERIFY(token.awaitWaiter(60'000));
        token.cancel();
        QVERIFY(waiter->wait(QDeadlineTimer(60'000)));
        QVERIFY(!stillArmed);
        QVERIFY(token.isCancelled());
        QVERIFY(!token.waitFor(100'000)); // cancelled: returns at once
        QVERIFY(!token.awaitWaiter(0)); // nobody waits now
    }

    void resetArmsItAgain()
    {
        CancelToken token;
        token.cancel();
        QVERIFY(token.isCancelled());
        token.reset();
        QVERIFY(!token.isCancelled());
        QVERIFY(token.waitFor(1));
    }
};

QTEST_GUILESS_MAIN(TestCancelToken)
#include "tst_canceltoken.moc"
