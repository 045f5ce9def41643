// ballast-fake-exchange: runs one loopback fake exchange in its own process,
// so that crash tests can kill and restart the client while the exchange keeps
// its orders; and the chain fakes (Esplora, EVM and Solana JSON-RPC) for
// trying the wallets by hand. Usage: see usage() below.

#include "fakebinance.h"
#include "fakechainrunner.h"
#include "fakecoingecko.h"
#include "fakekraken.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QSocketNotifier>
#include <QStringList>
#include <QTimer>

#include <cstdio>
#include <memory>
#include <unistd.h>

using namespace ballast::test::fake;

namespace {

void usage()
{
    std::fputs("usage: ballast-fake-exchange binance|kraken|coingecko [options] [KEY=VALUE ...]\n"
               "  --port N               port on 127.0.0.1 (default 0 = a free port)\n"
               "  --key K --secret S     API key and secret (Kraken: base64 private key);\n"
               "                         default: the key pair of the exchange's published signing example\n"
               "  --lifetime SECONDS     exit after this long (default 600)\n"
               "  --no-stdin-watch       do not exit when standard input closes\n"
               "  --fills N              taker fills per order (default 1)\n"
               "  --fill-fraction F      share of a taker order that finds liquidity (default 1)\n"
               "  --fill-price-step P    each further fill this much worse (default 0)\n"
               "  --fee-asset received|quote|base   (Binance) asset that pays commissions\n"
               "  --weight-limit N [--weight-window-ms MS] [--ban-ms MS]   (Binance) request weight limit\n"
               "  --counter-max X --decay Y                               (Kraken) REST call counter\n"
               "  --clock-offset-ms MS   offset of the fake's server clock\n"
               "  KEY=VALUE              a market symbol (BTCUSDT, XXBTZUSD or altname XBTUSD) sets its last price,\n"
               "                         anything else sets the free balance of that asset; prefixes price: and\n"
               "                         balance: force the meaning\n"
               "Prints 'listening on 127.0.0.1:PORT' when ready. Test control: POST/GET /__control/... (see "
               "fakeexchange.h).\n",
               stderr);
    std::fputs(chainFakeUsage(), stderr);
    std::fputs("       ballast-fake-exchange coingecko [options]\n"
               "  --port N, --lifetime SECONDS, --no-stdin-watch   as above\n"
               "  --now ISO-TIME         the fake's clock (default: the system time)\n"
               "  --demo-key KEY         require this x-cg-demo-api-key\n"
               "  --rate-limit-after N   answer N requests, then HTTP 429 with Retry-After 1 from then on\n",
               stderr);
}

/// Runs the CoinGecko fake until its lifetime ends or standard input closes.
int runCoinGecko(QCoreApplication &app, const QStringList &args)
{
    FakeCoinGecko fake;
    quint16 port = 0;
    int lifetime = 600;
    bool watchStdin = true;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString arg = args.at(i);
        const auto next = [&]() -> QString { return i + 1 < args.size() ? args.at(++i) : QString(); };
        if (arg == u"--port") {
            port = static_cast<quint16>(next().toUInt());
        } else if (arg == u"--lifetime") {
            lifetime = next().toInt();
        } else if (arg == u"--no-stdin-watch") {
            watchStdin = false;
        } else if (arg == u"--now") {
            const QString text = next();
            const QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
            if (!time.isValid()) {
                std::fprintf(stderr, "--now %s: expected an ISO 8601 time\n", qPrintable(text));
                return 2;
            }
            fake.setNowMs(time.toMSecsSinceEpoch());
        } else if (arg == u"--demo-key") {
            fake.setDemoKey(next().toUtf8());
        } else if (arg == u"--rate-limit-after") {
            fake.setRateLimited(next().toInt(), -1);
        } else {
            std::fprintf(stderr, "unknown argument %s\n", qPrintable(arg));
            return 2;
        }
    }
    if (!fake.listenLocal(port)) {
        std::fprintf(stderr, "cannot listen on 127.0.0.1:%u\n", static_cast<unsigned>(port));
        return 2;
    }
    std::printf("listening on 127.0.0.1:%u\nendpoint %s\n", static_cast<unsigned>(fake.port()),
                qPrintable(fake.baseUrl().toString()));
    std::fflush(stdout);
    QTimer::singleShot(qMax(1, lifetime) * 1000, &app, &QCoreApplication::quit);
    std::unique_ptr<QSocketNotifier> stdinWatch;
    if (watchStdin) {
        stdinWatch = std::make_unique<QSocketNotifier>(STDIN_FILENO, QSocketNotifier::Read);
        QObject::connect(stdinWatch.get(), &QSocketNotifier::activated, &app, [&app, &stdinWatch] {
            char buffer[512];
            const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
            if (n <= 0) {
                stdinWatch->setEnabled(false);
                app.quit();
            }
        });
    }
    return app.exec();
}

