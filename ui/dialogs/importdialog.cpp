// Placeholder until the import work lands.
#include "dialogs/importdialog.h"

namespace ballast::ui {

ImportDialog::ImportDialog(AppContext &, const QStringList &, QWidget *parent)
    : QDialog(parent)
{
}

} // namespace ballast::ui
