#include "rebalance/rebalancepolicy.h"

#include "common/numberparse.h"
#include "domain/assetcatalog.h"

#include <QJsonArray>
#include <QJsonValue>

#include <array>
#include <cmath>
#include <utility>

namespace ballast::rebalance {

namespace {

Error fieldError(const QString &field, const QString &what)
{
    return makeError(QStringLiteral("policy.field"), QStringLiteral("%1: %2").arg(field, what));
}

/// A fraction in (0, 1] (turnover) or (0, 1) (guard), as a JSON number.
Result<std::optional<double>> optionalFraction(const QJsonObject &json, const QString &field, bool oneAllowed)
{
    const QJsonValue value = json.value(field);
    if (value.isUndefined() || value.isNull())
        return std::optional<double>();
    const double number = value.toDouble(-1.0);
    if (!value.isDouble() || !std::isfinite(number) || number <= 0.0 || number > 1.0 || (!oneAllowed && number >= 1.0))
        return fieldError(field,
                          oneAllowed ? QStringLiteral("expected a fraction above 0 and at most 1 (0.25 = 25%)")
                                     : QStringLiteral("expected a fraction above 0 and below 1 (0.8 = 80%)"));
    return std::optional<double>(number);
}

constexpr std::array<std::pair<char, qint64>, 4> kUnits{{{'d', 86400000}, {'h', 3600000}, {'m', 60000}, {'s', 1000}}};

} // namespace

Result<qint64> parseDuration(const QString &text, const QString &field)
{
    const QString trimmed = text.trimmed().toLower();
    auto bad = [&]() {
        return makeError(QStringLiteral("policy.duration"),
                         QStringLiteral("%1 \"%2\": expected a duration such as 90s, 15m, 1h or 1d").arg(field, text));
    };
    if (trimmed.endsWith(QLatin1String("ms"))) {
        auto number = numbers::parseInteger(QStringView(trimmed).chopped(2), field, 1, 7LL * 86400000);
        if (!number)
            return bad();
        return *number;
    }
    if (trimmed.isEmpty())
        return bad();
    const char unit = trimmed.back().toLatin1();
    for (const auto &[letter, ms] : kUnits) {
        if (unit != letter)
            continue;
        auto number = numbers::parseInteger(QStringView(trimmed).chopped(1), field, 1, 7LL * 86400000 / ms);
        if (!number)
            return bad();
        return *number * ms;
    }
    return bad();
}

QString durationText(qint64 ms)
{
    for (const auto &[letter, unitMs] : kUnits) {
        if (ms > 0 && ms % unitMs == 0)
            return QString::number(ms / unitMs) + QLatin1Char(letter);
    }
    return QString::number(ms) + QStringLiteral("ms");
}

Trigger RebalancePolicy::trigger() const
{
    if (rule.kind() == Trigger::Kind::Threshold)
        return Trigger::threshold();
    if (rule.kind() == Trigger::Kind::Hybrid)
        return Trigger::hybrid(rule.period());
    return rule;
}

std::optional<domain::Band> RebalancePolicy::namedBand() const
{
    return rule.band() ? rule.band() : band;
}

domain::Portfolio RebalancePolicy::withBands(const domain::Portfolio &portfolio) const
{
    const std::optional<domain::Band> named = namedBand();
    if (!named)
        return portfolio;
    domain::Portfolio banded = portfolio;
    banded.defaultBand = *named;
    for (domain::Target &target : banded.targets) {
        const domain::Band own = portfolio.bandFor(target.asset);
        if (excluded.contains(target.asset) && own != *named)
            target.band = own;
        else
            target.band.reset(); // the default, which is the named band now
    }
    return banded;
}

std::vector<double> RebalancePolicy::halfWidths(const domain::Portfolio &portfolio, const QStringList &assets) const
{
    const domain::Portfolio banded = withBands(portfolio);
    std::vector<double> widths;
    widths.reserve(static_cast<std::size_t>(assets.size()));
    for (const QString &asset : assets) {
        if (excluded.contains(asset))
            widths.push_back(1.0);
        else
            widths.push_back(banded.bandFor(asset).halfWidth(banded.targetWeight(asset)));
    }
    return widths;
}

PlanConstraints RebalancePolicy::constraints() const
{
    PlanConstraints constraints;
    constraints.maxTurnover = maxTurnover;
    constraints.minTradeValue = minTrade;
    constraints.excluded = excluded;
    constraints.fallingGuard = fallingGuard;
    constraints.tax = tax; // which lots a sale takes, the gain budget, young lots, cash first
    return constraints;
}

QJsonObject RebalancePolicy::toJson() const
{
    QJsonObject json;
    json.insert(QStringLiteral("rule"), rule.toString());
    json.insert(QStringLiteral("band"), band ? QJsonValue(band->toString()) : QJsonValue(QJsonValue::Null));
    json.insert(QStringLiteral("mode"), mode.toString());
    json.insert(QStringLiteral("minTrade"), minTrade.toString());
    json.insert(QStringLiteral("maxTurnover"), maxTurnover ? QJsonValue(*maxTurnover) : QJsonValue(QJsonValue::Null));
    json.insert(QStringLiteral("excluded"), QJsonArray::fromStringList(excluded));
    json.insert(QStringLiteral("fallingGuard"),
                fallingGuard ? QJsonValue(*fallingGuard) : QJsonValue(QJsonValue::Null));
    json.insert(QStringLiteral("tax"), tax.toJson());
    json.insert(QStringLiteral("syncIntervalSeconds"), syncIntervalSeconds);
    return json;
}

Result<RebalancePolicy> RebalancePolicy::fromJson(const QJsonObject &json)
{
    static const QStringList known{
        QStringLiteral("rule"),         QStringLiteral("band"),        QStringLiteral("mode"),
        QStringLiteral("minTrade"),     QStringLiteral("maxTurnover"), QStringLiteral("excluded"),
        QStringLiteral("fallingGuard"), QStringLiteral("tax"),         QStringLiteral("syncIntervalSeconds")};
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!known.contains(it.key()))
            return fieldError(it.key(),
                              QStringLiteral("unknown field (known: %1)").arg(known.join(QStringLiteral(", "))));
    }

    RebalancePolicy policy;
    if (const QJsonValue value = json.value(QStringLiteral("rule")); !value.isUndefined()) {
        if (!value.isString())
            return fieldError(QStringLiteral("rule"), QStringLiteral("expected a rule such as \"threshold:5pp\""));
        auto rule = Trigger::parse(value.toString());
        if (!rule)
            return fieldError(QStringLiteral("rule"), rule.error().message);
        policy.rule = *rule;
    }
    if (const QJsonValue value = json.value(QStringLiteral("band")); !value.isUndefined() && !value.isNull()) {
        auto band = domain::Band::parse(value.toString());
        if (!value.isString() || !band)
            return fieldError(QStringLiteral("band"),
                              value.isString() ? band.error().message
                                               : QStringLiteral("expected a band such as \"5pp\" or \"25%\""));
        policy.band = *band;
    }
    if (const QJsonValue value = json.value(QStringLiteral("mode")); !value.isUndefined()) {
        auto mode = PlanMode::parse(value.toString());
        if (!value.isString() || !mode)
            return fieldError(QStringLiteral("mode"),
                              value.isString() ? mode.error().message
                                               : QStringLiteral("expected target, band-edge, invest:AMOUNT or "
                                                                "withdraw:AMOUNT"));
        policy.mode = *mode;
    }
    if (const QJsonValue value = json.value(QStringLiteral("minTrade")); !value.isUndefined()) {
        if (!value.isString())
            return fieldError(QStringLiteral("minTrade"),
                              QStringLiteral("expected an amount as a string, such as \"10\""));
        auto amount = numbers::parseAmount(value.toString(), QStringLiteral("minTrade"), numbers::Sign::NonNegative);
        if (!amount)
            return fieldError(QStringLiteral("minTrade"), amount.error().message);
        policy.minTrade = *amount;
    }
    auto turnover = optionalFraction(json, QStringLiteral("maxTurnover"), true);
    if (!turnover)
        return turnover.error();
    policy.maxTurnover = *turnover;
    auto guard = optionalFraction(json, QStringLiteral("fallingGuard"), false);
    if (!guard)
        return guard.error();
    policy.fallingGuard = *guard;
    if (const QJsonValue value = json.value(QStringLiteral("excluded")); !value.isUndefined()) {
        if (!value.isArray())
            return fieldError(QStringLiteral("excluded"), QStringLiteral("expected a list of asset symbols"));
        const QJsonArray list = value.toArray();
        for (qsizetype i = 0; i < list.size(); ++i) {
            auto symbol = domain::AssetCatalog::normalizeSymbol(list.at(i).toString());
            if (!list.at(i).isString() || !symbol)
                return fieldError(QStringLiteral("excluded[%1]").arg(i),
                                  list.at(i).isString() ? symbol.error().message
                                                        : QStringLiteral("expected an asset symbol"));
            if (!policy.excluded.contains(*symbol))
                policy.excluded.append(*symbol);
        }
    }
    if (const QJsonValue value = json.value(QStringLiteral("tax")); !value.isUndefined()) {
        if (!value.isObject())
            return fieldError(QStringLiteral("tax"), QStringLiteral("expected an object"));
        auto tax = TaxPreferences::fromJson(value.toObject());
        if (!tax)
            return tax.error();
        policy.tax = *tax;
    }
    if (const QJsonValue value = json.value(QStringLiteral("syncIntervalSeconds")); !value.isUndefined()) {
        const double number = value.toDouble(-1.0);
        if (!value.isDouble() || number != std::floor(number))
            return fieldError(QStringLiteral("syncIntervalSeconds"), QStringLiteral("expected whole seconds"));
        policy.syncIntervalSeconds = number > kMaxSyncSeconds ? kMaxSyncSeconds + 1 : static_cast<int>(number);
    }
    if (auto valid = policy.validate(); !valid)
        return valid.error();
    return policy;
}

