#include "rebalance/taxpreferences.h"

#include <QJsonValue>
#include <QStringList>

#include <array>
#include <utility>

namespace ballast::rebalance {

using analytics::LotSelection;
using money::Decimal;

namespace {

constexpr std::array<std::pair<LotSelection, const char *>, 4> kSelections{{
    {LotSelection::Fifo, "fifo"},
    {LotSelection::Hifo, "hifo"},
    {LotSelection::LeastGain, "least-gain"},
    {LotSelection::PreferLongTerm, "long-term"},
}};

Error fieldError(const QString &field, const QString &what)
{
    return makeError(QStringLiteral("policy.tax"), QStringLiteral("tax.%1: %2").arg(field, what));
}

Result<std::optional<Decimal>> optionalAmount(const QJsonObject &json, const QString &field)
{
    const QJsonValue value = json.value(field);
    if (value.isUndefined() || value.isNull())
        return std::optional<Decimal>();
    if (!value.isString())
        return fieldError(field, QStringLiteral("expected an amount as a string, such as \"1000\""));
    auto parsed = Decimal::parse(value.toString());
    if (!parsed)
        return fieldError(field, parsed.error().message);
    if (parsed.value().isNegative())
        return fieldError(field, QStringLiteral("must not be negative, got %1").arg(value.toString()));
    return std::optional<Decimal>(parsed.value());
}

Result<int> days(const QJsonObject &json, const QString &field, int fallback)
{
    const QJsonValue value = json.value(field);
    if (value.isUndefined())
        return fallback;
    const double number = value.toDouble(-1.0);
    if (!value.isDouble() || number < 0.0 || number > 36500.0
        || number != static_cast<double>(static_cast<int>(number)))
        return fieldError(field, QStringLiteral("expected whole days from 0 to 36500"));
    return static_cast<int>(number);
}

} // namespace

QString lotSelectionName(LotSelection selection)
{
    for (const auto &[value, name] : kSelections)
        if (value == selection)
            return QString::fromLatin1(name);
    return {};
}

std::optional<LotSelection> lotSelectionFromName(const QString &name)
{
    for (const auto &[value, text] : kSelections)
        if (name.compare(QLatin1String(text), Qt::CaseInsensitive) == 0)
            return value;
    return std::nullopt;
}

QJsonObject TaxPreferences::toJson() const
{
    QJsonObject json;
    json.insert(QStringLiteral("lotSelection"), lotSelectionName(lotSelection));
    json.insert(QStringLiteral("longTermDays"), longTermDays);
    if (maxRealizedGain)
        json.insert(QStringLiteral("maxRealizedGain"), maxRealizedGain->toString());
    json.insert(QStringLiteral("minLotAgeDays"), minLotAgeDays);
    json.insert(QStringLiteral("youngLotOverride"), youngLotOverride);
    json.insert(QStringLiteral("cashFirst"), cashFirst);
    if (harvestLossThreshold)
        json.insert(QStringLiteral("harvestLossThreshold"), harvestLossThreshold->toString());
    return json;
}

Result<TaxPreferences> TaxPreferences::fromJson(const QJsonObject &json)
{
    static const QStringList known{QStringLiteral("lotSelection"),        QStringLiteral("longTermDays"),
                                   QStringLiteral("maxRealizedGain"),     QStringLiteral("minLotAgeDays"),
                                   QStringLiteral("youngLotOverride"),    QStringLiteral("cashFirst"),
                                   QStringLiteral("harvestLossThreshold")};
    for (auto it = json.begin(); it != json.end(); ++it)
        if (!known.contains(it.key()))
            return fieldError(it.key(),
                              QStringLiteral("unknown field (known: %1)").arg(known.join(QStringLiteral(", "))));

    TaxPreferences tax;
    if (const QJsonValue value = json.value(QStringLiteral("lotSelection")); !value.isUndefined()) {
        const auto selection = lotSelectionFromName(value.toString());
        if (!selection)
            return fieldError(
                QStringLiteral("lotSelection"),
                QStringLiteral("expected fifo, hifo, least-gain or long-term, got \"%1\"").arg(value.toString()));
        tax.lotSelection = *selection;
    }
    auto longTerm = days(json, QStringLiteral("longTermDays"), tax.longTermDays);
    if (!longTerm)
        return longTerm.error();
    tax.longTermDays = longTerm.value();
    auto minAge = days(json, QStringLiteral("minLotAgeDays"), tax.minLotAgeDays);
    if (!minAge)
        return minAge.error();
    tax.minLotAgeDays = minAge.value();
    if (const QJsonValue value = json.value(QStringLiteral("youngLotOverride")); !value.isUndefined()) {
        if (!value.isDouble() || value.toDouble() < 0.0 || value.toDouble() > 1.0)
            return fieldError(QStringLiteral("youngLotOverride"), QStringLiteral("expected a fraction from 0 to 1"));
        tax.youngLotOverride = value.toDouble();
    }
    if (const QJsonValue value = json.value(QStringLiteral("cashFirst")); !value.isUndefined()) {
        if (!value.isBool())
            return fieldError(QStringLiteral("cashFirst"), QStringLiteral("expected true or false"));
        tax.cashFirst = value.toBool();
    }
    auto budget = optionalAmount(json, QStringLiteral("maxRealizedGain"));
    if (!budget)
        return budget.error();
    tax.maxRealizedGain = budget.value();
    auto harvest = optionalAmount(json, QStringLiteral("harvestLossThreshold"));
    if (!harvest)
        return harvest.error();
    tax.harvestLossThreshold = harvest.value();
    return tax;
}

} // namespace ballast::rebalance
