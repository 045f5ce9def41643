#pragma once

#include "common/result.h"
#include "domain/wallet.h"

#include <QDialog>
#include <QList>
#include <QMap>
#include <QStringList>

class QDialogButtonBox;
class QLabel;
class QPushButton;
class QTabWidget;
class QTableWidget;

namespace ballast::ui {

/// Edits the token lists of an EVM wallet: a tab per chain it reads, each a
/// table of symbol, contract address and decimals (empty: read from the
/// contract at sync), with Add, Remove and Reset to defaults. Every edit is
/// checked by the service's own check (WalletService::checkTokens); Save stays
/// disabled, with the reason shown, until every list is usable. The dialog
/// stores nothing: the caller saves lists() through WalletService::setTokenLists,
/// all or nothing.
class TokenListDialog : public QDialog
{
    Q_OBJECT

public:
    enum Column { Symbol, Contract, Decimals, ColumnCount };

    /// @p chains in the order shown; @p tokens the wallet's lists as stored.
    TokenListDialog(const QString &accountName, const QStringList &chains, const QList<domain::WalletToken> &tokens,
                    QWidget *parent = nullptr);

    /// Every chain's list as checked (symbol in upper case, contract in EIP-55
    /// form), or the first row refused, as problem() says it.
    [[nodiscard]] Result<QMap<QString, QList<domain::WalletToken>>> lists() const;
    /// Why Save is disabled; empty when it is enabled.
    [[nodiscard]] QString problem() const;
    /// The table of @p chain ("tokens_<chain>"); nullptr for a chain not shown.
    [[nodiscard]] QTableWidget *table(const QString &chain) const;
    /// Shows @p chain's tab: Add, Remove and Reset act on the tab shown.
    void showChain(const QString &chain);

    /// Appends an empty row to the chain shown and starts editing its symbol.
    void addToken();
    /// Removes the selected rows of the chain shown.
    void removeSelected();
    /// Replaces the chain shown's list with Ballast's defaults for it.
    void resetToDefaults();

private:
    [[nodiscard]] QString currentChain() const;
    /// The rows of @p chain as typed, checked; the error names the row.
    [[nodiscard]] Result<QList<domain::WalletToken>> read(const QString &chain) const;
    void fill(QTableWidget *table, const QList<domain::WalletToken> &tokens);
    void validate();

    QStringList m_chains;
    QMap<QString, QTableWidget *> m_tables;
    QTabWidget *m_tabs = nullptr;
    QPushButton *m_add = nullptr;
    QPushButton *m_remove = nullptr;
    QPushButton *m_reset = nullptr;
    QLabel *m_problem = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace ballast::ui
