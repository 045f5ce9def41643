// The alerts: conditions read from a real ledger, raised once when they start
// to hold, shown in the panel and sent as notifications.
#include "alerts/alertmonitor.h"
#include "alerts/alertrules.h"
#include "appcontext.h"
#include "models/alertsmodel.h"
#include "storage/ledger.h"
#include "storage/pricestore.h"
#include "testsupport.h"
#include "views/alertsview.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>
#include <QTimeZone>

#include <cmath>

using namespace ballast;

namespace {

constexpr qint64 kDay = 86400000;
constexpr qint64 kStart = 1640995200000; // 2022-01-01
constexpr int kDays = 500;

money::Decimal dec(const char *text)
{
    return *money::Decimal::parse(QString::fromLatin1(text));
}

domain::PricePoint price(const QString &asset, const char *value, qint64 atMs)
{
    return {asset, QStringLiteral("USDT"), QDateTime::fromMSecsSinceEpoch(atMs, QTimeZone::utc()), dec(value),
            QStringLiteral("manual")};
}

/// Daily closes: AAA calm for a year, then swinging hard (a regime change);
/// BBB a fixed multiple of AAA (correlation 1); CCC steady, then down about 78 %.
QList<domain::Candle> series(const QString &asset)
{
    QList<domain::Candle> candles;
    double aaa = 100.0;
    for (int day = 0; day < kDays; ++day) {
        const double swing = day < 440 ? 0.004 : 0.08;
        aaa *= 1.0 + (day % 2 == 0 ? swing : -swing * 0.9);
        double close = aaa;
        if (asset == QLatin1String("BBB"))
            close = aaa * 3.0;
        if (asset == QLatin1String("CCC"))
            close = day < 400 ? 50.0 + 0.01 * day + (day % 3) * 0.2 : 54.0 * std::pow(0.985, day - 399);
        domain::Candle candle;
        candle.openTimeMs = kStart + day * kDay;
        candle.open = candle.high = candle.low = candle.close = close;
        candles << candle;
    }
    return candles;
}

class Fixture
{
public:
    Fixture()
    {
        storage::Ledger ledger(db.db(), [] { return kStart + kDays * kDay; });
        QVERIFY(ledger.init(QStringLiteral("main"), QStringLiteral("USDT")).ok());
        QVERIFY(ledger.addAccount(QStringLiteral("paper"), QStringLiteral("paper")).ok());
        storage::PriceStore store(db.db());
        for (const QString &asset : {QStringLiteral("AAA"), QStringLiteral("BBB"), QStringLiteral("CCC")})
            QVERIFY(store
                        .putCandles(asset, QStringLiteral("USDT"), QStringLiteral("1d"), series(asset),
                                    QStringLiteral("manual"))
                        .ok());
        const qint64 now = kStart + kDays * kDay;
        QVERIFY(ledger
                    .setPrices({price(QStringLiteral("AAA"), "100", now), price(QStringLiteral("BBB"), "300", now),
                                price(QStringLiteral("CCC"), "10", now), price(QStringLiteral("USDT"), "1", now)})
                    .ok());
        setHoldings("10", "1", "100", "1000"); // AAA 1000, BBB 300, CCC 1000, USDT 1000 of 3300
        QVERIFY(ledger
                    .setTargets(QStringLiteral("main"),
                                {{QStringLiteral("AAA"), dec("0.25"), {}},
                                 {QStringLiteral("BBB"), dec("0.25"), {}},
                                 {QStringLiteral("CCC"), dec("0.25"), {}},
                                 {QStringLiteral("USDT"), dec("0.25"), {}}},
                                domain::Band{domain::Band::Kind::Absolute, 0.05})
                    .ok());
    }

    void setHoldings(const char *aaa, const char *bbb, const char *ccc, const char *usdt)
    {
        storage::Ledger ledger(db.db(), [] { return kStart + kDays * kDay; });
        QVERIFY(ledger
                    .setHoldings(QStringLiteral("paper"),
                                 {{0, {}, QStringLiteral("AAA"), {}, dec(aaa)},
                                  {0, {}, QStringLiteral("BBB"), {}, dec(bbb)},
                                  {0, {}, QStringLiteral("CCC"), {}, dec(ccc)},
                                  {0, {}, QStringLiteral("USDT"), {}, dec(usdt)}})
                    .ok());
    }

    test::TempDatabase db;
};

QStringList keys(const QList<ui::AlertCondition> &conditions)
{
    QStringList result;
    for (const auto &condition : conditions)
        result << condition.key;
    result.sort();
    return result;
}

} // namespace

