#include "domain/band.h"
#include "domain/target.h"
#include "storage/portfoliorepo.h"
#include "testsupport.h"

#include <QTest>

using ballast::domain::Band;
using ballast::domain::Portfolio;
using ballast::domain::Target;
using ballast::money::dec;
using ballast::storage::PortfolioRepo;

class TestPortfolioRepo : public QObject
{
    Q_OBJECT

private slots:
    void parsesBands_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<int>("kind");
        QTest::addColumn<double>("value");
        QTest::newRow("5pp") << "5pp" << true << int(Band::Kind::Absolute) << 0.05;
        QTest::newRow("0.5pp") << "0.5pp" << true << int(Band::Kind::Absolute) << 0.005;
        QTest::newRow("25%") << "25%" << true << int(Band::Kind::Relative) << 0.25;
        QTest::newRow("no unit") << "5" << false << 0 << 0.0;
        QTest::newRow("zero") << "0pp" << false << 0 << 0.0;
        QTest::newRow("hundred") << "100%" << false << 0 << 0.0;
        QTest::newRow("junk") << "abc%" << false << 0 << 0.0;
    }

    void parsesBands()
    {
        QFETCH(QString, text);
        QFETCH(bool, ok);
        QFETCH(int, kind);
        QFETCH(double, value);
        auto band = Band::parse(text);
        QCOMPARE(band.ok(), ok);
        if (ok) {
            QCOMPARE(int(band->kind), kind);
            QVERIFY(qFuzzyCompare(band->value, value));
            QCOMPARE(Band::parse(band->toString())->value, band->value);
        } else {
            QVERIFY(band.error().message.contains(text));
        }
    }

    void parsesWeights_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected"); // empty = error
        QTest::newRow("fraction") << "0.4"
                                  << "0.4";
        QTest::newRow("percent") << "40%"
                                 << "0.4";
        QTest::newRow("fractional percent") << "12.5%"
                                            << "0.125";
        QTest::newRow("one") << "1"
                             << "1";
        QTest::newRow("above one") << "1.2"
                                   << "";
        QTest::newRow("negative") << "-0.1"
                                  << "";
        QTest::newRow("junk") << "forty"
                              << "";
    }

    void parsesWeights()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        auto weight = ballast::domain::parseWeight(text);
        QCOMPARE(weight.ok(), !expected.isEmpty());
        if (weight.ok())
            QCOMPARE(weight->toString(), expected);
    }

    void validatesTargetSums_data()
    {
        QTest::addColumn<QStringList>("weights");
        QTest::addColumn<QString>("error"); // expected code, empty = valid
        QTest::newRow("exact") << QStringList{QStringLiteral("0.5"), QStringLiteral("0.3"), QStringLiteral("0.2")}
                               << "";
        QTest::newRow("thirds within 1e-9")
            << QStringList{QStringLiteral("0.333333333333"), QStringLiteral("0.333333333333"),
                           QStringLiteral("0.333333333334")}
            << "";
        QTest::newRow("short") << QStringList{QStringLiteral("0.5"), QStringLiteral("0.3")} << "target.sum";
        QTest::newRow("over") << QStringList{QStringLiteral("0.6"), QStringLiteral("0.6")} << "target.sum";
        QTest::newRow("just outside 1e-9")
            << QStringList{QStringLiteral("0.5"), QStringLiteral("0.499999998")} << "target.sum";
    }

    void validatesTargetSums()
    {
        QFETCH(QStringList, weights);
        QFETCH(QString, error);
        QList<Target> targets;
        for (qsizetype i = 0; i < weights.size(); ++i)
            targets.append(Target{QStringLiteral("A%1").arg(i), *ballast::money::Decimal::parse(weights[i]), {}});
        auto valid = PortfolioRepo::validateTargets(targets);
        QCOMPARE(valid.ok(), error.isEmpty());
        if (!valid.ok()) {
            QCOMPARE(valid.error().code, error);
            QVERIFY(valid.error().message.contains(QStringLiteral("sum to")));
        }
    }

    void storesTargetsAndBands()
    {
        ballast::test::TempDatabase temp;
        PortfolioRepo repo(temp.db());
        Portfolio portfolio;
        portfolio.name = QStringLiteral("Main");
        auto created = repo.create(portfolio, 0);
        QVERIFY(created.ok());
        const QList<Target> targets{{QStringLiteral("ETH"), dec("0.3"), {}},
                                    {QStringLiteral("BTC"), dec("0.7"), Band{Band::Kind::Relative, 0.2}}};
        QVERIFY(repo.setTargets(created->id, targets, Band{Band::Kind::Absolute, 0.03}).ok());
        auto loaded = repo.load();
        QVERIFY(loaded.ok());
        QCOMPARE(loaded->targets.size(), 2);
        QCOMPARE(loaded->targets.first().asset, QStringLiteral("BTC")); // largest first
        QCOMPARE(loaded->targets.first().weight, dec("0.7"));
        QCOMPARE(loaded->bandFor(QStringLiteral("BTC")).kind, Band::Kind::Relative);
        QCOMPARE(loaded->bandFor(QStringLiteral("ETH")).value, 0.03);
        // A refused set leaves the stored one untouched.
        const QByteArray before = ballast::test::contentDigest(temp.db());
        QVERIFY(!repo.setTargets(created->id, {{QStringLiteral("BTC"), dec("0.9"), {}}}, Band{}).ok());
        QCOMPARE(ballast::test::contentDigest(temp.db()), before);
    }

    void unknownPortfolioIsAnError()
    {
        ballast::test::TempDatabase temp;
        auto loaded = PortfolioRepo(temp.db()).load(QStringLiteral("Nope"));
        QVERIFY(!loaded.ok());
        QVERIFY(loaded.error().message.contains(QStringLiteral("Nope")));
    }
};

QTEST_GUILESS_MAIN(TestPortfolioRepo)
#include "tst_portfoliorepo.moc"
