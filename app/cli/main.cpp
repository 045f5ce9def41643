#include "cli.h"
#include "common/heap.h"

#include <QCoreApplication>

#include <cstdio>
#include <cstdlib>

int main(int argc, char *argv[])
{
    ballast::common::keepFreedHeapMemory();
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Ballast"));
    QCoreApplication::setApplicationName(QStringLiteral("ballast"));
    QCoreApplication::setApplicationVersion(QStringLiteral(BALLAST_VERSION));
    const int status = ballast::cli::Cli().run(QCoreApplication::arguments());
#ifdef BALLAST_QUICK_EXIT
    // The command is done and its Cli gone (the database closed, every file
    // written and closed); what is left is Qt's and the libraries' teardown
    // and freeing memory, which changes nothing outside the process and cost
    // about 1.6 ms of a 35 ms backtest. Flushed first, since _Exit does not.
    const bool flushed = std::fflush(stdout) == 0 && std::fflush(stderr) == 0;
    std::_Exit(flushed ? status : EXIT_FAILURE);
#else
    return status; // sanitizer builds: LeakSanitizer's check runs at exit
#endif
}
