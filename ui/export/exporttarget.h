#pragma once

#include "common/result.h"
#include "io/csvwriter.h"

#include <QString>

#include <functional>

class QAbstractItemModel;
class QWidget;

namespace ballast::ui {

/// Role a model answers with the exact text a CSV export should hold (the
/// same text ballast-cli writes: exact decimals, ISO 8601 UTC times). Models
/// without it export their display text.
inline constexpr int ExportRole = Qt::UserRole + 100;

/// One thing a page can export: a table to CSV, a chart to PNG or a report
/// to PDF.
struct ExportTarget
{
    enum class Format { Csv, Png, Pdf };
    QString title; ///< menu text, translated
    QString fileName; ///< suggested file name with its extension
    Format format = Format::Csv;
    std::function<Status(const QString &path)> write;
};

/// A table export: @p table is built when the person exports.
ExportTarget csvTarget(const QString &title, const QString &fileName, std::function<io::CsvTable()> table);
/// A table export of a model's rows as shown (header from the horizontal header).
ExportTarget modelTarget(const QString &title, const QString &fileName, const QAbstractItemModel *model);
/// A chart (or any widget) rendered to PNG at the screen's pixel ratio.
ExportTarget pngTarget(const QString &title, const QString &fileName, QWidget *widget);

/// Asks where to save @p target (starting in the folder of the last export,
/// which it remembers), writes it and warns on failure. Returns the path
/// written; empty when the person cancelled or the write failed.
QString saveWithDialog(QWidget *parent, const ExportTarget &target);

/// The rows of @p model (top level, and children of tree models indented by
/// depth in the first column) as a CSV table, using ExportRole where present.
io::CsvTable tableFromModel(const QAbstractItemModel &model);
/// Renders @p widget to a PNG file, written whole or not at all.
Status saveWidgetPng(QWidget *widget, const QString &path);

} // namespace ballast::ui
