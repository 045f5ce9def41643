#include "cli.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Ballast"));
    QCoreApplication::setApplicationName(QStringLiteral("ballast"));
    QCoreApplication::setApplicationVersion(QStringLiteral(BALLAST_VERSION));
    return ballast::cli::Cli().run(QCoreApplication::arguments());
}
