#pragma once

#include <QDialog>
#include <QMap>
#include <QStringList>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace ballast::ui {

/// Asks for a new account: paper, Binance, Kraken, a watch-only Bitcoin, EVM
/// or Solana wallet, or a manual wallet, its name (unique, not empty), the API
/// key pair of a real exchange and, under Advanced, another REST base URL
/// (testnets, tests); for a Bitcoin wallet the account keys and addresses it
/// watches (one per line, each checked as typed; a private key or recovery
/// phrase is refused with the reason) and the Esplora server it asks; for an
/// EVM wallet its address, the chains to read (a checkbox each) and each
/// chain's RPC URL; for a Solana wallet its address and RPC URL. OK stays
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

    /// "paper", "binance", "kraken", "bitcoin", "evm", "solana" or "manual".
    [[nodiscard]] QString exchange() const;
    [[nodiscard]] QString name() const;
    [[nodiscard]] QString baseUrl() const;
    [[nodiscard]] QString apiKey() const;
    [[nodiscard]] QString secret() const;
    [[nodiscard]] bool needsKeys() const;
    [[nodiscard]] bool isWatchedWallet() const;
    /// The wallet's keys and addresses, one per non-empty line (Bitcoin), or
    /// its one address (EVM, Solana).
    [[nodiscard]] QStringList watched() const;
    /// An EVM wallet's chains checked, in the order shown.
    [[nodiscard]] QStringList chains() const;
    /// An EVM wallet's RPC URL per checked chain (a chain left empty is left
    /// out: Ethereum then reads through the public default).
    [[nodiscard]] QMap<QString, QString> rpcUrls() const;
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
    [[nodiscard]] QString addressProblem() const;
    [[nodiscard]] QString chainsProblem() const;
    /// The service's endpoint check in a sentence; empty when @p url is usable.
    [[nodiscard]] static QString endpointProblem(const QString &url, const QString &what);
    [[nodiscard]] bool isKind(const char *kind) const;

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
    QLabel *m_addressLabel = nullptr;
    QLineEdit *m_address = nullptr; ///< an EVM or Solana wallet's address
    QGroupBox *m_chains = nullptr;
    QMap<QString, QCheckBox *> m_chainBoxes; ///< by chain key
    QMap<QString, QLineEdit *> m_rpcFields; ///< by chain key
    QLabel *m_hint = nullptr;
    QLabel *m_problem = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace ballast::ui
