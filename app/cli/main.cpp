// ballast-cli. A backtest or sweep from price files runs here; every other
// command (and those two with --policy, --help or a command line this part
// does not take) runs in the ledger module, libballast_cli.so in lib/ballast
// (module.cpp), loaded only then. This program links Qt Core and the research
// code and nothing else: the network, SQLite and OpenSSL and the libraries
// under them took some 6 ms of every start to load (docs/benchmarks.md), a
// fifth of a repeated backtest.
#include "clioutput.h"
#include "commandline.h"
#include "common/heap.h"
#include "research.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>

#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <optional>

namespace {

using namespace ballast::cli;

/// Runs a backtest or sweep that needs no ledger; no value when the command
/// line is for the module.
std::optional<int> runFromFiles(const QStringList &arguments)
{
    const QStringList args = arguments.mid(1);
    const commandline::Words words = commandline::commandWords(args);
    if (words.words.isEmpty())
        return std::nullopt;
    const QString &name = words.words.first();
    const bool isBacktest = name == QLatin1String("backtest");
    if (!isBacktest && name != QLatin1String("sweep"))
        return std::nullopt;
    QCommandLineParser parser;
    const QCommandLineOption help =
        commandline::prepare(parser, isBacktest ? research::addBacktestOptions : research::addSweepOptions);
    // What the module words differently or needs a ledger for: its errors,
    // the help text and --policy.
    if (!parser.parse(QStringList{arguments.first()} + commandline::withoutWords(args, words, 1)) || parser.isSet(help)
        || (isBacktest && parser.isSet(QStringLiteral("policy"))))
        return std::nullopt;
    auto clock = ballast::clockFromEnvironment();
    if (!clock)
        return std::nullopt;
    research::Context context;
    context.json = parser.isSet(commandline::kJsonOption);
    context.clock = *clock;
    return isBacktest ? research::backtest(context, parser) : research::sweep(context, parser);
}

/// Loads the ledger module and runs the command there.
int runInModule()
{
    const QString path = QDir::cleanPath(QCoreApplication::applicationDirPath() + QLatin1Char('/')
                                         + QStringLiteral(BALLAST_CLI_MODULE_DIR "/libballast_cli.so"));
    // Never closed: its code may run until the process ends (Qt's clean-up).
    void *module = dlopen(QFile::encodeName(path).constData(), RTLD_NOW | RTLD_LOCAL);
    if (!module) {
        return CliOutput::fail(
            ballast::makeError(QStringLiteral("cli.module"),
                               QStringLiteral("cannot load %1: %2 (is Ballast installed whole?)")
                                   .arg(QDir::toNativeSeparators(path), QString::fromLocal8Bit(dlerror()))));
    }
    using Run = int (*)();
    auto run = reinterpret_cast<Run>(dlsym(module, "ballast_cli_run"));
    if (!run) {
        return CliOutput::fail(
            ballast::makeError(QStringLiteral("cli.module"),
                               QStringLiteral("%1 has no ballast_cli_run").arg(QDir::toNativeSeparators(path))));
    }
    return run();
}

/// @p status, or a failure where the command's output could not be written
/// whole (a full disk): a script must not take a cut-off result for the
/// result. Everything on stdout went through its FILE (QTextStream on stdout
/// writes there too), whose error flag stays set once a write failed.
int withOutputWritten(int status)
{
    const bool flushed = std::fflush(stdout) == 0;
    if (flushed && !std::ferror(stdout))
        return status;
    const QString why = flushed ? QStringLiteral("some of it was not written") : qt_error_string(errno);
    CliOutput::error(QStringLiteral("cannot write the output: ") + why);
    return status != 0 ? status : EXIT_FAILURE; // a wrong command line stays 2
}

} // namespace

int main(int argc, char *argv[])
{
    ballast::common::keepFreedHeapMemory();
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Ballast"));
    QCoreApplication::setApplicationName(QStringLiteral("ballast"));
    QCoreApplication::setApplicationVersion(QStringLiteral(BALLAST_VERSION));
    const std::optional<int> fromFiles = runFromFiles(QCoreApplication::arguments());
    const int status = withOutputWritten(fromFiles ? *fromFiles : runInModule());
#ifdef BALLAST_QUICK_EXIT
    // The command is done and its Cli gone (the database closed, every file
    // written and closed); what is left is Qt's and the libraries' teardown
    // and freeing memory, which changes nothing outside the process and cost
    // about 1.6 ms of a 35 ms backtest. Flushed first, since _Exit does not.
    std::_Exit(std::fflush(stderr) == 0 ? status : EXIT_FAILURE);
#else
    return status; // sanitizer builds: LeakSanitizer's check runs at exit
#endif
}
