// The rebalancing policy: policy show, policy set, check, watch.
#include "cli.h"
#include "clioutput.h"
#include "common/numberparse.h"
#include "domain/assetcatalog.h"
#include "io/exports.h"
#include "services/policyservice.h"
#include "services/syncschedule.h"
#include "storage/database.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTimeZone>

#include <csignal>
#include <cstdio>
#include <ctime>

namespace ballast::cli {

namespace {

constexpr int kExitDue = 3;

QString isoTime(qint64 ms)
{
    return io::Exports::isoUtc(QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()));
}

QJsonValue optionalTime(const std::optional<qint64> &ms)
{
    return ms ? QJsonValue(isoTime(*ms)) : QJsonValue(QJsonValue::Null);
}

bool isNone(const QString &text)
{
    const QString trimmed = text.trimmed().toLower();
    return trimmed == QLatin1String("none") || trimmed == QLatin1String("off");
}

QJsonObject checkJson(const services::PolicyCheck &check)
{
    QJsonArray outside;
    for (const auto &breach : check.outside) {
        outside.append(QJsonObject{{QStringLiteral("asset"), breach.asset},
                                   {QStringLiteral("weight"), breach.weight},
                                   {QStringLiteral("target"), breach.target},
                                   {QStringLiteral("half_width"), breach.halfWidth}});
    }
    return QJsonObject{{QStringLiteral("portfolio"), check.portfolio},
                       {QStringLiteral("rule"), check.rule},
                       {QStringLiteral("checked_at"), isoTime(check.checkedAt)},
                       {QStringLiteral("previous_check"), optionalTime(check.previousCheckAt)},
                       {QStringLiteral("fired"), check.fired},
                       {QStringLiteral("due"), check.due},
                       {QStringLiteral("why"), check.why},
                       {QStringLiteral("plan_id"), check.due ? QJsonValue(check.planId) : QJsonValue()},
                       {QStringLiteral("plan_orders"), check.planOrders},
                       {QStringLiteral("plan_reused"), check.planReused},
                       {QStringLiteral("next_calendar_date"), optionalTime(check.nextCalendarAt)},
                       {QStringLiteral("outside_band"), outside},
                       {QStringLiteral("alert"), check.alertText()}};
}

void printCheck(const services::PolicyCheck &check)
{
    CliOutput::line(QStringLiteral("%1: %2 (rule %3, checked %4)")
                        .arg(check.portfolio,
                             check.due ? QStringLiteral("rebalance due") : QStringLiteral("nothing due"), check.rule,
                             isoTime(check.checkedAt)));
    CliOutput::line(QStringLiteral("Why: ") + check.why + QLatin1Char('.'));
    if (check.due) {
        CliOutput::line(QStringLiteral("Plan %1 (%2 orders%3) awaits approval: ballast-cli plans show %1")
                            .arg(check.planId)
                            .arg(check.planOrders)
                            .arg(check.planReused ? QStringLiteral(", prepared earlier") : QString()));
    }
    CliOutput::line(QStringLiteral("Previous check: %1")
                        .arg(check.previousCheckAt ? isoTime(*check.previousCheckAt) : QStringLiteral("none")));
    CliOutput::line(QStringLiteral("Next calendar date: %1")
                        .arg(check.nextCalendarAt ? isoTime(*check.nextCalendarAt)
                                                  : QStringLiteral("none (the rule does not follow the calendar)")));
}

/// Applies the options of `policy set` to @p policy; the first bad one is an
/// error naming it, and nothing has been stored.
Status applyOptions(const QCommandLineParser &parser, rebalance::RebalancePolicy &policy)
{
    auto named = [](const QString &option, const QString &message) {
        return makeError(QStringLiteral("policy.option"), QStringLiteral("--%1: %2").arg(option, message));
    };
    auto fraction = [&](const QString &option, bool oneAllowed) -> Result<std::optional<double>> {
        const QString text = parser.value(option);
        if (isNone(text))
            return std::optional<double>();
        auto value =
            numbers::parseFraction(text, QStringLiteral("--") + option,
                                   oneAllowed ? numbers::Range::leftOpen(0.0, 1.0) : numbers::Range::open(0.0, 1.0));
        if (!value)
            return value.error();
        return std::optional<double>(*value);
    };
    auto amount = [&](const QString &option) -> Result<std::optional<money::Decimal>> {
        const QString text = parser.value(option);
        if (isNone(text))
            return std::optional<money::Decimal>();
        auto value = numbers::parseAmount(text, QStringLiteral("--") + option, numbers::Sign::NonNegative);
        if (!value)
            return value.error();
        return std::optional<money::Decimal>(*value);
    };
    auto days = [&](const QString &option) -> Result<int> {
        auto value = numbers::parseInteger(parser.value(option), QStringLiteral("--") + option, 0, 36500);
        if (!value)
            return value.error();
        return static_cast<int>(*value);
    };

    if (parser.isSet(QStringLiteral("rule"))) {
        auto rule = rebalance::Trigger::parse(parser.value(QStringLiteral("rule")));
        if (!rule)
            return named(QStringLiteral("rule"), rule.error().message);
        policy.rule = *rule;
    }
    if (parser.isSet(QStringLiteral("band"))) {
        if (isNone(parser.value(QStringLiteral("band")))) {
            policy.band.reset();
        } else {
            auto band = domain::Band::parse(parser.value(QStringLiteral("band")));
            if (!band)
                return named(QStringLiteral("band"), band.error().message);
            policy.band = *band;
        }
    }
    if (parser.isSet(QStringLiteral("mode"))) {
        auto mode = rebalance::PlanMode::parse(parser.value(QStringLiteral("mode")));
        if (!mode)
            return named(QStringLiteral("mode"), mode.error().message);
        policy.mode = *mode;
    }
    if (parser.isSet(QStringLiteral("min-trade"))) {
        auto value = amount(QStringLiteral("min-trade"));
        if (!value)
            return value.error();
        policy.minTrade = value->value_or(money::Decimal());
    }
    if (parser.isSet(QStringLiteral("max-turnover"))) {
        auto value = fraction(QStringLiteral("max-turnover"), true);
        if (!value)
            return value.error();
        policy.maxTurnover = *value;
    }
    if (parser.isSet(QStringLiteral("falling-guard"))) {
        auto value = fraction(QStringLiteral("falling-guard"), false);
        if (!value)
            return value.error();
        policy.fallingGuard = *value;
    }
    if (parser.isSet(QStringLiteral("exclude"))) {
        QStringList excluded;
        for (const QString &text : parser.values(QStringLiteral("exclude"))) {
            if (isNone(text))
                continue;
            for (const QString &item : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
                auto symbol = domain::AssetCatalog::normalizeSymbol(item);
                if (!symbol)
                    return named(QStringLiteral("exclude"), symbol.error().message);
                if (!excluded.contains(*symbol))
                    excluded.append(*symbol);
            }
        }
        policy.excluded = excluded;
    }
    if (parser.isSet(QStringLiteral("lot-selection"))) {
        const auto selection = rebalance::lotSelectionFromName(parser.value(QStringLiteral("lot-selection")));
        if (!selection)
            return named(QStringLiteral("lot-selection"),
                         QStringLiteral("\"%1\": expected fifo, hifo, least-gain or long-term")
                             .arg(parser.value(QStringLiteral("lot-selection"))));
        policy.tax.lotSelection = *selection;
    }
    if (parser.isSet(QStringLiteral("long-term-days"))) {
        auto value = days(QStringLiteral("long-term-days"));
        if (!value)
            return value.error();
        policy.tax.longTermDays = *value;
    }
    if (parser.isSet(QStringLiteral("min-lot-age"))) {
        auto value = days(QStringLiteral("min-lot-age"));
        if (!value)
            return value.error();
        policy.tax.minLotAgeDays = *value;
    }
    if (parser.isSet(QStringLiteral("young-lot-override"))) {
        // Percentage points beyond the band edge: "5pp", or the fraction 0.05.
        const QString text = parser.value(QStringLiteral("young-lot-override"));
        if (isNone(text)) {
            policy.tax.youngLotOverride = 0.0;
        } else if (text.endsWith(QLatin1Char('%'))) {
            return named(QStringLiteral("young-lot-override"),
                         QStringLiteral("\"%1\": give percentage points (5pp), not a percentage").arg(text));
        } else if (text.endsWith(QLatin1String("pp"))) {
            const auto band = domain::Band::parse(text);
            if (!band || band->kind != domain::Band::Kind::Absolute)
                return named(QStringLiteral("young-lot-override"),
                             QStringLiteral("\"%1\": expected percentage points such as 5pp").arg(text));
            policy.tax.youngLotOverride = band->value;
        } else {
            auto value = fraction(QStringLiteral("young-lot-override"), false);
            if (!value)
                return value.error();
            policy.tax.youngLotOverride = value->value_or(0.0);
        }
    }
    if (parser.isSet(QStringLiteral("max-gain"))) {
        auto value = amount(QStringLiteral("max-gain"));
        if (!value)
            return value.error();
        policy.tax.maxRealizedGain = *value;
    }
    if (parser.isSet(QStringLiteral("harvest-threshold"))) {
        auto value = amount(QStringLiteral("harvest-threshold"));
        if (!value)
            return value.error();
        policy.tax.harvestLossThreshold = *value;
    }
    if (parser.isSet(QStringLiteral("cash-first")) && parser.isSet(QStringLiteral("no-cash-first")))
        return named(QStringLiteral("cash-first"), QStringLiteral("cannot be given with --no-cash-first"));
    if (parser.isSet(QStringLiteral("cash-first")))
        policy.tax.cashFirst = true;
    if (parser.isSet(QStringLiteral("no-cash-first")))
        policy.tax.cashFirst = false;
    if (parser.isSet(QStringLiteral("sync-interval"))) {
        const QString text = parser.value(QStringLiteral("sync-interval"));
        if (isNone(text)) {
            policy.syncIntervalSeconds = 0;
        } else {
            auto ms = rebalance::parseDuration(text, QStringLiteral("--sync-interval"));
            if (!ms)
                return ms.error();
            if (*ms % 1000 != 0 || *ms < rebalance::RebalancePolicy::kMinSyncSeconds * 1000LL
                || *ms > rebalance::RebalancePolicy::kMaxSyncSeconds * 1000LL)
                return named(QStringLiteral("sync-interval"),
                             QStringLiteral("\"%1\": expected off or whole seconds from 1m to 7d").arg(text));
            policy.syncIntervalSeconds = static_cast<int>(*ms / 1000);
        }
    }
    return {};
}

/// SIGINT and SIGTERM, blocked so that watch takes them with sigtimedwait:
/// a signal that arrives during a check waits for the check to end.
sigset_t stopSignals()
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
}

} // namespace

