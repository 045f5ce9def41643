#pragma once

#include "common/result.h"

#include <QDate>
#include <QDateTime>
#include <QString>

namespace ballast::cli {

/// A day given as an ISO 8601 date ("2025-03-01"); the error names @p option.
Result<QDate> parseDay(const QString &text, const QString &option);

/// An ISO 8601 time ("2025-03-01T12:00:00Z", an offset, or a date, taken as
/// UTC midnight; @p endOfDay takes a date to its last millisecond instead).
/// A time written without an offset is UTC, never the machine's zone.
Result<QDateTime> parseTime(const QString &text, const QString &option, bool endOfDay = false);

} // namespace ballast::cli
