#include "cli.h"

#include "clioutput.h"
#include "exchange/exchangefactory.h"
#include "services/ledgerqueries.h"
#include "storage/database.h"

#include <QDateTime>
#include <QDir>
#include <QNetworkAccessManager>

namespace ballast::cli {

namespace {

constexpr QLatin1String kDbOption("db");
constexpr QLatin1String kJsonOption("json");
constexpr QLatin1String kPortfolioOption("portfolio");

void addGlobalOptions(QCommandLineParser &parser)
{
    parser.addOption({kDbOption,
                      QStringLiteral("SQLite database file (default: %1, or $BALLAST_DB).")
                          .arg(QDir::toNativeSeparators(storage::Database::defaultPath())),
                      QStringLiteral("PATH")});
    parser.addOption({kJsonOption, QStringLiteral("Print machine-readable JSON.")});
    parser.addOption({kPortfolioOption,
                      QStringLiteral("Portfolio to work on (default: the first one); an unknown name is refused."),
                      QStringLiteral("NAME")});
}

bool takesValue(const QString &token)
{
    return token == QLatin1String("--db") || token == QLatin1String("--portfolio");
}

} // namespace

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
    CliOutput::error(message + QStringLiteral(" (see ballast-cli --help)"));
    return 2;
}

int Cli::fail(const Error &error) const
{
    CliOutput::error(error.message);
    return 1;
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
    QStringList words;
    QList<qsizetype> wordIndexes;
    for (qsizetype i = 0; i < args.size() && words.size() < 2; ++i) {
        if (takesValue(args[i])) {
            ++i;
            continue;
        }
        if (args[i].startsWith(QLatin1Char('-')))
            continue;
        words.append(args[i]);
        wordIndexes.append(i);
    }
    const Command *command = nullptr;
    qsizetype used = 0;
    for (const Command &candidate : m_commands) {
        const QStringList name = candidate.name.split(QLatin1Char(' '));
        if (words.mid(0, name.size()) == name && name.size() > used) {
            command = &candidate;
            used = name.size();
        }
    }
    if (!command) {
        return usageError(words.isEmpty() ? QStringLiteral("no command given")
                                          : QStringLiteral("unknown command \"%1\"").arg(words.join(u' ')));
    }
    QStringList rest = args;
    for (qsizetype i = used - 1; i >= 0; --i)
        rest.removeAt(wordIndexes[i]);

    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    addGlobalOptions(parser);
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    parser.addOption(help);
    if (command->options)
        command->options(parser);
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
