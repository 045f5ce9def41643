// Drives the real ballast-cli binary against real SQLite files.
#include "money/decimal.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <tuple>

using ballast::money::Decimal;

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
    [[nodiscard]] QJsonObject json() const { return QJsonDocument::fromJson(out.toUtf8()).object(); }
};

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_db;

    Run cli(const QStringList &arguments, const QString &db = {})
    {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("BALLAST_NOW"), QStringLiteral("2026-11-21T12:00:00Z"));
        env.remove(QStringLiteral("BALLAST_DB"));
        process.setProcessEnvironment(env);
        process.start(qEnvironmentVariable("BALLAST_CLI"),
                      QStringList{QStringLiteral("--db"), db.isEmpty() ? m_db : db} + arguments);
        if (!process.waitForFinished(60000))
            qFatal("ballast-cli did not finish");
        return Run{process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
                   QString::fromUtf8(process.readAllStandardError())};
    }

    QByteArray digest()
    {
        auto db = ballast::storage::Database::open(m_db, ballast::storage::Database::Mode::ReadWriteExisting);
        if (!db)
            return db.error().message.toUtf8();
        return ballast::test::contentDigest(**db);
    }

    void setUpManualPortfolio()
    {
        QCOMPARE(cli({QStringLiteral("init")}).exitCode, 0);
        QCOMPARE(cli({QStringLiteral("accounts"), QStringLiteral("add"), QStringLiteral("--exchange"),
                      QStringLiteral("paper"), QStringLiteral("--name"), QStringLiteral("paper")})
                     .exitCode,
                 0);
        QCOMPARE(cli({QStringLiteral("accounts"), QStringLiteral("add"), QStringLiteral("--exchange"),
                      QStringLiteral("manual"), QStringLiteral("--name"), QStringLiteral("ledger")})
                     .exitCode,
                 0);
        QCOMPARE(cli({QStringLiteral("holdings"), QStringLiteral("set"), QStringLiteral("--account"),
                      QStringLiteral("paper"), QStringLiteral("BTC=0.1"), QStringLiteral("ETH=2")})
                     .exitCode,
                 0);
        QCOMPARE(cli({QStringLiteral("holdings"), QStringLiteral("set"), QStringLiteral("--account"),
                      QStringLiteral("ledger"), QStringLiteral("ETH@arbitrum=0.4")})
                     .exitCode,
                 0);
        QCOMPARE(cli({QStringLiteral("prices"), QStringLiteral("set"), QStringLiteral("BTC=50000"),
                      QStringLiteral("ETH=2500")})
                     .exitCode,
                 0);
        QCOMPARE(cli({QStringLiteral("targets"), QStringLiteral("set"), QStringLiteral("BTC=50%"),
                      QStringLiteral("ETH=50%"), QStringLiteral("--band"), QStringLiteral("5pp")})
                     .exitCode,
                 0);
    }

