#pragma once

#include <QDialog>
#include <QStringList>

class QComboBox;
class QDialogButtonBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace ballast::ui {

/// Asks for a new account: paper, Binance, Kraken, a watch-only Bitcoin
/// wallet or a manual wallet, its name (unique, not empty), the API key pair
/// of a real exchange and, under Advanced, another REST base URL (testnets,
/// tests); for a Bitcoin wallet the account keys and addresses it watches
/// (one per line, each checked as typed; a private key or recovery phrase is
/// refused with the reason) and the Esplora server it asks. OK stays
/// disabled, with the reason shown, until the entries are usable.
class AddAccountDialog : public QDialog
{
    Q_OBJECT

public:
    /// @p takenNames are the accounts that exist already.
    explicit AddAccountDialog(QStringList takenNames, QWidget *parent = nullptr);
    ~AddAccountDialog() override;
    AddAccountDialog(const AddAccountDialog &) = delete;
    AddAccountDialog &operator=(const AddAccountDialog &) = delete;

    /// "paper", "binance", "kraken", "bitcoin" or "manual".
    [[nodiscard]] QString exchange() const;
    [[nodiscard]] QString name() const;
    [[nodiscard]] QString baseUrl() const;
    [[nodiscard]] QString apiKey() const;
    [[nodiscard]] QString secret() const;
    [[nodiscard]] bool needsKeys() const;
    [[nodiscard]] bool isWatchedWallet() const;
    /// The wallet's keys and addresses, one per non-empty line.
    [[nodiscard]] QStringList watched() const;
    /// The Bitcoin script type chosen for the keys; empty: from each key's prefix.
    [[nodiscard]] QString script() const;
    /// Why OK is disabled; empty when it is enabled.
    [[nodiscard]] QString problem() const;

    /// Empties the key fields (after their values were taken).
    void clearSecrets();

private:
    void kindChanged();
    void validate();
    [[nodiscard]] QString baseUrlProblem() const;
    [[nodiscard]] QString watchedProblem() const;

    QStringList m_taken;
    QComboBox *m_kind = nullptr;
    QLineEdit *m_name = nullptr;
    QLabel *m_keyLabel = nullptr;
    QLineEdit *m_key = nullptr;
    QLabel *m_secretLabel = nullptr;
    QLineEdit *m_secret = nullptr;
    QGroupBox *m_advanced = nullptr;
    QLineEdit *m_baseUrl = nullptr;
    QLabel *m_baseUrlProblem = nullptr; ///< why the base URL is refused, under the field
    QLabel *m_watchLabel = nullptr;
    QPlainTextEdit *m_watch = nullptr;
    QLabel *m_scriptLabel = nullptr;
    QComboBox *m_script = nullptr;
    QLabel *m_serverLabel = nullptr;
    QLineEdit *m_server = nullptr;
    QLabel *m_hint = nullptr;
    QLabel *m_problem = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace ballast::ui
