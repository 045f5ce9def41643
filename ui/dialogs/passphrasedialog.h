#pragma once

#include <QDialog>
#include <QString>

#include <optional>

class QLineEdit;

namespace ballast::ui {

/// Asks for the key vault's passphrase with hidden echo. The window's
/// AppContext::setPassphraseProvider() hands ask() to every page.
class PassphraseDialog : public QDialog
{
    Q_OBJECT

public:
    explicit PassphraseDialog(const QString &reason, QWidget *parent = nullptr);
    ~PassphraseDialog() override;
    PassphraseDialog(const PassphraseDialog &) = delete;
    PassphraseDialog &operator=(const PassphraseDialog &) = delete;

    [[nodiscard]] QString passphrase() const;

    /// Shows the dialog; none when the person cancels.
    static std::optional<QString> ask(QWidget *parent, const QString &reason);

private:
    QLineEdit *m_edit = nullptr;
};

} // namespace ballast::ui