private slots:
    void init()
    {
        m_db = m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()) + QStringLiteral(".sqlite"));
        QFile::remove(m_db);
    }

    void demoShowsValuedPortfolio()
    {
        const Run init = cli({QStringLiteral("init"), QStringLiteral("--demo")});
        QCOMPARE(init.exitCode, 0);
        QVERIFY(init.out.contains(QStringLiteral("SIMULATED")));
        const Run status = cli({QStringLiteral("status"), QStringLiteral("--json")});
        QCOMPARE(status.exitCode, 0);
        const QJsonObject json = status.json();
        QCOMPARE(json.value(QStringLiteral("quote")).toString(), QStringLiteral("USDT"));
        QVERIFY(json.value(QStringLiteral("simulated")).toBool());
        const Decimal total = *Decimal::parse(json.value(QStringLiteral("total_value")).toString());
        QVERIFY(total > Decimal::fromInt(1000));
        const QJsonArray assets = json.value(QStringLiteral("assets")).toArray();
        QVERIFY(assets.size() >= 5);
        Decimal sum;
        double weights = 0;
        double targets = 0;
        for (const auto &value : assets) {
            const QJsonObject asset = value.toObject();
            for (const char *key : {"asset", "quantity", "price", "value", "weight", "target", "drift"})
                QVERIFY2(asset.contains(QLatin1String(key)), key);
            sum += *Decimal::parse(asset.value(QStringLiteral("value")).toString());
            const double weight = asset.value(QStringLiteral("weight")).toDouble();
            const double target = asset.value(QStringLiteral("target")).toDouble();
            QVERIFY(qAbs(asset.value(QStringLiteral("drift")).toDouble() - (weight - target)) < 1e-12);
            weights += weight;
            targets += target;
        }
        QCOMPARE(sum, total); // exact: the total is the sum of the values
        QVERIFY(qAbs(weights - 1.0) < 1e-9);
        QVERIFY(qAbs(targets - 1.0) < 1e-9);
        // Three years of daily valuations were stored for the equity curve.
        const QString csv = m_dir.filePath(QStringLiteral("valuations.csv"));
        QCOMPARE(cli({QStringLiteral("export"), QStringLiteral("valuations"), QStringLiteral("--out"), csv}).exitCode,
                 0);
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().split('\n');
        QVERIFY(lines.size() > qsizetype(3 * 365));
        QCOMPARE(lines.first(), QByteArray("time,portfolio,kind,value,quote,simulated\r"));
        const QList<QByteArray> first = lines.at(1).split(',');
        QCOMPARE(first.size(), 6);
        QCOMPARE(first.at(1), QByteArray("Demo"));
        QCOMPARE(first.at(2), QByteArray("daily"));
        QVERIFY(Decimal::parse(QString::fromLatin1(first.at(3))).ok());
        QCOMPARE(first.at(5), QByteArray("true\r"));
        // The set-up leaves no valuation of a half-filled portfolio behind: the
        // curve's last point is the whole portfolio, with no dip before it.
        QList<double> values;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QList<QByteArray> fields = lines.at(i).split(',');
            if (fields.size() == 6)
                values << fields.at(3).toDouble();
        }
        QVERIFY(values.size() > qsizetype(3 * 365));
        QVERIFY(qAbs(values.last() - total.toDouble()) < 1e-6 * total.toDouble());
        for (qsizetype i = 1; i < values.size(); ++i)
            QVERIFY2(values.at(i) > 0.5 * values.at(i - 1), qPrintable(QString::number(i)));
    }

    void manualPortfolioStatusAndExports()
    {
        setUpManualPortfolio();
        const Run status = cli({QStringLiteral("status"), QStringLiteral("--json")});
        QCOMPARE(status.exitCode, 0);
        const QJsonObject json = status.json();
        QCOMPARE(json.value(QStringLiteral("total_value")).toString(), QStringLiteral("11000"));
        QCOMPARE(json.value(QStringLiteral("time")).toString(), QStringLiteral("2026-11-21T12:00:00.000Z"));
        QVERIFY(!json.value(QStringLiteral("simulated")).toBool());
        const QJsonArray assets = json.value(QStringLiteral("assets")).toArray();
        QCOMPARE(assets.size(), 2);
        const QJsonObject eth = assets.at(0).toObject();
        QCOMPARE(eth.value(QStringLiteral("asset")).toString(), QStringLiteral("ETH"));
        QCOMPARE(eth.value(QStringLiteral("quantity")).toString(), QStringLiteral("2.4"));
        QCOMPARE(eth.value(QStringLiteral("value")).toString(), QStringLiteral("6000"));
        QVERIFY(qAbs(eth.value(QStringLiteral("weight")).toDouble() - 6000.0 / 11000.0) < 1e-12);
        QVERIFY(qAbs(eth.value(QStringLiteral("drift")).toDouble() - (6000.0 / 11000.0 - 0.5)) < 1e-12);
        QVERIFY(eth.value(QStringLiteral("outside_band")).toBool() == false);
        QCOMPARE(eth.value(QStringLiteral("holdings")).toArray().size(), 2);

        const QString csv = m_dir.filePath(QStringLiteral("holdings.csv"));
        QCOMPARE(cli({QStringLiteral("export"), QStringLiteral("holdings"), QStringLiteral("--out"), csv}).exitCode, 0);
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(),
                 QByteArray("time,account,asset,network,quantity,price,value,quote,price_source\r\n"
                            "2026-11-21T12:00:00.000Z,ledger,ETH,arbitrum,0.4,2500,1000,USDT,market\r\n"
                            "2026-11-21T12:00:00.000Z,paper,ETH,,2,2500,5000,USDT,market\r\n"
                            "2026-11-21T12:00:00.000Z,paper,BTC,,0.1,50000,5000,USDT,market\r\n"));

        const Run text = cli({QStringLiteral("status")});
        QCOMPARE(text.exitCode, 0);
        QVERIFY(text.out.contains(QStringLiteral("11000.00 USDT")));
        // Weights are percentages, drift is a difference of two: percentage points.
        QVERIFY2(text.out.contains(QStringLiteral("54.55%")), qPrintable(text.out));
        QVERIFY2(text.out.contains(QStringLiteral("+4.55pp")), qPrintable(text.out));
        QVERIFY2(text.out.contains(QStringLiteral("-4.55pp")), qPrintable(text.out));
        QVERIFY2(!text.out.contains(QStringLiteral("+4.55%")), qPrintable(text.out));
        QVERIFY2(!text.out.contains(QStringLiteral("-4.55%")), qPrintable(text.out));
        QVERIFY(!text.out.contains(QStringLiteral("SIMULATED")));
    }

    void badInputIsRefusedAndChangesNothing_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        auto args = [](std::initializer_list<const char *> list) {
            QStringList result;
            for (const char *item : list)
                result << QString::fromUtf8(item);
            return result;
        };
        QTest::newRow("weights do not sum to 1")
            << args({"targets", "set", "BTC=0.5", "ETH=0.4"}) << 1 << "weights sum to 0.9";
        QTest::newRow("percent sum") << args({"targets", "set", "BTC=60%", "ETH=50%"}) << 1 << "sum to 1.1";
        QTest::newRow("bad weight") << args({"targets", "set", "BTC=half", "ETH=0.5"}) << 2
                                    << "argument 1 \"BTC=half\"";
        QTest::newRow("bad band") << args({"targets", "set", "BTC=0.5:5", "ETH=0.5"}) << 2 << "needs a unit";
        QTest::newRow("bad default band") << args({"targets", "set", "BTC=1", "--band", "wide"}) << 2 << "--band";
        QTest::newRow("bad quantity") << args({"holdings", "set", "--account", "paper", "BTC=1", "ETH=1,5"}) << 2
                                      << "argument 2 \"ETH=1,5\"";
        QTest::newRow("exponent quantity")
            << args({"holdings", "set", "--account", "paper", "BTC=1e-8"}) << 2 << "argument 1";
        QTest::newRow("negative quantity")
            << args({"holdings", "set", "--account", "paper", "BTC=-1"}) << 2 << "cannot be negative";
        QTest::newRow("unknown account") << args({"holdings", "set", "--account", "nope", "BTC=1"}) << 1
                                         << "no account named \"nope\"";
        QTest::newRow("missing account option") << args({"holdings", "set", "BTC=1"}) << 2 << "--account";
        QTest::newRow("not an assignment")
            << args({"holdings", "set", "--account", "paper", "BTC"}) << 2 << "argument 1 \"BTC\"";
        QTest::newRow("duplicate asset") << args({"holdings", "set", "--account", "paper", "BTC=1", "ETH=3", "btc=2"})
                                         << 2 << "argument 3 \"btc=2\": BTC is already set by argument 1 \"BTC=1\"";
        QTest::newRow("duplicate asset on a network")
            << args({"holdings", "set", "--account", "ledger", "ETH@arbitrum=1", "ETH=1", "ETH@Arbitrum=2"}) << 2
            << "argument 3 \"ETH@Arbitrum=2\": ETH@arbitrum is already set by argument 1";
        QTest::newRow("empty network") << args({"holdings", "set", "--account", "paper", "ETH=1", "BTC@=1"}) << 2
                                       << "argument 2 \"BTC@=1\": the network after @ is empty";
        QTest::newRow("two @") << args({"holdings", "set", "--account", "paper", "BTC@net@x=1"}) << 2
                               << "argument 1 \"BTC@net@x=1\": has more than one @";
        for (const char *command : {"holdings list", "accounts list", "status", "prices set", "targets set", "export",
                                    "plan", "plans list", "holdings set"}) {
            QStringList arguments = QStringList{QStringLiteral("--portfolio"), QStringLiteral("Nope")}
                + QString::fromLatin1(command).split(QLatin1Char(' '));
            QTest::addRow("unknown portfolio, %s", command)
                << arguments << 1 << "no portfolio named \"Nope\" (portfolios: Main)";
        }
        QTest::newRow("init with --portfolio")
            << args({"--portfolio", "Main", "init"}) << 2 << "init: --portfolio selects an existing portfolio";
        QTest::newRow("init with another quote")
            << args({"init", "--name", "Main", "--quote", "EUR"}) << 1
            << "portfolio \"Main\" already exists with quote USDT, not EUR; nothing changed";
        QTest::newRow("bad symbol") << args({"prices", "set", "B-T-C=1"}) << 2 << "not an asset symbol";
        QTest::newRow("zero price") << args({"prices", "set", "BTC=0"}) << 2 << "above zero";
        QTest::newRow("bad time") << args({"prices", "set", "--at", "yesterday", "BTC=1"}) << 2 << "--at \"yesterday\"";
        QTest::newRow("unknown exchange")
            << args({"accounts", "add", "--exchange", "ftx", "--name", "x"}) << 1 << "unknown exchange \"ftx\"";
        QTest::newRow("duplicate account")
            << args({"accounts", "add", "--exchange", "paper", "--name", "paper"}) << 1 << "exists already";
        QTest::newRow("bad fee") << args({"accounts", "add", "--exchange", "paper", "--name", "p2", "--fee-bps", "x"})
                                 << 2 << "--fee-bps";
        QTest::newRow("demo on a used database") << args({"init", "--demo"}) << 1 << "already holds a portfolio";
        QTest::newRow("unknown export") << args({"export", "trades2", "--out", "/tmp/x.csv"}) << 2 << "trades2";
        QTest::newRow("unknown command") << args({"frobnicate"}) << 2 << "unknown command";
        QTest::newRow("unknown option") << args({"status", "--colour"}) << 2 << "colour";
        QTest::newRow("unknown portfolio") << args({"--portfolio", "Nope", "status"}) << 1 << "Nope";
        // Numbers: one parser per kind; NaN, infinities, hex, spaces and
        // exponents (for exact amounts) are refused with the option and text.
        QTest::newRow("NaN quantity") << args({"holdings", "set", "--account", "paper", "BTC=NaN"}) << 2
                                      << "quantity \"NaN\": is not a number (NaN)";
        QTest::newRow("inf quantity") << args({"holdings", "set", "--account", "paper", "BTC=inf"}) << 2
                                      << "quantity \"inf\": is infinite";
        QTest::newRow("hex quantity") << args({"holdings", "set", "--account", "paper", "BTC=0x10"}) << 2
                                      << "quantity \"0x10\": is hexadecimal";
        QTest::newRow("spaced quantity") << args({"holdings", "set", "--account", "paper", "BTC= 1"}) << 2
                                         << "quantity \" 1\": has spaces";
        QTest::newRow("1e400 price") << args({"prices", "set", "BTC=1e400"}) << 2 << "price \"1e400\": has an exponent";
        QTest::newRow("-inf price") << args({"prices", "set", "BTC=-inf"}) << 2 << "price \"-inf\": is infinite";
        QTest::newRow("Infinity price") << args({"prices", "set", "BTC=Infinity"}) << 2 << "price \"Infinity\"";
        QTest::newRow("NaN weight") << args({"targets", "set", "BTC=nan", "ETH=0.5"}) << 2 << "weight \"nan\"";
        QTest::newRow("NaN band") << args({"targets", "set", "BTC=1", "--band", "nan%"}) << 2 << "--band";
        QTest::newRow("inf band") << args({"targets", "set", "BTC=1:infpp"}) << 2 << "band \"infpp\"";
        QTest::newRow("NaN fee") << args({"accounts", "add", "--exchange", "paper", "--name", "p2", "--fee-bps", "NaN"})
                                 << 2 << "--fee-bps \"NaN\"";
        QTest::newRow("hex fee") << args(
            {"accounts", "add", "--exchange", "paper", "--name", "p2", "--fee-bps", "0x10"})
                                 << 2 << "--fee-bps \"0x10\": is hexadecimal";
        QTest::newRow("fraction fee") << args(
            {"accounts", "add", "--exchange", "paper", "--name", "p2", "--slippage-bps", "2.5"})
                                      << 2 << "--slippage-bps \"2.5\"";
        QTest::newRow("exponent fee") << args(
            {"accounts", "add", "--exchange", "paper", "--name", "p2", "--fee-bps", "1e2"})
                                      << 2 << "--fee-bps \"1e2\"";
        QTest::newRow("NaN turnover") << args({"plan", "--max-turnover", "NaN"}) << 2 << "--max-turnover \"NaN\"";
        QTest::newRow("inf turnover") << args({"plan", "--max-turnover", "inf%"}) << 2 << "--max-turnover \"inf%\"";
        QTest::newRow("NaN max weight") << args({"plan", "--max-weight", "nan"}) << 2 << "--max-weight \"nan\"";
        QTest::newRow("NaN guard") << args({"plan", "--falling-guard", "-NaN"}) << 2 << "--falling-guard \"-NaN\"";
        QTest::newRow("inf min trade") << args({"plan", "--min-trade", "inf"}) << 2 << "--min-trade \"inf\"";
        QTest::newRow("exponent min trade") << args({"plan", "--min-trade", "1e-2"}) << 2 << "exponent";
        QTest::newRow("NaN invest") << args({"plan", "--mode", "invest:NaN"}) << 2 << "positive number";
        QTest::newRow("NaN max move") << args({"execute", "P1", "--max-move", "NaN"}) << 2 << "--max-move \"NaN\"";
        QTest::newRow("inf max move") << args({"execute", "P1", "--max-move", "inf"}) << 2 << "--max-move \"inf\"";
        QTest::newRow("NaN% max move") << args({"execute", "P1", "--max-move", "NaN%"}) << 2 << "--max-move";
        QTest::newRow("hex max move") << args({"execute", "P1", "--max-move", "0x1"}) << 2 << "hexadecimal";
        QTest::newRow("zero max move") << args({"execute", "P1", "--max-move", "0"}) << 2 << "must be above 0";
        QTest::newRow("NaN notional") << args({"execute", "P1", "--max-notional", "NaN"}) << 2
                                      << "--max-notional \"NaN\"";
        QTest::newRow("1e400 notional") << args({"execute", "P1", "--max-notional", "1e400"}) << 2
                                        << "--max-notional \"1e400\"";
        QTest::newRow("NaN backtest fee")
            << args({"backtest", "--prices", "BTC=/nonexistent.csv", "--weights", "BTC=1", "--fee-bps", "NaN"}) << 2
            << "--fee-bps \"NaN\"";
        QTest::newRow("inf capital") << args(
            {"backtest", "--prices", "BTC=/nonexistent.csv", "--weights", "BTC=1", "--capital", "inf"})
                                     << 2 << "--capital \"inf\"";
        QTest::newRow("NaN overlay") << args(
            {"backtest", "--prices", "BTC=/nonexistent.csv", "--weights", "BTC=1", "--overlay", "vol-target:NaN"})
                                     << 2 << "--overlay \"vol-target:NaN\"";
        // Endpoints: https only (http to this machine), no user info, no other scheme.
        for (const auto &[exchange, url, words] :
             {std::tuple{"binance", "http://api.example.com", "http:// is allowed only to this machine"},
              std::tuple{"kraken", "file:///etc/passwd", "scheme \"file\" is not allowed"},
              std::tuple{"binance", "javascript:alert(1)", "scheme \"javascript\" is not allowed"},
              std::tuple{"binance", "https://user:pw@api.example.com", "must not hold a user name or password"},
              std::tuple{"kraken", "https://api.example.com/?k=1", "must not have a query"},
              std::tuple{"paper", "http://10.0.0.1", "http:// is allowed only to this machine"}}) {
            QTest::addRow("base url %s %s", exchange, url)
                << args({"accounts", "add", "--exchange", exchange, "--name", "x", "--base-url", url}) << 2
                << QStringLiteral("--base-url: base URL \"%1\"").arg(QString::fromLatin1(url)) + QStringLiteral(": ")
                    + QString::fromLatin1(words);
        }
        QTest::newRow("1e400 risk free") << args(
            {"allocate", "--model", "equal", "--prices", "BTC=/nonexistent.csv", "--risk-free", "1e400"})
                                         << 2 << "--risk-free \"1e400\"";
    }

    void badInputIsRefusedAndChangesNothing()
    {
        QFETCH(QStringList, arguments);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        setUpManualPortfolio();
        const QByteArray before = digest();
        const Run run = cli(arguments);
        QCOMPARE(run.exitCode, exitCode);
        QVERIFY2(run.err.contains(message), qPrintable(run.err));
        QVERIFY2(run.err.startsWith(QStringLiteral("ballast-cli: ")), qPrintable(run.err));
        QCOMPARE(run.err.count(QLatin1Char('\n')), 1); // one line
        QVERIFY(run.out.isEmpty());
        QCOMPARE(digest(), before);
    }

    void initSaysWhatItDid()
    {
        const QString path = QDir::toNativeSeparators(m_db);
        const Run first = cli({QStringLiteral("init")});
        QCOMPARE(first.exitCode, 0);
        QCOMPARE(first.out, QStringLiteral("Created portfolio \"Main\" (quote USDT) in %1.\n").arg(path));

        const QByteArray before = digest();
        const Run again = cli({QStringLiteral("init")});
        QCOMPARE(again.exitCode, 0);
        QCOMPARE(again.out,
                 QStringLiteral("Nothing created: %1 already holds portfolio \"Main\" (quote USDT).\n").arg(path));
        const Run sameName = cli({QStringLiteral("init"), QStringLiteral("--name"), QStringLiteral("Main")});
        QCOMPARE(sameName.exitCode, 0);
        QVERIFY2(sameName.out.startsWith(QStringLiteral("Nothing created")), qPrintable(sameName.out));
        QCOMPARE(digest(), before);

        const Run second = cli({QStringLiteral("init"), QStringLiteral("--name"), QStringLiteral("Second"),
                                QStringLiteral("--quote"), QStringLiteral("eur")});
        QCOMPARE(second.exitCode, 0);
        QVERIFY2(second.out.startsWith(QStringLiteral("Created portfolio \"Second\" (quote EUR) in %1, which now "
                                                      "holds: Main, Second.")
                                           .arg(path)),
                 qPrintable(second.out));
        QVERIFY2(second.out.contains(QStringLiteral("--portfolio \"Second\"")), qPrintable(second.out));

        const Run list = cli({QStringLiteral("init"), QStringLiteral("--json")});
        QCOMPARE(list.exitCode, 0);
        QCOMPARE(list.json().value(QStringLiteral("created")).toBool(), false);
        QCOMPARE(list.json().value(QStringLiteral("portfolios")).toArray(),
                 QJsonArray({QStringLiteral("Main"), QStringLiteral("Second")}));
        const Run status = cli({QStringLiteral("--portfolio"), QStringLiteral("Second"), QStringLiteral("status"),
                                QStringLiteral("--json")});
        QCOMPARE(status.exitCode, 0);
        QCOMPARE(status.json().value(QStringLiteral("quote")).toString(), QStringLiteral("EUR"));
        const Run unknown = cli({QStringLiteral("--portfolio"), QStringLiteral("Nope"), QStringLiteral("holdings"),
                                 QStringLiteral("list")});
        QCOMPARE(unknown.exitCode, 1);
        QCOMPARE(unknown.err, QStringLiteral("ballast-cli: no portfolio named \"Nope\" (portfolios: Main, Second)\n"));
    }

    void pinnedTimeMustBeATime()
    {
        setUpManualPortfolio();
        const QByteArray before = digest();
        for (const QString &value :
             {QStringLiteral("garbage"), QStringLiteral("2026-13-01T00:00:00Z"), QStringLiteral("1700000000")}) {
            QProcess process;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("BALLAST_NOW"), value);
            process.setProcessEnvironment(env);
            process.start(qEnvironmentVariable("BALLAST_CLI"),
                          {QStringLiteral("--db"), m_db, QStringLiteral("prices"), QStringLiteral("set"),
                           QStringLiteral("BTC=1")});
            QVERIFY(process.waitForFinished(60000));
            QCOMPARE(process.exitCode(), 1);
            const QString err = QString::fromUtf8(process.readAllStandardError());
            QCOMPARE(err,
                     QStringLiteral("ballast-cli: BALLAST_NOW \"%1\" is not an ISO 8601 time; expected for "
                                    "example 2026-11-21T12:00:00Z (or unset BALLAST_NOW to use the system "
                                    "clock)\n")
                         .arg(value));
            QVERIFY(process.readAllStandardOutput().isEmpty());
        }
        QCOMPARE(digest(), before);
    }

    void exportToAFullDiskSaysSo()
    {
        if (!QFileInfo(QStringLiteral("/dev/full")).exists() || QFileInfo(QStringLiteral("/dev/full")).isFile())
            QSKIP("no /dev/full device on this system");
        setUpManualPortfolio();
        const Run run = cli({QStringLiteral("export"), QStringLiteral("holdings"), QStringLiteral("--out"),
                             QStringLiteral("/dev/full")});
        QCOMPARE(run.exitCode, 1);
        QCOMPARE(run.err,
                 QStringLiteral("ballast-cli: the disk is full: could not write to /dev/full (free some space "
                                "and try again; nothing was changed)\n"));
        QVERIFY(!QFileInfo(QStringLiteral("/dev/full")).isFile());
    }

    void commandsNeedAnInitialisedDatabase()
    {
        const Run run = cli({QStringLiteral("status")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY(run.err.contains(QStringLiteral("ballast-cli init")));
        QVERIFY(!QFile::exists(m_db));
    }

    void everyCommandHasHelp_data()
    {
        QTest::addColumn<QString>("command");
        for (const char *command :
             {"init",        "accounts add", "accounts list", "holdings set", "holdings list", "prices set",
              "targets set", "status",       "export",        "plan",         "plans list",    "plans show",
              "execute",     "orders",       "reconcile",     "cancel",       "sync",          "prices import",
              "backtest",    "sweep",        "allocate"})
            QTest::newRow(command) << QString::fromLatin1(command);
    }

    void everyCommandHasHelp()
    {
        QFETCH(QString, command);
        const Run run = cli(command.split(QLatin1Char(' ')) + QStringList{QStringLiteral("--help")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.startsWith(QStringLiteral("Usage: ballast-cli ") + command), qPrintable(run.out));
        QVERIFY(run.out.contains(QStringLiteral("--db")));
        QVERIFY(run.out.contains(QStringLiteral("--json")));
    }

    void jsonListsAreParseable()
    {
        setUpManualPortfolio();
        const Run accounts = cli({QStringLiteral("accounts"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(accounts.json().value(QStringLiteral("accounts")).toArray().size(), 2);
        const Run holdings = cli({QStringLiteral("holdings"), QStringLiteral("list"), QStringLiteral("--json")});
        const QJsonArray rows = holdings.json().value(QStringLiteral("holdings")).toArray();
        QCOMPARE(rows.size(), 3);
        QCOMPARE(rows.at(1).toObject().value(QStringLiteral("network")).toString(), QStringLiteral("arbitrum"));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
