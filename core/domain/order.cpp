#include "domain/order.h"

#include <array>
#include <utility>

namespace ballast::domain {

namespace {

constexpr std::array<std::pair<OrderStatus, const char *>, 9> kStatusNames{{
    {OrderStatus::Planned, "planned"},
    {OrderStatus::Submitting, "submitting"},
    {OrderStatus::Open, "open"},
    {OrderStatus::PartiallyFilled, "partially_filled"},
    {OrderStatus::Filled, "filled"},
    {OrderStatus::Cancelled, "cancelled"},
    {OrderStatus::Rejected, "rejected"},
    {OrderStatus::Expired, "expired"},
    {OrderStatus::Unknown, "unknown"},
}};

} // namespace

bool isFinal(OrderStatus status)
{
    return status == OrderStatus::Filled || status == OrderStatus::Cancelled || status == OrderStatus::Rejected
        || status == OrderStatus::Expired;
}

QString toText(Side side)
{
    return side == Side::Buy ? QStringLiteral("buy") : QStringLiteral("sell");
}

QString toText(OrderType type)
{
    return type == OrderType::Market ? QStringLiteral("market") : QStringLiteral("limit");
}

QString toText(OrderStatus status)
{
    for (const auto &[value, name] : kStatusNames) {
        if (value == status)
            return QString::fromLatin1(name);
    }
    return QStringLiteral("unknown");
}

Side sideFromString(const QString &text)
{
    return text.compare(QLatin1String("sell"), Qt::CaseInsensitive) == 0 ? Side::Sell : Side::Buy;
}

OrderStatus orderStatusFromString(const QString &text)
{
    for (const auto &[value, name] : kStatusNames) {
        if (text == QLatin1String(name))
            return value;
    }
    return OrderStatus::Unknown;
}

} // namespace ballast::domain
