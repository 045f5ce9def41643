#pragma once

#include <QDialog>

namespace ballast::ui {

class AppContext;

/// Imports price history files: shows the layout detected in each file and
/// what will be stored before anything is, then imports with a progress bar.
class ImportDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ImportDialog(AppContext &context, const QStringList &paths = {}, QWidget *parent = nullptr);
};

} // namespace ballast::ui
