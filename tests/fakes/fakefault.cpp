#include "fakefault.h"

#include <QJsonValue>

#include <array>
#include <utility>

namespace ballast::test::fake {

namespace {

constexpr std::array kEndpointNames{
    std::pair{FakeEndpoint::Any, "any"},
    std::pair{FakeEndpoint::Time, "time"},
    std::pair{FakeEndpoint::Markets, "markets"},
    std::pair{FakeEndpoint::Ticker, "ticker"},
    std::pair{FakeEndpoint::Balance, "balance"},
    std::pair{FakeEndpoint::OrderCreate, "order.create"},
    std::pair{FakeEndpoint::OrderTest, "order.test"},
    std::pair{FakeEndpoint::OrderQuery, "order.query"},
    std::pair{FakeEndpoint::OrderCancel, "order.cancel"},
    std::pair{FakeEndpoint::CancelAll, "order.cancelAll"},
    std::pair{FakeEndpoint::OpenOrders, "orders.open"},
    std::pair{FakeEndpoint::ClosedOrders, "orders.closed"},
    std::pair{FakeEndpoint::Trades, "trades"},
    std::pair{FakeEndpoint::History, "history"},
    std::pair{FakeEndpoint::Candles, "candles"},
    std::pair{FakeEndpoint::Other, "other"},
};

constexpr std::array kKindNames{
    std::pair{FaultKind::TimeoutBeforeAccept, "timeoutBeforeAccept"},
    std::pair{FaultKind::TimeoutAfterAccept, "timeoutAfterAccept"},
    std::pair{FaultKind::Http5xxBeforeAccept, "http5xxBeforeAccept"},
    std::pair{FaultKind::Http5xxAfterAccept, "http5xxAfterAccept"},
    std::pair{FaultKind::ConnectionResetBeforeAccept, "connectionResetBeforeAccept"},
    std::pair{FaultKind::ConnectionResetAfterAccept, "connectionResetAfterAccept"},
    std::pair{FaultKind::DelayBeforeAccept, "delayBeforeAccept"},
    std::pair{FaultKind::DelayAfterAccept, "delayAfterAccept"},
    std::pair{FaultKind::UnknownStatusAfterAccept, "unknownStatusAfterAccept"},
    std::pair{FaultKind::InvalidTimestamp, "invalidTimestamp"},
    std::pair{FaultKind::RateLimited, "rateLimited"},
    std::pair{FaultKind::Banned, "banned"},
    std::pair{FaultKind::ServiceUnavailable, "serviceUnavailable"},
    std::pair{FaultKind::InsufficientBalance, "insufficientBalance"},
    std::pair{FaultKind::OrderNotFound, "orderNotFound"},
    std::pair{FaultKind::DelayedVisibility, "delayedVisibility"},
};

bool isLookup(FakeEndpoint endpoint)
{
    switch (endpoint) {
    case FakeEndpoint::OrderQuery:
    case FakeEndpoint::OrderCancel:
    case FakeEndpoint::OpenOrders:
    case FakeEndpoint::ClosedOrders:
    case FakeEndpoint::Trades:
    case FakeEndpoint::History:
        return true;
    default:
        return false;
    }
}

} // namespace

int FaultInjector::add(const FaultRule &rule)
{
    Entry entry;
    entry.id = m_nextId++;
    entry.rule = rule;
    entry.remaining = rule.count;
    entry.random = QRandomGenerator(rule.seed);
    m_entries.append(entry);
    return entry.id;
}

void FaultInjector::remove(int id)
{
    for (qsizetype i = 0; i < m_entries.size(); ++i) {
        if (m_entries.at(i).id == id) {
            m_entries.removeAt(i);
            return;
        }
    }
}

void FaultInjector::clear()
{
    m_entries.clear();
    m_totalHits = 0;
}

bool FaultInjector::applies(FaultKind kind, FakeEndpoint endpoint)
{
    switch (kind) {
    case FaultKind::InsufficientBalance:
        return endpoint == FakeEndpoint::OrderCreate || endpoint == FakeEndpoint::OrderTest;
    case FaultKind::DelayedVisibility:
        return endpoint == FakeEndpoint::OrderCreate;
    case FaultKind::OrderNotFound:
        return isLookup(endpoint);
    default:
        return endpoint != FakeEndpoint::Any;
    }
}

bool FaultInjector::isAfterAccept(FaultKind kind)
{
    switch (kind) {
    case FaultKind::TimeoutAfterAccept:
    case FaultKind::Http5xxAfterAccept:
    case FaultKind::ConnectionResetAfterAccept:
    case FaultKind::DelayAfterAccept:
    case FaultKind::UnknownStatusAfterAccept:
        return true;
    default:
        return false;
    }
}

std::optional<FaultRule> FaultInjector::take(FakeEndpoint endpoint)
{
    for (Entry &entry : m_entries) {
        if (entry.remaining == 0)
            continue;
        if (entry.rule.endpoint != FakeEndpoint::Any && entry.rule.endpoint != endpoint)
            continue;
        if (!applies(entry.rule.kind, endpoint))
            continue;
        if (entry.rule.probability < 1.0 && entry.random.generateDouble() >= entry.rule.probability)
            continue;
        if (entry.skipped < entry.rule.skip) {
            ++entry.skipped;
            continue;
        }
        if (entry.remaining > 0)
            --entry.remaining;
        ++entry.hits;
        ++m_totalHits;
        return entry.rule;
    }
    return std::nullopt;
}

int FaultInjector::pending() const
{
    int n = 0;
    for (const Entry &entry : m_entries) {
        if (entry.remaining != 0)
            ++n;
    }
    return n;
}

int FaultInjector::hits(int id) const
{
    for (const Entry &entry : m_entries) {
        if (entry.id == id)
            return entry.hits;
    }
    return 0;
}

QString FaultInjector::endpointName(FakeEndpoint endpoint)
{
    for (const auto &[value, name] : kEndpointNames) {
        if (value == endpoint)
            return QString::fromLatin1(name);
    }
    return QStringLiteral("other");
}

std::optional<FakeEndpoint> FaultInjector::endpointFromName(const QString &name)
{
    for (const auto &[value, text] : kEndpointNames) {
        if (name.compare(QLatin1String(text), Qt::CaseInsensitive) == 0)
            return value;
    }
    return std::nullopt;
}

QString FaultInjector::kindName(FaultKind kind)
{
    for (const auto &[value, name] : kKindNames) {
        if (value == kind)
            return QString::fromLatin1(name);
    }
    return {};
}

std::optional<FaultKind> FaultInjector::kindFromName(const QString &name)
{
    for (const auto &[value, text] : kKindNames) {
        if (name.compare(QLatin1String(text), Qt::CaseInsensitive) == 0)
            return value;
    }
    return std::nullopt;
}

std::optional<FaultRule> FaultInjector::ruleFromJson(const QJsonObject &json, QString *error)
{
    FaultRule rule;
    const QString endpoint = json.value(QStringLiteral("endpoint")).toString(QStringLiteral("any"));
    const auto parsedEndpoint = endpointFromName(endpoint);
    if (!parsedEndpoint) {
        if (error)
            *error = QStringLiteral("unknown endpoint '%1'").arg(endpoint);
        return std::nullopt;
    }
    rule.endpoint = *parsedEndpoint;
    const QString kind = json.value(QStringLiteral("kind")).toString();
    const auto parsedKind = kindFromName(kind);
    if (!parsedKind) {
        if (error)
            *error = QStringLiteral("unknown fault kind '%1'").arg(kind);
        return std::nullopt;
    }
    rule.kind = *parsedKind;
    rule.count = json.value(QStringLiteral("count")).toInt(1);
    rule.probability = json.value(QStringLiteral("probability")).toDouble(1.0);
    rule.seed = static_cast<quint32>(json.value(QStringLiteral("seed")).toInteger(1));
    rule.delayMs = json.value(QStringLiteral("delayMs")).toInt(0);
    rule.httpStatus = json.value(QStringLiteral("httpStatus")).toInt(0);
    rule.emptyBody = json.value(QStringLiteral("emptyBody")).toBool(false);
    rule.retryAfterSec = json.value(QStringLiteral("retryAfter")).toInt(0);
    rule.skip = json.value(QStringLiteral("skip")).toInt(0);
    return rule;
}

QJsonObject FaultInjector::ruleToJson(const FaultRule &rule)
{
    return QJsonObject{
        {QStringLiteral("endpoint"), endpointName(rule.endpoint)},
        {QStringLiteral("kind"), kindName(rule.kind)},
        {QStringLiteral("count"), rule.count},
        {QStringLiteral("probability"), rule.probability},
        {QStringLiteral("seed"), static_cast<qint64>(rule.seed)},
        {QStringLiteral("delayMs"), rule.delayMs},
        {QStringLiteral("httpStatus"), rule.httpStatus},
        {QStringLiteral("emptyBody"), rule.emptyBody},
        {QStringLiteral("retryAfter"), rule.retryAfterSec},
    };
}

} // namespace ballast::test::fake
