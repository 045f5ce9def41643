#include "rebalance/taxpreferences.h"

#include <QJsonDocument>
#include <QTest>

using namespace ballast;
using rebalance::TaxPreferences;

namespace {

QJsonObject object(const char *json)
{
    return QJsonDocument::fromJson(QByteArray(json)).object();
}

} // namespace

class TestTaxPreferences : public QObject
{
    Q_OBJECT

private slots:
    void defaultsWhenEmpty()
    {
        auto parsed = TaxPreferences::fromJson({});
        QVERIFY(parsed.ok());
        QCOMPARE(parsed.value(), TaxPreferences());
        QCOMPARE(parsed.value().lotSelection, analytics::LotSelection::Hifo);
        QCOMPARE(parsed.value().longTermDays, 365);
        QVERIFY(!parsed.value().maxRealizedGain);
    }

    void roundTrip()
    {
        TaxPreferences tax;
        tax.lotSelection = analytics::LotSelection::PreferLongTerm;
        tax.longTermDays = 730;
        tax.maxRealizedGain = money::Decimal::parse(u"2500.50").value();
        tax.minLotAgeDays = 30;
        tax.youngLotOverride = 0.05;
        tax.cashFirst = true;
        tax.harvestLossThreshold = money::Decimal::parse(u"100").value();
        auto back = TaxPreferences::fromJson(tax.toJson());
        QVERIFY(back.ok());
        QCOMPARE(back.value(), tax);
        QCOMPARE(tax.toJson().value(QStringLiteral("lotSelection")).toString(), QStringLiteral("long-term"));
    }

    void errorsNameTheField_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("field");
        QTest::newRow("method") << QByteArray(R"({"lotSelection":"lifo"})") << QStringLiteral("tax.lotSelection");
        QTest::newRow("days") << QByteArray(R"({"longTermDays":-1})") << QStringLiteral("tax.longTermDays");
        QTest::newRow("fraction days") << QByteArray(R"({"minLotAgeDays":1.5})") << QStringLiteral("tax.minLotAgeDays");
        QTest::newRow("budget number") << QByteArray(R"({"maxRealizedGain":100})")
                                       << QStringLiteral("tax.maxRealizedGain");
        QTest::newRow("budget negative") << QByteArray(R"({"maxRealizedGain":"-1"})")
                                         << QStringLiteral("tax.maxRealizedGain");
        QTest::newRow("override") << QByteArray(R"({"youngLotOverride":2})") << QStringLiteral("tax.youngLotOverride");
        QTest::newRow("cash") << QByteArray(R"({"cashFirst":"yes"})") << QStringLiteral("tax.cashFirst");
        QTest::newRow("unknown") << QByteArray(R"({"lotMethod":"fifo"})") << QStringLiteral("tax.lotMethod");
    }

    void errorsNameTheField()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, field);
        auto parsed = TaxPreferences::fromJson(object(json.constData()));
        QVERIFY(!parsed.ok());
        QVERIFY2(parsed.error().message.startsWith(field + QLatin1Char(':')), qPrintable(parsed.error().message));
    }

    void namesOfTheLotSelections()
    {
        for (auto selection : {analytics::LotSelection::Fifo, analytics::LotSelection::Hifo,
                               analytics::LotSelection::LeastGain, analytics::LotSelection::PreferLongTerm})
            QCOMPARE(rebalance::lotSelectionFromName(rebalance::lotSelectionName(selection)), selection);
        QVERIFY(!rebalance::lotSelectionFromName(QStringLiteral("average")));
    }
};

QTEST_GUILESS_MAIN(TestTaxPreferences)
#include "tst_taxpreferences.moc"