Status RebalancePolicy::validate() const
{
    if (minTrade.isNegative())
        return fieldError(QStringLiteral("minTrade"), QStringLiteral("must not be negative"));
    if (maxTurnover && !(*maxTurnover > 0.0 && *maxTurnover <= 1.0))
        return fieldError(QStringLiteral("maxTurnover"), QStringLiteral("must be above 0 and at most 1"));
    if (fallingGuard && !(*fallingGuard > 0.0 && *fallingGuard < 1.0))
        return fieldError(QStringLiteral("fallingGuard"), QStringLiteral("must be above 0 and below 1"));
    if (syncIntervalSeconds != 0 && (syncIntervalSeconds < kMinSyncSeconds || syncIntervalSeconds > kMaxSyncSeconds))
        return fieldError(QStringLiteral("syncIntervalSeconds"),
                          QStringLiteral("expected 0 (off) or %1 to %2 seconds, got %3")
                              .arg(kMinSyncSeconds)
                              .arg(kMaxSyncSeconds)
                              .arg(syncIntervalSeconds));
    return {};
}

bool RebalancePolicy::operator==(const RebalancePolicy &other) const
{
    return rule.toString() == other.rule.toString() && band == other.band && mode == other.mode
        && minTrade == other.minTrade && maxTurnover == other.maxTurnover && excluded == other.excluded
        && fallingGuard == other.fallingGuard && tax == other.tax && syncIntervalSeconds == other.syncIntervalSeconds;
}

} // namespace ballast::rebalance
