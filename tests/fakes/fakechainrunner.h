#pragma once

#include <QString>
#include <QStringList>

QT_BEGIN_NAMESPACE
class QCoreApplication;
QT_END_NAMESPACE

namespace ballast::test::fake {

/// True for the chain fakes ballast-fake-exchange runs: esplora, evm, solana.
bool isChainFake(const QString &kind);
/// Runs one chain fake until its lifetime ends or standard input closes;
/// prints "listening on 127.0.0.1:PORT" and then "endpoint URL". Returns the
/// exit code (2 for bad arguments, with the reason on stderr).
int runChainFake(QCoreApplication &app, const QString &kind, const QStringList &args);
/// The options of the chain fakes, for usage().
const char *chainFakeUsage();

} // namespace ballast::test::fake
