#include "services/planbasis.h"

#include "services/policyservice.h"
#include "storage/holdingsrepo.h"
#include "storage/planrepo.h"
#include "storage/portfoliorepo.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>

#include <algorithm>

namespace ballast::services {

using money::Decimal;

namespace {

QString keyOf(const domain::Holding &holding)
{
    return holding.accountName + QLatin1Char('\n') + holding.asset + QLatin1Char('\n') + holding.network;
}

QString where(const domain::Holding &holding)
{
    QString text = holding.asset;
    if (!holding.network.isEmpty())
        text += QStringLiteral(" (%1)").arg(holding.network);
    return text + QStringLiteral(" on %1").arg(holding.accountName);
}

QString targetsText(const domain::Portfolio &portfolio)
{
    QList<domain::Target> targets = portfolio.targets;
    std::sort(targets.begin(), targets.end(),
              [](const domain::Target &a, const domain::Target &b) { return a.asset < b.asset; });
    QStringList parts;
    for (const auto &target : targets) {
        QString part = QStringLiteral("%1 %2").arg(target.asset, target.weight.toString());
        if (target.band)
            part += QStringLiteral(" (%1)").arg(target.band->toString());
        parts.append(part);
    }
    return parts.join(QStringLiteral(", ")) + QStringLiteral("; default band ") + portfolio.defaultBand.toString();
}

/// A basis's targets text read back: the weight and band in force of each
/// asset ("BTC 0.5 (5pp), ETH 0.5; default band 5pp"); none when the text is
/// not in that form.
struct TargetsRead
{
    QMap<QString, QString> weights;
    QMap<QString, QString> bands; ///< each asset's own band, else the default
};

std::optional<TargetsRead> readTargets(const QString &text)
{
    static const QString kDefault = QStringLiteral("; default band ");
    const qsizetype split = text.lastIndexOf(kDefault);
    if (split < 0)
        return std::nullopt;
    const QString defaultBand = text.mid(split + kDefault.size());
    TargetsRead read;
    const QString list = text.left(split);
    for (const QString &part : list.split(QStringLiteral(", "), Qt::SkipEmptyParts)) {
        const QStringList words = part.split(QLatin1Char(' '));
        if (words.size() == 2) {
            read.weights.insert(words[0], words[1]);
            read.bands.insert(words[0], defaultBand);
        } else if (words.size() == 3 && words[2].startsWith(QLatin1Char('(')) && words[2].endsWith(QLatin1Char(')'))) {
            read.weights.insert(words[0], words[1]);
            read.bands.insert(words[0], words[2].mid(1, words[2].size() - 2));
        } else {
            return std::nullopt;
        }
    }
    return read;
}

/// What changed between two targets texts: the weights as a whole, the bands asset by asset.
QStringList targetChanges(const QString &before, const QString &after)
{
    const auto was = readTargets(before);
    const auto now = readTargets(after);
    if (!was || !now)
        return {QStringLiteral("the targets went from %1 to %2").arg(before, after)};
    QStringList changes;
    auto weightsText = [](const TargetsRead &read) {
        QStringList parts;
        for (auto it = read.weights.cbegin(); it != read.weights.cend(); ++it)
            parts.append(it.key() + QLatin1Char(' ') + it.value());
        return parts.join(QStringLiteral(", "));
    };
    if (was->weights != now->weights)
        changes.append(QStringLiteral("the targets went from %1 to %2").arg(weightsText(*was), weightsText(*now)));
    for (auto it = was->bands.cbegin(); it != was->bands.cend(); ++it) {
        const auto band = now->bands.constFind(it.key());
        if (band != now->bands.cend() && *band != it.value())
            changes.append(QStringLiteral("the band of %1 went from %2 to %3").arg(it.key(), it.value(), *band));
    }
    return changes;
}

} // namespace

bool PlanBasis::bandsDiffer(const PlanBasis &now) const
{
    if (!targets || !now.targets)
        return false;
    const auto was = readTargets(*targets);
    const auto is = readTargets(*now.targets);
    return was && is && was->bands != is->bands;
}

bool PlanBasis::bandsAre(const domain::Portfolio &portfolio) const
{
    const auto was = targets ? readTargets(*targets) : std::nullopt;
    const auto own = readTargets(targetsText(portfolio));
    return was && own && was->bands == own->bands;
}

Result<PlanBasis> PlanBasis::capture(storage::Database &db, qint64 portfolioId, const KnownPolicy *known)
{
    auto holdings = storage::HoldingsRepo(db).list();
    if (!holdings)
        return holdings.error();
    auto last = storage::PlanRepo(db).lastExecution(portfolioId);
    if (!last)
        return last.error();
    auto portfolios = storage::PortfolioRepo(db).list();
    if (!portfolios)
        return portfolios.error();
    PlanBasis basis;
    basis.lastExecution = *last;
    for (const auto &portfolio : *portfolios) {
        if (portfolio.id != portfolioId)
            continue;
        // The bands the plan was made with: a band the policy names replaces
        // the portfolio's, so changing it makes a band-edge plan stale too.
        if (known && known->isOf(portfolio.id)) {
            basis.targets = targetsText(known->policy.withBands(portfolio));
            continue;
        }
        auto policy = PolicyService(db).policyOf(portfolio);
        if (!policy)
            return policy.error();
        basis.targets = targetsText(policy->withBands(portfolio));
    }
    for (const auto &holding : *holdings) {
        if (!holding.quantity.isZero())
            basis.holdings.append(holding);
    }
    std::sort(basis.holdings.begin(), basis.holdings.end(),
              [](const domain::Holding &a, const domain::Holding &b) { return keyOf(a) < keyOf(b); });
    return basis;
}

QString PlanBasis::toJson() const
{
    QJsonArray rows;
    for (const auto &holding : holdings) {
        rows.append(QJsonObject{{QStringLiteral("account_id"), holding.accountId},
                                {QStringLiteral("account"), holding.accountName},
                                {QStringLiteral("asset"), holding.asset},
                                {QStringLiteral("network"), holding.network},
                                {QStringLiteral("quantity"), holding.quantity.toString()}});
    }
    QJsonObject object{{QStringLiteral("holdings"), rows}, {QStringLiteral("last_execution"), lastExecution}};
    if (targets)
        object.insert(QStringLiteral("targets"), *targets);
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

std::optional<PlanBasis> PlanBasis::fromJson(const QString &text)
{
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    const QJsonObject object = document.object();
    if (!object.value(QStringLiteral("holdings")).isArray())
        return std::nullopt;
    PlanBasis basis;
    basis.lastExecution = object.value(QStringLiteral("last_execution")).toInteger();
    if (object.value(QStringLiteral("targets")).isString())
        basis.targets = object.value(QStringLiteral("targets")).toString();
    const QJsonArray rows = object.value(QStringLiteral("holdings")).toArray();
    for (const auto &value : rows) {
        const QJsonObject row = value.toObject();
        auto quantity = Decimal::parse(row.value(QStringLiteral("quantity")).toString());
        if (!quantity)
            return std::nullopt;
        domain::Holding holding;
        holding.accountId = row.value(QStringLiteral("account_id")).toInteger();
        holding.accountName = row.value(QStringLiteral("account")).toString();
        holding.asset = row.value(QStringLiteral("asset")).toString();
        holding.network = row.value(QStringLiteral("network")).toString();
        holding.quantity = *quantity;
        basis.holdings.append(holding);
    }
    return basis;
}

QStringList PlanBasis::changesTo(const PlanBasis &now) const
{
    QStringList changes;
    QHash<QString, domain::Holding> before;
    for (const auto &holding : holdings)
        before.insert(keyOf(holding), holding);
    QHash<QString, domain::Holding> after;
    for (const auto &holding : now.holdings)
        after.insert(keyOf(holding), holding);
    for (const auto &holding : holdings) {
        const auto it = after.constFind(keyOf(holding));
        const Decimal current = it == after.cend() ? Decimal() : it->quantity;
        if (current != holding.quantity) {
            changes.append(QStringLiteral("%1 went from %2 to %3")
                               .arg(where(holding), holding.quantity.toString(), current.toString()));
        }
    }
    for (const auto &holding : now.holdings) {
        if (!before.contains(keyOf(holding)))
            changes.append(QStringLiteral("%1 went from 0 to %2").arg(where(holding), holding.quantity.toString()));
    }
    if (now.lastExecution != lastExecution)
        changes.append(QStringLiteral("another plan was executed since"));
    // A basis stored before targets were recorded is not held against them.
    if (targets && now.targets && *targets != *now.targets)
        changes.append(targetChanges(*targets, *now.targets));
    return changes;
}

} // namespace ballast::services
