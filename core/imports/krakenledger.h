#pragma once

#include "common/result.h"
#include "imports/transactioncsv.h"
#include "money/decimal.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace ballast::imports {

/// One Kraken ledger entry as the API (private/Ledgers) gives it: the
/// columns of ledgers.csv without the file.
struct KrakenLedgerRow
{
    QString txid; ///< the ledger id
    QString refid;
    QDateTime time;
    QString type;
    QString subtype;
    QString asset; ///< Kraken's code: "XXBT", "ZEUR", "DOT.S"
    money::Decimal amount;
    money::Decimal fee;
};

/// Kraken ledger entries as transactions, by the rules of ledgers.csv
/// (docs/imports.md): trade rows paired by refid into one trade keyed
/// "BASE/QUOTE:refid", staking as income, transfers and earn moves as
/// transfer legs, deposits and withdrawals with their fee. All or nothing;
/// errors name @p source ("Kraken Ledgers"), the entry and the field.
[[nodiscard]] Result<ParsedTransactions> mapKrakenLedger(const QList<KrakenLedgerRow> &entries, const QString &source);

} // namespace ballast::imports