void Cli::registerPolicyCommands()
{
    m_commands.append({QStringLiteral("policy show"),
                       QStringLiteral("Show the portfolio's rebalancing policy and its last check."), QString(),
                       nullptr, &Cli::cmdPolicyShow});
    m_commands.append(
        {QStringLiteral("policy set"),
         QStringLiteral("Change the rebalancing policy; options not given keep their value. All or nothing: a bad "
                        "option stores nothing. \"none\" clears an optional limit."),
         QString(),
         [](QCommandLineParser &p) {
             const QList<std::pair<const char *, const char *>> valued{
                 {"rule", "none, calendar:day|week|month|quarter, threshold[:BAND] or hybrid:PERIOD[,BAND]."},
                 {"band", "Band for every asset when the rule has none (5pp or 25%); none = the portfolio's bands."},
                 {"mode", "target, band-edge, invest:AMOUNT or withdraw:AMOUNT."},
                 {"min-trade", "Smallest trade worth making, in the quote currency."},
                 {"max-turnover", "Largest one-way turnover of a plan (0.2 or 20%), or none."},
                 {"exclude", "Assets held but never traded (comma-separated), or none."},
                 {"falling-guard", "Stop buying an asset this far below its peak (0.8 or 80%), or none."},
                 {"lot-selection", "Lots a sale takes: fifo, hifo, least-gain or long-term."},
                 {"long-term-days", "A lot is long term when held more than this many days."},
                 {"max-gain", "Most gain one plan may realize (quote currency), or none."},
                 {"min-lot-age", "Lots younger than this many days are not sold."},
                 {"young-lot-override",
                  "... unless their asset is this far beyond its band edge (5pp or 0.05), or none (never)."},
                 {"harvest-threshold", "List lots with a loss larger than this (quote currency), or none."},
                 {"sync-interval", "Read-only sync of the exchange accounts every DURATION (15m, 1h), or off."},
             };
             for (const auto &[name, help] : valued)
                 p.addOption({QString::fromLatin1(name), QString::fromLatin1(help), QStringLiteral("VALUE")});
             p.addOption({QStringLiteral("cash-first"), QStringLiteral("Buy with the cash held before selling.")});
             p.addOption({QStringLiteral("no-cash-first"), QStringLiteral("Sell and buy as the plan needs.")});
         },
         &Cli::cmdPolicySet});
    m_commands.append(
        {QStringLiteral("check"),
         QStringLiteral("Check the rebalancing policy once; prepare a plan when a rebalance is due. Exit 0: nothing "
                        "due; 3: a plan is due (its id in the output); 1: error."),
         QString(),
         [](QCommandLineParser &p) {
             p.addOption({QStringLiteral("sync"), QStringLiteral("Sync the exchange accounts (read-only) first.")});
         },
         &Cli::cmdCheck});
    m_commands.append(
        {QStringLiteral("watch"),
         QStringLiteral("Check the policy every interval until SIGINT or SIGTERM (one line or JSON object per "
                        "check)."),
         QString(),
         [](QCommandLineParser &p) {
             p.addOption({QStringLiteral("interval"), QStringLiteral("Time between checks (default 1h)."),
                          QStringLiteral("DURATION"), QStringLiteral("1h")});
             p.addOption({QStringLiteral("sync"),
                          QStringLiteral("Sync the exchange accounts before the checks, every sync interval of the "
                                         "policy (every check when off), backing off after failures.")});
         },
         &Cli::cmdWatch});
}

