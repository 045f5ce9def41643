#pragma once

#include <QCommandLineParser>
#include <QList>
#include <QStringList>

#include <functional>

namespace ballast::cli {

/// How both halves of ballast-cli (main.cpp and the Cli class) read a
/// command line, so that they agree on which command it names and on its
/// options.
namespace commandline {

inline constexpr QLatin1String kDbOption("db");
inline constexpr QLatin1String kJsonOption("json");
inline constexpr QLatin1String kPortfolioOption("portfolio");

/// The command's words in @p args (the arguments after the program's name):
/// the first one or two that are not options, and where they are.
struct Words
{
    QStringList words;
    QList<qsizetype> indexes;
};
[[nodiscard]] Words commandWords(const QStringList &args);

/// @p args without the first @p used of @p words.
[[nodiscard]] QStringList withoutWords(QStringList args, const Words &words, qsizetype used);

/// Sets @p parser up for a command: the options every command takes
/// (--db, --json, --portfolio), --help and then the command's own
/// (@p options, may be empty). Returns the --help option.
QCommandLineOption prepare(QCommandLineParser &parser, const std::function<void(QCommandLineParser &)> &options);

} // namespace commandline

} // namespace ballast::cli
