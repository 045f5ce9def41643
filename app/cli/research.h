#pragma once

#include "common/clock.h"
#include "common/result.h"
#include "domain/portfolio.h"
#include "services/policyservice.h"

#include <QCommandLineParser>
#include <QDate>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <utility>

namespace ballast::cli::research {

/// What `backtest --policy` reads from the ledger.
struct StoredPolicy
{
    services::PolicyInfo policy;
    domain::Portfolio portfolio;
};

/// What a research command needs from the program running it.
struct Context
{
    bool json = false;
    Clock clock;
    /// The portfolio's stored policy for --policy; only the program that
    /// opens ledgers (the Cli class) sets it.
    std::function<Result<StoredPolicy>()> loadPolicy;
};

/// "SYM=FILE" pairs of --prices, checked before any file is read.
Result<QList<std::pair<QString, QString>>> priceFiles(const QStringList &values);
/// A --from or --to date; an invalid QDate when the option is not given.
Result<QDate> dateOption(const QCommandLineParser &parser, const QString &option);
/// A number option within [low, high]; @p fallback when it is not given.
Result<double> numberOption(const QCommandLineParser &parser, const QString &option, double fallback, double low,
                            double high);

/// `backtest`: one rule on price files against buy-and-hold. Returns the exit code.
void addBacktestOptions(QCommandLineParser &p);
int backtest(const Context &context, QCommandLineParser &parser);
/// `sweep`: every combination of rules and weight sets on all cores.
void addSweepOptions(QCommandLineParser &p);
int sweep(const Context &context, QCommandLineParser &parser);

} // namespace ballast::cli::research