class TestAlerts : public QObject
{
    Q_OBJECT

private slots:
    void modelUnderTester()
    {
        ui::AlertsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        ui::Alert alert;
        alert.timeMs = kStart;
        alert.subject = QStringLiteral("BTC");
        alert.message = QStringLiteral("BTC is outside its band");
        model.add(alert);
        alert.kind = ui::Alert::Kind::Execution;
        alert.severity = ui::Alert::Severity::Critical;
        model.add(alert);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.data(model.index(0, ui::AlertsModel::Kind)).toString(), QStringLiteral("Execution"));
        QCOMPARE(model.data(model.index(1, ui::AlertsModel::Time), ui::ExportRole).toString(),
                 QStringLiteral("2022-01-01T00:00:00.000Z"));
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void conditionsFromTheLedger()
    {
        Fixture fixture;
        const auto conditions = ui::evaluateAlerts(fixture.db.db(), {}, kStart + kDays * kDay);
        QVERIFY2(conditions.ok(), qPrintable(conditions.ok() ? QString() : conditions.error().message));
        // AAA 1000/3300 = 30.3 % and CCC the same: outside 25 % +/- 5pp; BBB 9.1 % too; USDT 30.3 %.
        QCOMPARE(keys(*conditions),
                 QStringList({QStringLiteral("corr:AAA/BBB"), QStringLiteral("drift:AAA"), QStringLiteral("drift:BBB"),
                              QStringLiteral("drift:CCC"), QStringLiteral("drift:USDT"), QStringLiteral("falling:CCC"),
                              QStringLiteral("regime:AAA"), QStringLiteral("regime:BBB")}));
        for (const auto &condition : *conditions)
            QVERIFY(!condition.alert.message.isEmpty());

        // Inside the bands: no drift conditions; a stricter correlation threshold than 1 silences the pair.
        fixture.setHoldings("8.25", "2.75", "82.5", "825");
        ui::AlertSettings settings;
        settings.correlationThreshold = 1.0;
        const auto calmer = ui::evaluateAlerts(fixture.db.db(), settings, kStart + kDays * kDay);
        QVERIFY(calmer.ok());
        QCOMPARE(
            keys(*calmer),
            QStringList({QStringLiteral("falling:CCC"), QStringLiteral("regime:AAA"), QStringLiteral("regime:BBB")}));
    }

    void raisedOnceWhenAConditionStarts()
    {
        Fixture fixture;
        fixture.setHoldings("8.25", "2.75", "82.5", "825");
        qint64 now = kStart + kDays * kDay;
        ui::AppContext context(fixture.db.db(), fixture.db.path(), [&now] { return now++; });
        ui::AlertsView view(context);
        QSignalSpy notified(&view, &ui::AlertsView::notified);
        QSignalSpy evaluated(view.monitor(), &ui::AlertMonitor::evaluated);
        QVERIFY(evaluated.wait(60000));
        const int first = evaluated.takeFirst().at(0).toInt();
        QCOMPARE(first, 4); // regime AAA, regime BBB, falling CCC, correlation AAA/BBB
        QCOMPARE(view.model()->rowCount(), 4);
        QCOMPARE(notified.size(), 3); // the correlation alert is informational: listed, not notified

        // The same state again raises nothing new.
        view.monitor()->evaluate();
        QVERIFY(evaluated.wait(60000));
        QCOMPARE(evaluated.takeFirst().at(0).toInt(), 0);
        QCOMPARE(view.model()->rowCount(), 4);

        // AAA doubles: it leaves its band above and the three others below (2000 of 4300 against 825 each).
        fixture.setHoldings("20", "2.75", "82.5", "825");
        context.notifyLedgerChanged();
        QVERIFY(evaluated.wait(60000));
        QCOMPARE(evaluated.takeFirst().at(0).toInt(), 4);
        QVERIFY(view.monitor()->active().contains(QStringLiteral("drift:AAA")));
        QCOMPARE(view.model()->data(view.model()->index(0, ui::AlertsModel::Kind)).toString(), QStringLiteral("Drift"));

        // An execution problem from another page arrives the same way.
        ui::Alert problem;
        problem.kind = ui::Alert::Kind::Execution;
        problem.severity = ui::Alert::Severity::Critical;
        problem.message = QStringLiteral("Order rejected");
        context.raiseAlert(problem);
        QCOMPARE(view.model()->rowCount(), 9);
        QCOMPARE(notified.size(), 8);

        // Two calm months after the storm: AAA and BBB leave their regime, said once each.
        storage::PriceStore store(fixture.db.db());
        for (const QString &asset : {QStringLiteral("AAA"), QStringLiteral("BBB")}) {
            QList<domain::Candle> calm;
            const double last = series(asset).last().close;
            for (int day = 0; day < 60; ++day) {
                domain::Candle candle;
                candle.openTimeMs = kStart + (kDays + day) * kDay;
                candle.open = candle.high = candle.low = candle.close = last * (day % 2 == 0 ? 1.001 : 1.0);
                calm << candle;
            }
            QVERIFY(
                store.putCandles(asset, QStringLiteral("USDT"), QStringLiteral("1d"), calm, QStringLiteral("manual"))
                    .ok());
        }
        view.monitor()->evaluate();
        QVERIFY(evaluated.wait(60000));
        QCOMPARE(evaluated.takeFirst().at(0).toInt(), 2);
        QVERIFY(!view.monitor()->active().contains(QStringLiteral("regime:AAA")));
        QCOMPARE(view.model()->rowCount(), 11);
        QCOMPARE(notified.size(), 8); // information only: listed, not notified
        QVERIFY(view.model()
                    ->data(view.model()->index(0, ui::AlertsModel::Message))
                    .toString()
                    .contains(QLatin1String("left its high-volatility regime")));

        // Export writes what the panel lists.
        const auto targets = view.exportTargets();
        QCOMPARE(targets.size(), 1);
        const QString file = fixture.db.dir() + QStringLiteral("/alerts.csv");
        QVERIFY(targets[0].write(file).ok());
        QFile csv(file);
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csv.readAll().split('\n');
        QCOMPARE(lines.first().trimmed(), QByteArray("Time,Severity,Kind,Subject,Message"));
        QCOMPARE(lines.size(), 1 + 11 + 1); // header, rows, and the empty piece after the last CRLF
        bool rejected = false;
        for (const QByteArray &line : lines)
            rejected = rejected || line.contains(",Critical,Execution,,Order rejected");
        QVERIFY(rejected);
    }
};

QTEST_MAIN(TestAlerts)
#include "tst_alerts.moc"
