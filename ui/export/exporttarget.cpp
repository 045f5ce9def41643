#include "export/exporttarget.h"

#include <QAbstractItemModel>
#include <QBuffer>
#include <QCoreApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QPixmap>
#include <QSaveFile>
#include <QSettings>
#include <QStandardPaths>
#include <QWidget>

namespace ballast::ui {

ExportTarget csvTarget(const QString &title, const QString &fileName, std::function<io::CsvTable()> table)
{
    ExportTarget target;
    target.title = title;
    target.fileName = fileName;
    target.format = ExportTarget::Format::Csv;
    target.write = [table = std::move(table)](const QString &path) { return io::CsvWriter::writeFile(path, table()); };
    return target;
}

ExportTarget modelTarget(const QString &title, const QString &fileName, const QAbstractItemModel *model)
{
    return csvTarget(title, fileName, [model] { return tableFromModel(*model); });
}

ExportTarget pngTarget(const QString &title, const QString &fileName, QWidget *widget)
{
    ExportTarget target;
    target.title = title;
    target.fileName = fileName;
    target.format = ExportTarget::Format::Png;
    target.write = [widget](const QString &path) { return saveWidgetPng(widget, path); };
    return target;
}

QString saveWithDialog(QWidget *parent, const ExportTarget &target)
{
    QSettings settings;
    const QString dir = settings
                            .value(QStringLiteral("export/directory"),
                                   QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
                            .toString();
    QString filter;
    switch (target.format) {
    case ExportTarget::Format::Csv:
        filter = QCoreApplication::translate("ballast::ui", "CSV files (*.csv)");
        break;
    case ExportTarget::Format::Png:
        filter = QCoreApplication::translate("ballast::ui", "PNG images (*.png)");
        break;
    case ExportTarget::Format::Pdf:
        filter = QCoreApplication::translate("ballast::ui", "PDF documents (*.pdf)");
        break;
    }
    QString path = QFileDialog::getSaveFileName(parent, target.title, dir + QLatin1Char('/') + target.fileName, filter);
    if (path.isEmpty())
        return {};
    settings.setValue(QStringLiteral("export/directory"), QFileInfo(path).absolutePath());
    if (const Status written = target.write(path); !written) {
        QMessageBox::warning(parent, QCoreApplication::translate("ballast::ui", "Export failed"),
                             written.error().message);
        return {};
    }
    return path;
}

namespace {

QString cellText(const QAbstractItemModel &model, const QModelIndex &index)
{
    const QVariant exact = model.data(index, ExportRole);
    if (exact.isValid())
        return exact.toString();
    return model.data(index, Qt::DisplayRole).toString();
}

void appendRows(const QAbstractItemModel &model, const QModelIndex &parent, int depth, io::CsvTable &table)
{
    const int columns = model.columnCount(parent);
    for (int row = 0; row < model.rowCount(parent); ++row) {
        QStringList fields;
        for (int column = 0; column < columns; ++column) {
            QString text = cellText(model, model.index(row, column, parent));
            if (column == 0 && depth > 0)
                text = QString(qsizetype{2} * depth, QLatin1Char(' ')) + text;
            fields << text;
        }
        while (fields.size() < table.header.size())
            fields << QString();
        table.rows << fields;
        const QModelIndex child = model.index(row, 0, parent);
        if (model.hasChildren(child))
            appendRows(model, child, depth + 1, table);
    }
}

} // namespace

io::CsvTable tableFromModel(const QAbstractItemModel &model)
{
    io::CsvTable table;
    for (int column = 0; column < model.columnCount(); ++column)
        table.header << model.headerData(column, Qt::Horizontal, Qt::DisplayRole).toString();
    appendRows(model, {}, 0, table);
    return table;
}

Status saveWidgetPng(QWidget *widget, const QString &path)
{
    const QPixmap pixmap = widget->grab();
    if (pixmap.isNull())
        return makeError(QStringLiteral("export.io"),
                         QCoreApplication::translate("ballast::ui", "Nothing to render for %1").arg(path));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return makeError(
            QStringLiteral("export.io"),
            QCoreApplication::translate("ballast::ui", "Cannot write %1: %2").arg(path, file.errorString()));
    if (!pixmap.save(&file, "PNG") || !file.commit())
        return makeError(
            QStringLiteral("export.io"),
            QCoreApplication::translate("ballast::ui", "Cannot write %1: %2").arg(path, file.errorString()));
    return {};
}

} // namespace ballast::ui
