// Database::defaultPath in a file of its own: ballast-cli names the ledger in
// its --help without linking SQLite (app/cli/main.cpp).
#include "storage/database.h"

#include <QDir>
#include <QStandardPaths>

namespace ballast::storage {

QString Database::defaultPath()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    return QDir(dir).filePath(QStringLiteral("ballast.sqlite"));
}

} // namespace ballast::storage