int Cli::cmdPolicyShow(QCommandLineParser &parser)
{
    if (!parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("policy show takes no arguments"));
    services::PolicyService service(db(), clock());
    auto info = service.load(portfolioName());
    if (!info)
        return fail(info.error());
    auto last = service.lastCheck(info->portfolio);
    if (!last)
        return fail(last.error());
    const rebalance::RebalancePolicy &policy = info->policy;
    const auto next = policy.trigger().nextCalendarCheck(clock()());
    if (json()) {
        QJsonValue lastJson;
        if (*last) {
            const storage::StoredCheck &check = **last;
            lastJson = QJsonObject{{QStringLiteral("checked_at"), isoTime(check.checkedAt)},
                                   {QStringLiteral("fired"), check.fired},
                                   {QStringLiteral("due"), check.due},
                                   {QStringLiteral("why"), check.why},
                                   {QStringLiteral("plan_id"), check.planId}};
        }
        CliOutput::json(QJsonDocument(QJsonObject{{QStringLiteral("portfolio"), info->portfolio},
                                                  {QStringLiteral("policy"), policy.toJson()},
                                                  {QStringLiteral("updated_at"), isoTime(info->updatedAt)},
                                                  {QStringLiteral("last_check"), lastJson},
                                                  {QStringLiteral("next_calendar_date"), optionalTime(next)}}));
        return 0;
    }
    auto orNone = [](bool set, const QString &text) { return set ? text : QStringLiteral("none"); };
    const rebalance::TaxPreferences &tax = policy.tax;
    QList<QStringList> rows{
        {QStringLiteral("portfolio"), info->portfolio},
        {QStringLiteral("rule"), policy.rule.toString()},
        {QStringLiteral("band"), policy.band ? policy.band->toString() : QStringLiteral("the portfolio's bands")},
        {QStringLiteral("mode"), policy.mode.toString()},
        {QStringLiteral("min trade"), policy.minTrade.toString()},
        {QStringLiteral("max turnover"),
         orNone(policy.maxTurnover.has_value(), CliOutput::percent(policy.maxTurnover.value_or(0.0)))},
        {QStringLiteral("excluded"), orNone(!policy.excluded.isEmpty(), policy.excluded.join(QStringLiteral(", ")))},
        {QStringLiteral("falling guard"),
         orNone(policy.fallingGuard.has_value(), CliOutput::percent(policy.fallingGuard.value_or(0.0)))},
        {QStringLiteral("lot selection"), rebalance::lotSelectionName(tax.lotSelection)},
        {QStringLiteral("long term after"), QStringLiteral("%1 days").arg(tax.longTermDays)},
        {QStringLiteral("max realized gain"),
         orNone(tax.maxRealizedGain.has_value(), tax.maxRealizedGain.value_or(money::Decimal()).toString())},
        {QStringLiteral("min lot age"), QStringLiteral("%1 days").arg(tax.minLotAgeDays)},
        {QStringLiteral("young lots sold beyond the band by"),
         orNone(tax.youngLotOverride > 0.0,
                domain::Band{domain::Band::Kind::Absolute, tax.youngLotOverride}.toString())},
        {QStringLiteral("cash first"), tax.cashFirst ? QStringLiteral("yes") : QStringLiteral("no")},
        {QStringLiteral("harvest threshold"),
         orNone(tax.harvestLossThreshold.has_value(), tax.harvestLossThreshold.value_or(money::Decimal()).toString())},
        {QStringLiteral("sync interval"),
         policy.syncIntervalSeconds > 0 ? rebalance::durationText(policy.syncIntervalSeconds * 1000LL)
                                        : QStringLiteral("off")},
        {QStringLiteral("set at"), isoTime(info->updatedAt)},
        {QStringLiteral("next calendar date"), next ? isoTime(*next) : QStringLiteral("none (not a calendar rule)")},
    };
    if (*last) {
        const storage::StoredCheck &check = **last;
        rows.append({QStringLiteral("last check"),
                     QStringLiteral("%1: %2, %3")
                         .arg(isoTime(check.checkedAt),
                              check.due ? QStringLiteral("due") : QStringLiteral("nothing due"), check.why)});
        if (check.due)
            rows.append({QStringLiteral("prepared plan"), check.planId});
    } else {
        rows.append({QStringLiteral("last check"), QStringLiteral("never")});
    }
    CliOutput::table({QString(), QString()}, rows);
    return 0;
}

