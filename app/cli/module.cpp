// The ledger half of ballast-cli: every command but a backtest or sweep from
// files, loaded by the program (main.cpp) when a command needs it. It links
// SQLite, the network and OpenSSL; the program itself links none of them.
#include "cli.h"

#include <QCoreApplication>

extern "C" Q_DECL_EXPORT int ballast_cli_run()
{
    return ballast::cli::Cli().run(QCoreApplication::arguments());
}