QString marketFor(FakeExchange &fake, const QString &key)
{
    if (fake.book().hasMarket(key))
        return key;
    if (auto *kraken = qobject_cast<FakeKraken *>(&fake)) {
        for (const QString &symbol : fake.book().symbols()) {
            if (const KrakenPair *p = kraken->pair(symbol); p && (p->altname == key || p->wsname == key))
                return symbol;
        }
    }
    return {};
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments().mid(1);
    if (args.isEmpty() || args.contains(QStringLiteral("--help")) || args.contains(QStringLiteral("-h"))) {
        usage();
        return args.isEmpty() ? 2 : 0;
    }
    const QString kind = args.takeFirst();
    if (isChainFake(kind))
        return runChainFake(app, kind, args);
    if (kind == QLatin1String("coingecko"))
        return runCoinGecko(app, args);
    std::unique_ptr<FakeExchange> fake;
    FakeBinance *binance = nullptr;
    FakeKraken *kraken = nullptr;
    if (kind == QLatin1String("binance")) {
        binance = new FakeBinance;
        fake.reset(binance);
    } else if (kind == QLatin1String("kraken")) {
        kraken = new FakeKraken;
        fake.reset(kraken);
    } else {
        std::fprintf(stderr, "unknown exchange '%s'\n", qPrintable(kind));
        usage();
        return 2;
    }

    quint16 port = 0;
    int lifetime = 600;
    bool watchStdin = true;
    QString key;
    QString secret;
    int fills = 1;
    Decimal fraction = Decimal::fromInt(1);
    Decimal priceStep;
    bool fillModel = false;
    int weightLimit = 6000;
    qint64 weightWindowMs = 60000;
    double counterMax = 15;
    double decay = 0.33;
    auto fail = [](const QString &message) {
        std::fprintf(stderr, "%s\n", qPrintable(message));
        return 2;
    };
    auto decimalArg = [](const QString &text) { return Decimal::parse(text); };

    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString arg = args.at(i);
        const auto next = [&]() -> QString { return i + 1 < args.size() ? args.at(++i) : QString(); };
        if (arg == QLatin1String("--port")) {
            port = static_cast<quint16>(next().toUInt());
        } else if (arg == QLatin1String("--key")) {
            key = next();
        } else if (arg == QLatin1String("--secret")) {
            secret = next();
        } else if (arg == QLatin1String("--lifetime")) {
            lifetime = next().toInt();
        } else if (arg == QLatin1String("--no-stdin-watch")) {
            watchStdin = false;
        } else if (arg == QLatin1String("--fills")) {
            fills = qMax(1, next().toInt());
            fillModel = true;
        } else if (arg == QLatin1String("--fill-fraction")) {
            auto v = decimalArg(next());
            if (!v)
                return fail(QStringLiteral("bad --fill-fraction"));
            fraction = *v;
            fillModel = true;
        } else if (arg == QLatin1String("--fill-price-step")) {
            auto v = decimalArg(next());
            if (!v)
                return fail(QStringLiteral("bad --fill-price-step"));
            priceStep = *v;
            fillModel = true;
        } else if (arg == QLatin1String("--fee-asset") && binance) {
            const QString v = next();
            binance->setFeeAsset(v == QLatin1String("quote")      ? FeeAssetPolicy::Quote
                                     : v == QLatin1String("base") ? FeeAssetPolicy::Base
                                                                  : FeeAssetPolicy::Received);
        } else if (arg == QLatin1String("--weight-limit") && binance) {
            weightLimit = next().toInt();
        } else if (arg == QLatin1String("--weight-window-ms") && binance) {
            weightWindowMs = next().toLongLong();
        } else if (arg == QLatin1String("--ban-ms") && binance) {
            binance->setBanDurationMs(next().toLongLong());
        } else if (arg == QLatin1String("--counter-max") && kraken) {
            counterMax = next().toDouble();
        } else if (arg == QLatin1String("--decay") && kraken) {
            decay = next().toDouble();
        } else if (arg == QLatin1String("--clock-offset-ms")) {
            fake->setClockOffsetMs(next().toLongLong());
        } else if (arg.contains(QLatin1Char('=')) && !arg.startsWith(QLatin1String("--"))) {
            QString name = arg.section(QLatin1Char('='), 0, 0);
            const auto value = decimalArg(arg.section(QLatin1Char('='), 1));
            if (!value)
                return fail(QStringLiteral("bad value in %1").arg(arg));
            bool forcePrice = false;
            bool forceBalance = false;
            if (name.startsWith(QLatin1String("price:"))) {
                forcePrice = true;
                name = name.mid(6);
            } else if (name.startsWith(QLatin1String("balance:"))) {
                forceBalance = true;
                name = name.mid(8);
            }
            const QString market = forceBalance ? QString() : marketFor(*fake, name);
            if (forcePrice && market.isEmpty())
                return fail(QStringLiteral("unknown market %1").arg(name));
            if (!market.isEmpty())
                fake->setPrice(market, *value);
            else
                fake->setBalance(name, *value);
        } else {
            return fail(QStringLiteral("unknown argument %1").arg(arg));
        }
    }
    if (!key.isEmpty() || !secret.isEmpty()) {
        if (binance)
            binance->setCredentials(key.isEmpty() ? binance->apiKey() : key,
                                    secret.isEmpty() ? binance->secretKey() : secret);
        if (kraken)
            kraken->setCredentials(key.isEmpty() ? kraken->apiKey() : key,
                                   secret.isEmpty() ? FakeKraken::docsSecret() : secret.toLatin1());
    }
    if (binance)
        binance->setWeightLimit(weightLimit, weightWindowMs);
    if (kraken)
        kraken->setRateLimit(counterMax, decay);
    if (fillModel)
        fake->setFillModel(QString(), fills, fraction, priceStep);

    if (!fake->listenLocal(port))
        return fail(QStringLiteral("cannot listen on 127.0.0.1:%1").arg(port));
    std::printf("listening on 127.0.0.1:%u\n", static_cast<unsigned>(fake->port()));
    std::fflush(stdout);

    QTimer::singleShot(qMax(1, lifetime) * 1000, &app, &QCoreApplication::quit);
    std::unique_ptr<QSocketNotifier> stdinWatch;
    if (watchStdin) {
        stdinWatch = std::make_unique<QSocketNotifier>(STDIN_FILENO, QSocketNotifier::Read);
        QObject::connect(stdinWatch.get(), &QSocketNotifier::activated, &app, [&app, &stdinWatch] {
            char buffer[512];
            const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
            if (n <= 0) {
                stdinWatch->setEnabled(false);
                app.quit();
            }
        });
    }
    const int code = app.exec();
    fake.reset();
    return code;
}
