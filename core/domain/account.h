#pragma once

#include <QDateTime>
#include <QString>

namespace ballast::domain {

/// Where holdings sit: the embedded paper exchange, a real exchange
/// connection, or a wallet whose balances the person types in.
enum class AccountKind { Paper, Exchange, Wallet };

struct Account
{
    qint64 id = 0;
    QString name; ///< unique, chosen by the person ("paper", "binance-main")
    AccountKind kind = AccountKind::Paper;
    QString exchange; ///< "paper", "binance", "kraken" or "manual"
    QString baseUrl; ///< REST base URL override (tests, testnets); empty = default
    QDateTime createdAt;

    bool operator==(const Account &) const = default;
};

QString toText(AccountKind kind);
AccountKind accountKindFromString(const QString &text);

} // namespace ballast::domain
