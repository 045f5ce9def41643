#pragma once

#include <QTest>
#include <QtGlobal>

namespace ballast::test {

/// The responsiveness benchmarks report the longest gap between event-loop
/// turns; they enforce a limit only when one is asked for by hand
/// (BALLAST_MAX_GAP_MS, e.g. 50 on a quiet machine), so that a busy machine
/// never fails the suite.
inline void checkGapLimit(qint64 longestMs)
{
    if (!qEnvironmentVariableIsSet("BALLAST_MAX_GAP_MS"))
        return;
    const qint64 limit = qEnvironmentVariableIntValue("BALLAST_MAX_GAP_MS");
    QVERIFY2(longestMs < limit, qPrintable(QStringLiteral("longest gap %1 ms, limit %2 ms").arg(longestMs).arg(limit)));
}

} // namespace ballast::test
