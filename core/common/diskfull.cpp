#include "common/diskfull.h"

#include <QDir>
#include <QFileDevice>

#include <cerrno>

namespace ballast {

Error diskFullError(const QString &path)
{
    return makeError(QStringLiteral("io.disk_full"),
                     QStringLiteral("the disk is full: could not write to %1 (free some space and try again; "
                                    "nothing was changed)")
                         .arg(QDir::toNativeSeparators(path)));
}

bool isDiskFull(const QFileDevice &file, int savedErrno)
{
    // Qt reports ENOSPC as ResourceError; errno covers the paths where it does not.
    return file.error() == QFileDevice::ResourceError || savedErrno == ENOSPC;
}

} // namespace ballast