int Cli::cmdPolicySet(QCommandLineParser &parser)
{
    if (!parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("policy set takes no arguments"));
    services::PolicyService service(db(), clock());
    auto info = service.load(portfolioName());
    if (!info)
        return fail(info.error());
    rebalance::RebalancePolicy policy = info->policy;
    if (auto applied = applyOptions(parser, policy); !applied)
        return usageError(applied.error().message);
    if (auto valid = policy.validate(); !valid)
        return usageError(valid.error().message);
    if (auto saved = service.save(info->portfolio, policy); !saved)
        return fail(saved.error());
    if (json())
        CliOutput::json(QJsonDocument(
            QJsonObject{{QStringLiteral("portfolio"), info->portfolio}, {QStringLiteral("policy"), policy.toJson()}}));
    else
        CliOutput::line(QStringLiteral("Policy of %1 stored: rule %2, mode %3.")
                            .arg(info->portfolio, policy.rule.toString(), policy.mode.toString()));
    return 0;
}

int Cli::checkOnce(bool sync)
{
    if (sync) {
        QJsonArray synced;
        if (const int failures = syncAccounts({}, synced, true); failures > 0) {
            return fail(makeError(
                QStringLiteral("check.sync"),
                QStringLiteral("check: %1 account(s) could not be synced; nothing was checked").arg(failures)));
        }
    }
    auto check = services::PolicyService(db(), clock()).evaluate(portfolioName());
    if (!check)
        return fail(check.error());
    if (json())
        CliOutput::json(QJsonDocument(checkJson(*check)));
    else
        printCheck(*check);
    return check->due ? kExitDue : 0;
}

