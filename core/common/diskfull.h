#pragma once

#include "common/result.h"

#include <QString>

class QFileDevice;

namespace ballast {

/// One wording for "no space left" wherever Ballast writes (the SQLite ledger,
/// CSV exports, the key vault), so that a full disk never shows up as an
/// unexplained "disk I/O error".
Error diskFullError(const QString &path);

/// True when the last write to @p file failed because the disk is full;
/// @p savedErrno is errno taken right after the failed call.
bool isDiskFull(const QFileDevice &file, int savedErrno);

} // namespace ballast
