#include "dialogs/tokenlistdialog.h"

#include "chain/evmchains.h"
#include "services/walletservice.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <functional>

namespace ballast::ui {

TokenListDialog::TokenListDialog(const QString &accountName, const QStringList &chains,
                                 const QList<domain::WalletToken> &tokens, QWidget *parent)
    : QDialog(parent)
    , m_chains(chains)
{
    setWindowTitle(tr("Tokens of %1").arg(accountName));
    setObjectName(QStringLiteral("tokenListDialog"));

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("chains"));
    for (const QString &key : std::as_const(m_chains)) {
        auto *table = new QTableWidget(0, ColumnCount, m_tabs);
        table->setObjectName(QStringLiteral("tokens_") + key);
        table->setHorizontalHeaderLabels({tr("Symbol"), tr("Contract address"), tr("Decimals")});
        table->horizontalHeader()->setSectionResizeMode(Contract, QHeaderView::Stretch);
        table->verticalHeader()->setVisible(false);
        table->setSelectionBehavior(QAbstractItemView::SelectRows);
        const chain::EvmChain *evmChain = chain::evmChainByKey(key);
        const QString label = evmChain ? evmChain->name : key;
        table->setAccessibleName(tr("Tokens read on %1").arg(label));
        QList<domain::WalletToken> listed;
        for (const auto &token : tokens) {
            if (token.network == key)
                listed.append(token);
        }
        fill(table, listed);
        connect(table, &QTableWidget::itemChanged, this, &TokenListDialog::validate);
        m_tables.insert(key, table);
        m_tabs->addTab(table, label);
    }

    m_add = new QPushButton(tr("&Add Token"), this);
    m_add->setObjectName(QStringLiteral("addToken"));
    m_remove = new QPushButton(tr("&Remove"), this);
    m_remove->setObjectName(QStringLiteral("removeToken"));
    m_remove->setToolTip(tr("Removes the selected tokens: the next sync no longer reads them, and what the wallet "
                            "held of them goes to zero"));
    m_reset = new QPushButton(tr("Reset to &Defaults"), this);
    m_reset->setObjectName(QStringLiteral("resetTokens"));
    m_reset->setToolTip(tr("Ballast's list for this chain (USDC, USDT, WETH, WBTC, DAI where they exist)"));
    auto *actions = new QHBoxLayout;
    for (QPushButton *button : {m_add, m_remove, m_reset})
        actions->addWidget(button);
    actions->addStretch();

    auto *hint = new QLabel(tr("Contract addresses are 0x and 40 hex digits, checked against their EIP-55 checksum "
                               "when in mixed case. Leave Decimals empty to read them from the contract at sync."),
                            this);
    hint->setWordWrap(true);
    m_problem = new QLabel(this);
    m_problem->setObjectName(QStringLiteral("problem"));
    m_problem->setWordWrap(true);
    m_problem->setAccessibleName(tr("What is wrong"));

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_tabs, 1);
    layout->addLayout(actions);
    layout->addWidget(hint);
    layout->addWidget(m_problem);
    layout->addWidget(m_buttons);

    connect(m_add, &QPushButton::clicked, this, &TokenListDialog::addToken);
    connect(m_remove, &QPushButton::clicked, this, &TokenListDialog::removeSelected);
    connect(m_reset, &QPushButton::clicked, this, &TokenListDialog::resetToDefaults);
    validate();
    resize(640, 380);
}

void TokenListDialog::fill(QTableWidget *table, const QList<domain::WalletToken> &tokens)
{
    const QSignalBlocker quiet(table);
    table->setRowCount(static_cast<int>(tokens.size()));
    for (int row = 0; row < table->rowCount(); ++row) {
        const auto &token = tokens.at(row);
        table->setItem(row, Symbol, new QTableWidgetItem(token.symbol));
        table->setItem(row, Contract, new QTableWidgetItem(token.contract));
        table->setItem(row, Decimals,
                       new QTableWidgetItem(token.decimals ? QString::number(*token.decimals) : QString()));
    }
}

QTableWidget *TokenListDialog::table(const QString &chain) const
{
    return m_tables.value(chain);
}

QString TokenListDialog::currentChain() const
{
    return m_chains.value(m_tabs->currentIndex());
}

void TokenListDialog::showChain(const QString &chain)
{
    if (const qsizetype index = m_chains.indexOf(chain); index >= 0)
        m_tabs->setCurrentIndex(static_cast<int>(index));
}

void TokenListDialog::addToken()
{
    QTableWidget *table = m_tables.value(currentChain());
    if (!table)
        return;
    const int row = table->rowCount();
    {
        const QSignalBlocker quiet(table);
        table->insertRow(row);
        for (int column = 0; column < ColumnCount; ++column)
            table->setItem(row, column, new QTableWidgetItem);
    }
    table->setCurrentCell(row, Symbol);
    if (table->isVisible())
        table->editItem(table->item(row, Symbol));
    validate();
}

void TokenListDialog::removeSelected()
{
    QTableWidget *table = m_tables.value(currentChain());
    if (!table)
        return;
    QList<int> rows;
    for (const QModelIndex &index : table->selectionModel()->selectedRows())
        rows.append(index.row());
    std::sort(rows.begin(), rows.end(), std::greater<>());
    for (int row : std::as_const(rows))
        table->removeRow(row);
    validate();
}

void TokenListDialog::resetToDefaults()
{
    const QString chain = currentChain();
    if (QTableWidget *table = m_tables.value(chain)) {
        fill(table, services::WalletService::defaultTokens(chain));
        validate();
    }
}

Result<QList<domain::WalletToken>> TokenListDialog::read(const QString &chain) const
{
    const QTableWidget *table = m_tables.value(chain);
    QList<domain::WalletToken> typed;
    const auto text = [table](int row, int column) {
        const QTableWidgetItem *item = table->item(row, column);
        return item ? item->text().trimmed() : QString();
    };
    for (int row = 0; row < table->rowCount(); ++row) {
        auto decimals = services::WalletService::parseTokenDecimals(
            text(row, Decimals), QStringLiteral("%1 token %2 decimals").arg(chain).arg(row + 1));
        if (!decimals)
            return decimals.error();
        typed.append({chain, text(row, Symbol), text(row, Contract), *decimals});
    }
    // The service's check, the one `wallets tokens --set` and saving apply.
    return services::WalletService::checkTokens(chain, typed);
}

Result<QMap<QString, QList<domain::WalletToken>>> TokenListDialog::lists() const
{
    QMap<QString, QList<domain::WalletToken>> out;
    for (const QString &chain : m_chains) {
        auto checked = read(chain);
        if (!checked)
            return checked.error();
        out.insert(chain, *checked);
    }
    return out;
}

QString TokenListDialog::problem() const
{
    const auto checked = lists();
    return checked ? QString() : tr("%1.").arg(checked.error().message);
}

void TokenListDialog::validate()
{
    const QString why = problem();
    m_problem->setText(why);
    m_buttons->button(QDialogButtonBox::Save)->setEnabled(why.isEmpty());
}

} // namespace ballast::ui
