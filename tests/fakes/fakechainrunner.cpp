#include "fakechainrunner.h"

#include "chain/base58.h"
#include "chain/hashes.h"
#include "fakeesplora.h"
#include "fakeevmrpc.h"
#include "fakesolanarpc.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTimer>

#include <cstdio>
#include <memory>
#include <unistd.h>

namespace ballast::test::fake {

namespace {

int fail(const QString &message)
{
    std::fprintf(stderr, "%s\n", qPrintable(message));
    return 2;
}

bool isDigits(const QString &text)
{
    if (text.isEmpty())
        return false;
    for (const QChar c : text) {
        if (!c.isDigit())
            return false;
    }
    return true;
}

/// A made-up but valid address for a token account: Base58 of a hash of what identifies it.
QString tokenAccountAddress(const QString &owner, const QString &mint, qsizetype index)
{
    return chain::base58::encode(chain::sha256((owner + mint + QString::number(index)).toUtf8()));
}

/// Applies one KEY=VALUE or token:... argument to the fake of @p kind; returns an error or an empty string.
QString applySetting(const QString &kind, QAbstractHttpServer *server, const QString &arg, qsizetype index)
{
    const QString key = arg.section(QLatin1Char('='), 0, 0);
    const QString value = arg.section(QLatin1Char('='), 1);
    if (kind == u"esplora") {
        if (!isDigits(value))
            return QStringLiteral("%1: expected ADDRESS=SATS").arg(arg);
        static_cast<FakeEsplora *>(server)->setAddress(key, {value.toLongLong(), 0, 1, 0, 0, 0});
        return {};
    }
    if (kind == u"evm") {
        auto *evm = static_cast<FakeEvmRpc *>(server);
        if (key.startsWith(QLatin1String("token:")) && !arg.contains(QLatin1Char('='))) {
            const QStringList parts = arg.split(QLatin1Char(':'));
            if (parts.size() == 2)
                evm->addToken(parts.at(1), std::nullopt);
            else if (parts.size() == 3 && isDigits(parts.at(2)))
                evm->addToken(parts.at(1), parts.at(2).toInt());
            else
                return QStringLiteral("%1: expected token:CONTRACT[:DECIMALS]").arg(arg);
            return {};
        }
        if (!isDigits(value))
            return QStringLiteral("%1: expected ADDRESS=WEI or CONTRACT:OWNER=UNITS").arg(arg);
        const QStringList parts = key.split(QLatin1Char(':'));
        if (parts.size() == 1)
            evm->setBalance(key, value);
        else if (parts.size() == 2)
            evm->setTokenBalance(parts.at(0), parts.at(1), value);
        else
            return QStringLiteral("%1: expected ADDRESS=WEI or CONTRACT:OWNER=UNITS").arg(arg);
        return {};
    }
    auto *solana = static_cast<FakeSolanaRpc *>(server);
    if (!isDigits(value))
        return QStringLiteral("%1: expected PUBKEY=LAMPORTS or OWNER:MINT:DECIMALS[:2022]=UNITS").arg(arg);
    const QStringList parts = key.split(QLatin1Char(':'));
    if (parts.size() == 1) {
        solana->setBalance(key, value.toULongLong());
    } else if ((parts.size() == 3 || (parts.size() == 4 && parts.at(3) == u"2022")) && isDigits(parts.at(2))) {
        solana->addTokenAccount(parts.at(0),
                                {tokenAccountAddress(parts.at(0), parts.at(1), index), parts.at(1), value,
                                 parts.at(2).toInt(), parts.size() == 4});
    } else {
        return QStringLiteral("%1: expected PUBKEY=LAMPORTS or OWNER:MINT:DECIMALS[:2022]=UNITS").arg(arg);
    }
    return {};
}

} // namespace

bool isChainFake(const QString &kind)
{
    return kind == u"esplora" || kind == u"evm" || kind == u"solana";
}

const char *chainFakeUsage()
{
    return "       ballast-fake-exchange esplora|evm|solana [options] [SETTING ...]\n"
           "  --port N, --lifetime SECONDS, --no-stdin-watch   as above\n"
           "  --request-limit N      answer N requests, then HTTP 429 (0 = no limit)\n"
           "  --chain-id N           (evm) the chain id eth_chainId answers (default 1)\n"
           "  esplora: ADDRESS=SATS  confirmed satoshis received by an address\n"
           "  evm:     ADDRESS=WEI, token:CONTRACT[:DECIMALS], CONTRACT:OWNER=UNITS\n"
           "  solana:  PUBKEY=LAMPORTS, OWNER:MINT:DECIMALS[:2022]=UNITS (a token account; 2022 = Token-2022)\n";
}

int runChainFake(QCoreApplication &app, const QString &kind, const QStringList &args)
{
    std::unique_ptr<QAbstractHttpServer> server;
    FakeEsplora *esplora = nullptr;
    FakeJsonRpc *rpc = nullptr;
    FakeEvmRpc *evm = nullptr;
    if (kind == u"esplora") {
        esplora = new FakeEsplora;
        server.reset(esplora);
    } else if (kind == u"evm") {
        evm = new FakeEvmRpc;
        rpc = evm;
        server.reset(evm);
    } else {
        rpc = new FakeSolanaRpc;
        server.reset(rpc);
    }

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
        } else if (arg == u"--request-limit") {
            const int limit = next().toInt();
            if (esplora)
                esplora->setRequestLimit(limit);
            else
                rpc->setRequestLimit(limit);
        } else if (arg == u"--chain-id" && evm) {
            evm->setChainId(next().toULongLong());
        } else if (!arg.startsWith(QLatin1String("--"))) {
            if (const QString error = applySetting(kind, server.get(), arg, i); !error.isEmpty())
                return fail(error);
        } else {
            return fail(QStringLiteral("unknown argument %1").arg(arg));
        }
    }

    const bool listening = esplora ? esplora->listenLocal(port) : rpc->listenLocal(port);
    if (!listening)
        return fail(QStringLiteral("cannot listen on 127.0.0.1:%1").arg(port));
    const quint16 actual = esplora ? esplora->port() : rpc->port();
    const QUrl url = esplora ? esplora->baseUrl() : rpc->url();
    std::printf("listening on 127.0.0.1:%u\nendpoint %s\n", static_cast<unsigned>(actual), qPrintable(url.toString()));
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

} // namespace ballast::test::fake
