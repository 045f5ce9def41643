#include "dialogs/passphrasedialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace ballast::ui {

PassphraseDialog::PassphraseDialog(const QString &reason, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Key Vault"));
    setObjectName(QStringLiteral("passphraseDialog"));
    auto *label = new QLabel(reason, this);
    label->setWordWrap(true);
    m_edit = new QLineEdit(this);
    m_edit->setObjectName(QStringLiteral("passphrase"));
    m_edit->setAccessibleName(tr("Vault passphrase"));
    m_edit->setEchoMode(QLineEdit::Password);
    m_edit->setInputMethodHints(Qt::ImhHiddenText | Qt::ImhNoPredictiveText | Qt::ImhSensitiveData);
    label->setBuddy(m_edit);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    QPushButton *ok = buttons->button(QDialogButtonBox::Ok);
    ok->setEnabled(false);
    connect(m_edit, &QLineEdit::textChanged, ok, [ok](const QString &text) { ok->setEnabled(!text.isEmpty()); });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(label);
    layout->addWidget(m_edit);
    layout->addWidget(buttons);
    setMinimumWidth(420);
}

PassphraseDialog::~PassphraseDialog()
{
    m_edit->clear();
}

QString PassphraseDialog::passphrase() const
{
    return m_edit->text();
}

std::optional<QString> PassphraseDialog::ask(QWidget *parent, const QString &reason)
{
    PassphraseDialog dialog(reason, parent);
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;
    return dialog.passphrase();
}

} // namespace ballast::ui
