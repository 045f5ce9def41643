// View::whenShown(): a hidden page puts off what it reads until it is shown.
#include "appcontext.h"
#include "testsupport.h"
#include "views/view.h"

#include <QStackedWidget>
#include <QTest>

namespace {

/// A page that counts its loads.
class CountingView : public ballast::ui::View
{
public:
    using View::View;
    int loads = 0;
    void refresh()
    {
        whenShown([this] { ++loads; });
    }
};

} // namespace

class TestView : public QObject
{
    Q_OBJECT

private slots:
    void hiddenPageLoadsOnceWhenShown()
    {
        ballast::test::TempDatabase temp;
        ballast::ui::AppContext context(temp.db(), temp.path());
        QStackedWidget stack;
        auto *front = new CountingView(context, &stack);
        auto *back = new CountingView(context, &stack);
        stack.addWidget(front);
        stack.addWidget(back);

        // Before the window is shown nothing is on show: both wait.
        front->refresh();
        back->refresh();
        back->refresh(); // a second change while hidden: still one load
        QCOMPARE(front->loads, 0);
        QCOMPARE(back->loads, 0);

        stack.show();
        QVERIFY(QTest::qWaitForWindowExposed(&stack));
        QCOMPARE(front->loads, 1); // shown with the window
        QCOMPARE(back->loads, 0); // still hidden behind it

        front->refresh(); // on show: at once
        QCOMPARE(front->loads, 2);

        stack.setCurrentWidget(back);
        QCOMPARE(back->loads, 1);
        stack.setCurrentWidget(front);
        stack.setCurrentWidget(back); // shown again without a change: no load
        QCOMPARE(back->loads, 1);
        QCOMPARE(front->loads, 2);
    }
};

QTEST_MAIN(TestView)
#include "tst_view.moc"
