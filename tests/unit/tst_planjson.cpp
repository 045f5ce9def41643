// PlanJson::fromJson on stored plans that are damaged: every malformed
// field is an error naming it, never undefined behaviour.
#include "io/planjson.h"

#include <QJsonDocument>
#include <QTest>

using ballast::io::PlanJson;

namespace {

QByteArray planWithOrder(const QByteArray &line, const QByteArray &alternatives)
{
    return R"({"plan_id":"p-1","created_at":"2026-12-01T10:00:00.000Z","portfolio":"Main","quote":"USDT",)"
           R"("mode":"target","simulated":true,"orders":[{"line":)"
        + line
        + R"(,"account":"paper","account_id":"1","symbol":"BTC/USDT","side":"sell","type":"market","base":"BTC",)"
          R"("quote":"USDT","quantity":"0.01","price":"43000","notional":"430","fee":"0.43","fee_asset":"USDT",)"
          R"("fee_rate":"0.001","route":"only_venue","alternatives":)"
        + alternatives
        + R"(}],"skipped":[],"weights":[],"value_before":"1000","value_after":"999.57","fees_total":"0.43",)"
          R"("turnover":0.43,"notes":[]})";
}

} // namespace

class TestPlanJson : public QObject
{
    Q_OBJECT

private slots:
    static void readsAndWritesBack()
    {
        const auto plan = PlanJson::fromJson(QJsonDocument::fromJson(planWithOrder("1", "0")).object());
        QVERIFY2(plan.ok(), qPrintable(plan.ok() ? QString() : plan.error().message));
        QCOMPARE(plan->orders.size(), 1);
        QCOMPARE(plan->orders.first().line, 1);
        const QJsonObject written = PlanJson::toJson(*plan);
        const auto again = PlanJson::fromJson(written);
        QVERIFY(again.ok());
        QCOMPARE(PlanJson::toJson(*again), written);
    }

    // An order line or alternatives count of 1e300 was cast to int unchecked
    // (undefined behaviour, UBSan float-cast-overflow; seen while writing fuzz_planjson).
    static void wholeNumbersOutOfRangeAreRefused_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QByteArray>("alternatives");
        QTest::addColumn<QString>("field");
        QTest::newRow("line 1e300") << QByteArray("1e300") << QByteArray("0") << QStringLiteral("line");
        QTest::newRow("line -3e9") << QByteArray("-3e9") << QByteArray("0") << QStringLiteral("line");
        QTest::newRow("line 1.5") << QByteArray("1.5") << QByteArray("0") << QStringLiteral("line");
        QTest::newRow("line text") << QByteArray("\"1\"") << QByteArray("0") << QStringLiteral("line");
        QTest::newRow("alternatives -1e300")
            << QByteArray("1") << QByteArray("-1e300") << QStringLiteral("alternatives");
    }
    static void wholeNumbersOutOfRangeAreRefused()
    {
        QFETCH(QByteArray, line);
        QFETCH(QByteArray, alternatives);
        QFETCH(QString, field);
        const auto plan = PlanJson::fromJson(QJsonDocument::fromJson(planWithOrder(line, alternatives)).object());
        QVERIFY(!plan.ok());
        QVERIFY2(plan.error().message.contains(QLatin1Char('"') + field + QLatin1Char('"')),
                 qPrintable(plan.error().message));
        QVERIFY2(plan.error().message.contains(QStringLiteral("p-1")), qPrintable(plan.error().message));
    }
};

QTEST_GUILESS_MAIN(TestPlanJson)
#include "tst_planjson.moc"
