#include "cli.h"

#include "clioutput.h"
#include "commandline.h"
#include "exchange/exchangefactory.h"
#include "services/ledgerqueries.h"
#include "storage/database.h"

#include <QDateTime>
#include <QNetworkAccessManager>

namespace ballast::cli {

using commandline::kDbOption;
using commandline::kJsonOption;
using commandline::kPortfolioOption;

Cli::Cli()
    : m_clock(systemClock())
{
    registerCommands();
}

Cli::~Cli() = default;

void Cli::registerCommands()
{
    registerLedgerCommands();
    registerTransactionCommands();
    registerPerformanceCommands();
    registerPlanCommands();
    registerPolicyCommands();
    registerExecuteCommands();
    registerExchangeCommands();
    registerWalletCommands();
    registerAnalysisCommands();
    registerPriceCommands();
}

int Cli::usageError(const QString &message) const
{
    return CliOutput::usageError(message);
}

int Cli::fail(const Error &error) const
{
    return CliOutput::fail(error);
}

void Cli::printHelp() const
{
    CliOutput::line(QStringLiteral("Usage: ballast-cli [--db PATH] [--json] [--portfolio NAME] COMMAND [options]\n\n"
                                   "Ballast keeps crypto holdings in a local ledger, values them against target "
                                   "weights and plans rebalances.\n\nCommands:"));
    QList<QStringList> rows;
    for (const Command &command : m_commands)
        rows.append({QStringLiteral("  ") + command.name, command.summary});
    CliOutput::table({QString(), QString()}, rows);
    CliOutput::line(QStringLiteral("\nRun \"ballast-cli COMMAND --help\" for the options of a command."));
}

int Cli::run(const QStringList &arguments)
{
    const QStringList args = arguments.mid(1);
    if (args.isEmpty() || args.first() == QLatin1String("--help") || args.first() == QLatin1String("-h")
        || args.first() == QLatin1String("help")) {
        printHelp();
        return args.isEmpty() ? 2 : 0;
    }
    if (args.first() == QLatin1String("--version")) {
        CliOutput::line(QStringLiteral("ballast-cli ") + QStringLiteral(BALLAST_VERSION));
        return 0;
    }

    // The command is the first one or two words that are not options.
    const commandline::Words words = commandline::commandWords(args);
    const Command *command = nullptr;
    qsizetype used = 0;
    for (const Command &candidate : m_commands) {
        const QStringList name = candidate.name.split(QLatin1Char(' '));
        if (words.words.mid(0, name.size()) == name && name.size() > used) {
            command = &candidate;
            used = name.size();
        }
    }
    if (!command) {
        return usageError(words.words.isEmpty() ? QStringLiteral("no command given")
                                                : QStringLiteral("unknown command \"%1\"").arg(words.words.join(u' ')));
    }
    const QStringList rest = commandline::withoutWords(args, words, used);

    QCommandLineParser parser;
    const QCommandLineOption help = commandline::prepare(parser, command->options);
    if (!parser.parse(QStringList{arguments.first()} + rest))
        return usageError(command->name + QStringLiteral(": ") + parser.errorText());
    if (parser.isSet(help)) {
        QString text = parser.helpText();
        const auto optionsAt = text.indexOf(QLatin1String("Options:"));
        CliOutput::line(QStringLiteral("Usage: ballast-cli %1 [options] %2\n\n%3\n\n")
                            .arg(command->name, command->usage, command->summary)
                        + (optionsAt >= 0 ? text.mid(optionsAt) : text).trimmed());
        return 0;
    }

    // BALLAST_NOW pins "now" so that scripts and tests can reproduce a run;
    // a value that is not a time is refused rather than ignored.
    auto clock = clockFromEnvironment();
    if (!clock)
        return fail(clock.error());
    m_clock = *clock;

    m_json = parser.isSet(kJsonOption);
    m_portfolio = parser.value(kPortfolioOption);
    m_dbPath = parser.value(kDbOption);
    if (m_dbPath.isEmpty())
        m_dbPath = qEnvironmentVariable("BALLAST_DB");
    if (m_dbPath.isEmpty())
        m_dbPath = storage::Database::defaultPath();

    if (command->needsDatabase) {
        auto opened = storage::Database::open(m_dbPath,
                                              command->createsDatabase ? storage::Database::Mode::ReadWriteCreate
                                                                       : storage::Database::Mode::ReadWriteExisting);
        if (!opened)
            return fail(opened.error());
        m_db = std::move(*opened);
        // The one place --portfolio is resolved: every command refuses an
        // unknown portfolio, including those that list what all portfolios share.
        if (!m_portfolio.isEmpty()) {
            if (command->createsDatabase) {
                return usageError(
                    QStringLiteral("init: --portfolio selects an existing portfolio; name a new one with --name"));
            }
            if (auto portfolio = services::LedgerQueries(*m_db).portfolio(m_portfolio); !portfolio)
                return fail(portfolio.error());
        }
    }
    return command->run(*this, parser);
}

} // namespace ballast::cli