int Cli::cmdCheck(QCommandLineParser &parser)
{
    if (!parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("check takes no arguments"));
    return checkOnce(parser.isSet(QStringLiteral("sync")));
}

int Cli::cmdWatch(QCommandLineParser &parser)
{
    if (!parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("watch takes no arguments"));
    auto interval = rebalance::parseDuration(parser.value(QStringLiteral("interval")), QStringLiteral("--interval"));
    if (!interval)
        return usageError(interval.error().message);
    const bool sync = parser.isSet(QStringLiteral("sync"));
    auto info = services::PolicyService(db(), clock()).load(portfolioName());
    if (!info)
        return fail(info.error());

    // Blocked before anything starts a thread, so that every thread inherits
    // the mask and the signals wait for sigtimedwait below.
    const sigset_t stopSet = stopSignals();
    pthread_sigmask(SIG_BLOCK, &stopSet, nullptr);

    // Without a sync interval in the policy, every check syncs first.
    services::SyncSchedule schedule(sync ? std::max<qint64>(info->policy.syncIntervalSeconds * 1000LL, 1) : 0);
    const qint64 started = QDateTime::currentMSecsSinceEpoch();
    qint64 elapsed = 0; // the loop's own time: BALLAST_NOW may pin the checks' clock
    int checks = 0;
    for (;;) {
        if (schedule.due(elapsed)) {
            QJsonArray synced;
            if (syncAccounts({}, synced, true) > 0) {
                schedule.failed(elapsed);
                CliOutput::error(QStringLiteral("watch: sync failed; next attempt in %1")
                                     .arg(rebalance::durationText(schedule.retryDelayMs(schedule.failures()))));
            } else {
                schedule.succeeded(elapsed);
            }
        }
        checkOnce(false);
        ++checks;
        std::fflush(stdout);
        std::fflush(stderr);

        const qint64 wait = *interval;
        timespec timeout{static_cast<time_t>(wait / 1000), static_cast<long>((wait % 1000) * 1000000)};
        const int received = sigtimedwait(&stopSet, nullptr, &timeout);
        if (received == SIGINT || received == SIGTERM) {
            if (json()) {
                CliOutput::json(QJsonDocument(
                    QJsonObject{{QStringLiteral("stopped"), true},
                                {QStringLiteral("signal"),
                                 received == SIGINT ? QStringLiteral("SIGINT") : QStringLiteral("SIGTERM")},
                                {QStringLiteral("checks"), checks}}));
            } else {
                CliOutput::line(QStringLiteral("Stopped by %1 after %2 check(s).")
                                    .arg(received == SIGINT ? QStringLiteral("SIGINT") : QStringLiteral("SIGTERM"))
                                    .arg(checks));
            }
            return 0;
        }
        elapsed = QDateTime::currentMSecsSinceEpoch() - started;
    }
}

} // namespace ballast::cli
