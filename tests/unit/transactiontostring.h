#pragma once

// Readable QCOMPARE failures for transactions: every field printed.

#include "domain/transaction.h"

#include <QtGlobal>

namespace ballast::domain {
// Found by argument-dependent lookup.
inline char *toString(const Transaction &t)
{
    return qstrdup(QStringLiteral("Transaction(kind=%1 time=%2 account=%3 net=%4 side=%5 asset=%6 quote=%7 qty=%8 "
                                  "price=%9 quoteAmount=%10 fee=%11 %12 subkind=%13 id=%14 source=%15 note=%16 "
                                  "link=%17 unexplained=%18)")
                       .arg(kindName(t.kind), t.time.toString(Qt::ISODateWithMs))
                       .arg(t.accountId)
                       .arg(t.network, t.side == Side::Buy ? QStringLiteral("buy") : QStringLiteral("sell"), t.asset,
                            t.quote, t.quantity.toString(), t.price.toString())
                       .arg(t.quoteAmount.toString(), t.fee.toString(), t.feeAsset, t.subkind, t.externalId,
                            sourceName(t.source), t.note)
                       .arg(t.linkId)
                       .arg(t.unexplained)
                       .toUtf8()
                       .constData());
}
} // namespace ballast::domain
