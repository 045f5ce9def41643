#include "commandline.h"

#include "storage/database.h"

#include <QDir>

namespace ballast::cli::commandline {

namespace {

bool takesValue(const QString &token)
{
    return token == QLatin1String("--db") || token == QLatin1String("--portfolio");
}

} // namespace

Words commandWords(const QStringList &args)
{
    Words found;
    for (qsizetype i = 0; i < args.size() && found.words.size() < 2; ++i) {
        if (takesValue(args[i])) {
            ++i;
            continue;
        }
        if (args[i].startsWith(QLatin1Char('-')))
            continue;
        found.words.append(args[i]);
        found.indexes.append(i);
    }
    return found;
}

QStringList withoutWords(QStringList args, const Words &words, qsizetype used)
{
    for (qsizetype i = used - 1; i >= 0; --i)
        args.removeAt(words.indexes[i]);
    return args;
}

QCommandLineOption prepare(QCommandLineParser &parser, const std::function<void(QCommandLineParser &)> &options)
{
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.addOption({kDbOption,
                      QStringLiteral("SQLite database file (default: %1, or $BALLAST_DB).")
                          .arg(QDir::toNativeSeparators(storage::Database::defaultPath())),
                      QStringLiteral("PATH")});
    parser.addOption({kJsonOption, QStringLiteral("Print machine-readable JSON.")});
    parser.addOption({kPortfolioOption,
                      QStringLiteral("Portfolio to work on (default: the first one); an unknown name is refused."),
                      QStringLiteral("NAME")});
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    parser.addOption(help);
    if (options)
        options(parser);
    return help;
}

} // namespace ballast::cli::commandline
