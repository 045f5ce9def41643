#include "dialogs/addaccountdialog.h"

#include "chain/evmchains.h"
#include "exchange/baseurl.h"
#include "services/walletservice.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace ballast::ui {

AddAccountDialog::AddAccountDialog(QStringList takenNames, QWidget *parent)
    : QDialog(parent)
    , m_taken(std::move(takenNames))
{
    setWindowTitle(tr("Add Account"));
    setObjectName(QStringLiteral("addAccountDialog"));

    m_kind = new QComboBox(this);
    m_kind->setObjectName(QStringLiteral("kind"));
    m_kind->setAccessibleName(tr("Account kind"));
    m_kind->addItem(tr("Paper exchange (simulated, no real money)"), QStringLiteral("paper"));
    m_kind->addItem(tr("Binance"), QStringLiteral("binance"));
    m_kind->addItem(tr("Kraken"), QStringLiteral("kraken"));
    m_kind->addItem(tr("Bitcoin wallet (watch-only: xpub, ypub, zpub or addresses)"), QStringLiteral("bitcoin"));
    m_kind->addItem(tr("EVM wallet (watch-only: Ethereum, Arbitrum, Base, OP, Polygon, BNB Chain)"),
                    QStringLiteral("evm"));
    m_kind->addItem(tr("Solana wallet (watch-only)"), QStringLiteral("solana"));
    m_kind->addItem(tr("Manual wallet (you type the balances)"), QStringLiteral("manual"));

    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("name"));
    m_name->setAccessibleName(tr("Account name"));
    m_name->setPlaceholderText(tr("e.g. binance-main"));

    m_key = new QLineEdit(this);
    m_key->setObjectName(QStringLiteral("apiKey"));
    m_key->setAccessibleName(tr("API key"));
    m_key->setEchoMode(QLineEdit::Password);
    m_key->setInputMethodHints(Qt::ImhHiddenText | Qt::ImhNoPredictiveText | Qt::ImhSensitiveData);
    m_secret = new QLineEdit(this);
    m_secret->setObjectName(QStringLiteral("apiSecret"));
    m_secret->setAccessibleName(tr("API secret"));
    m_secret->setEchoMode(QLineEdit::Password);
    m_secret->setInputMethodHints(Qt::ImhHiddenText | Qt::ImhNoPredictiveText | Qt::ImhSensitiveData);

    m_watch = new QPlainTextEdit(this);
    m_watch->setObjectName(QStringLiteral("watched"));
    m_watch->setAccessibleName(tr("Keys and addresses to watch"));
    m_watch->setPlaceholderText(tr("One per line: an account's zpub, ypub or xpub, or an address"));
    m_watch->setTabChangesFocus(true);
    m_watch->setFixedHeight(m_watch->fontMetrics().lineSpacing() * 5);
    m_watchLabel = new QLabel(tr("&Watch:"), this);
    m_watchLabel->setBuddy(m_watch);
    m_script = new QComboBox(this);
    m_script->setObjectName(QStringLiteral("script"));
    m_script->setAccessibleName(tr("Address type of the keys"));
    m_script->addItem(tr("From each key's prefix"), QString());
    m_script->setToolTip(tr("xpub: legacy addresses (1…), ypub: nested segwit (3…), zpub: native segwit (bc1q…). "
                            "Choose another type when your wallet exports every account as xpub."));
    m_script->addItem(tr("Legacy, P2PKH (1…)"), QStringLiteral("p2pkh"));
    m_script->addItem(tr("Nested segwit, P2SH-P2WPKH (3…)"), QStringLiteral("p2sh-p2wpkh"));
    m_script->addItem(tr("Native segwit, P2WPKH (bc1q…)"), QStringLiteral("p2wpkh"));
    m_scriptLabel = new QLabel(tr("Address &type:"), this);
    m_scriptLabel->setBuddy(m_script);
    m_address = new QLineEdit(this);
    m_address->setObjectName(QStringLiteral("walletAddress"));
    m_address->setAccessibleName(tr("Address to watch"));
    m_addressLabel = new QLabel(tr("&Address:"), this);
    m_addressLabel->setBuddy(m_address);
    m_chains = new QGroupBox(tr("Chains"), this);
    m_chains->setObjectName(QStringLiteral("chains"));
    auto *chainGrid = new QGridLayout(m_chains);
    int row = 0;
    for (const chain::EvmChain &evmChain : chain::evmChains()) {
        auto *box = new QCheckBox(evmChain.name, m_chains);
        box->setObjectName(QStringLiteral("chain_") + evmChain.key);
        auto *rpc = new QLineEdit(m_chains);
        rpc->setObjectName(QStringLiteral("rpc_") + evmChain.key);
        rpc->setAccessibleName(tr("RPC URL for %1").arg(evmChain.name));
        const QString fallback = services::WalletService::defaultEndpoint(evmChain.key);
        rpc->setPlaceholderText(!fallback.isEmpty() ? fallback : tr("https://… your node or provider (required)"));
        box->setChecked(chain::defaultEvmChainKeys().contains(evmChain.key));
        rpc->setEnabled(box->isChecked());
        connect(box, &QCheckBox::toggled, rpc, &QWidget::setEnabled);
        connect(box, &QCheckBox::toggled, this, &AddAccountDialog::validate);
        connect(rpc, &QLineEdit::textChanged, this, &AddAccountDialog::validate);
        chainGrid->addWidget(box, row, 0);
        chainGrid->addWidget(rpc, row, 1);
        m_chainBoxes.insert(evmChain.key, box);
        m_rpcFields.insert(evmChain.key, rpc);
        ++row;
    }

    m_server = new QLineEdit(this);
    m_server->setObjectName(QStringLiteral("esploraUrl"));
    m_server->setAccessibleName(tr("Esplora server"));
    m_server->setPlaceholderText(services::WalletService::defaultEndpoint(QStringLiteral("bitcoin")));
    m_serverLabel = new QLabel(tr("&Server:"), this);
    m_serverLabel->setBuddy(m_server);

    m_baseUrl = new QLineEdit(this);
    m_baseUrl->setObjectName(QStringLiteral("baseUrl"));
    m_baseUrl->setAccessibleName(tr("Base URL"));
    m_baseUrl->setPlaceholderText(tr("empty: the exchange's own address"));
    m_advanced = new QGroupBox(tr("Advanced"), this);
    m_advanced->setObjectName(QStringLiteral("advanced"));
    m_advanced->setCheckable(true);
    m_advanced->setChecked(false);
    auto *advancedForm = new QFormLayout(m_advanced);
    advancedForm->addRow(tr("Base &URL:"), m_baseUrl);
    m_baseUrlProblem = new QLabel(m_advanced);
    m_baseUrlProblem->setObjectName(QStringLiteral("baseUrlProblem"));
    m_baseUrlProblem->setWordWrap(true);
    m_baseUrlProblem->setAccessibleName(tr("Why the base URL is refused"));
    advancedForm->addRow(QString(), m_baseUrlProblem);
    advancedForm->addRow(new QLabel(tr("For testnets and test servers only."), m_advanced));
    m_baseUrl->setEnabled(false);
    connect(m_advanced, &QGroupBox::toggled, m_baseUrl, &QWidget::setEnabled);

    auto *form = new QFormLayout;
    form->addRow(tr("&Kind:"), m_kind);
    form->addRow(tr("&Name:"), m_name);
    m_keyLabel = new QLabel(tr("API &key:"), this);
    m_keyLabel->setBuddy(m_key);
    form->addRow(m_keyLabel, m_key);
    m_secretLabel = new QLabel(tr("API &secret:"), this);
    m_secretLabel->setBuddy(m_secret);
    form->addRow(m_secretLabel, m_secret);
    form->addRow(m_addressLabel, m_address);
    form->addRow(m_watchLabel, m_watch);
    form->addRow(m_scriptLabel, m_script);
    form->addRow(m_serverLabel, m_server);

    m_hint = new QLabel(this);
    m_hint->setWordWrap(true);
    m_problem = new QLabel(this);
    m_problem->setObjectName(QStringLiteral("problem"));
    m_problem->setWordWrap(true);
    m_problem->setAccessibleName(tr("What is missing"));

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Add"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_chains);
    layout->addWidget(m_hint);
    layout->addWidget(m_advanced);
    layout->addWidget(m_problem);
    layout->addStretch();
    layout->addWidget(m_buttons);

    connect(m_kind, &QComboBox::currentIndexChanged, this, &AddAccountDialog::kindChanged);
    connect(m_name, &QLineEdit::textChanged, this, &AddAccountDialog::validate);
    connect(m_key, &QLineEdit::textChanged, this, &AddAccountDialog::validate);
    connect(m_secret, &QLineEdit::textChanged, this, &AddAccountDialog::validate);
    connect(m_baseUrl, &QLineEdit::textChanged, this, &AddAccountDialog::validate);
    connect(m_watch, &QPlainTextEdit::textChanged, this, &AddAccountDialog::validate);
    connect(m_server, &QLineEdit::textChanged, this, &AddAccountDialog::validate);
    connect(m_address, &QLineEdit::textChanged, this, &AddAccountDialog::validate);
    connect(m_script, &QComboBox::currentIndexChanged, this, &AddAccountDialog::validate);
    connect(m_advanced, &QGroupBox::toggled, this, &AddAccountDialog::validate);
    kindChanged();
    setMinimumWidth(460);
}

AddAccountDialog::~AddAccountDialog()
{
    clearSecrets();
}

QString AddAccountDialog::exchange() const
{
    return m_kind->currentData().toString();
}

QString AddAccountDialog::name() const
{
    return m_name->text().trimmed();
}

QString AddAccountDialog::baseUrl() const
{
    if (isKind("evm"))
        return {};
    if (isWatchedWallet())
        return m_server->text().trimmed();
    return m_advanced->isChecked() ? m_baseUrl->text().trimmed() : QString();
}

bool AddAccountDialog::isWatchedWallet() const
{
    return services::WalletService::isWatched(exchange());
}

bool AddAccountDialog::isKind(const char *kind) const
{
    return exchange() == QLatin1String(kind);
}

QStringList AddAccountDialog::chains() const
{
    QStringList out;
    if (!isKind("evm"))
        return out;
    for (const chain::EvmChain &evmChain : chain::evmChains()) {
        if (m_chainBoxes.value(evmChain.key)->isChecked())
            out.append(evmChain.key);
    }
    return out;
}

QMap<QString, QString> AddAccountDialog::rpcUrls() const
{
    QMap<QString, QString> out;
    for (const QString &key : chains()) {
        const QString url = m_rpcFields.value(key)->text().trimmed();
        if (!url.isEmpty())
            out.insert(key, url);
    }
    return out;
}

QStringList AddAccountDialog::watched() const
{
    if (!isWatchedWallet())
        return {};
    if (!isKind("bitcoin")) {
        const QString address = m_address->text().trimmed();
        return address.isEmpty() ? QStringList() : QStringList{address};
    }
    QStringList lines;
    for (const QString &line : m_watch->toPlainText().split(QLatin1Char('\n'))) {
        if (!line.trimmed().isEmpty())
            lines.append(line.trimmed());
    }
    return lines;
}

QString AddAccountDialog::script() const
{
    return isKind("bitcoin") ? m_script->currentData().toString() : QString();
}

QString AddAccountDialog::apiKey() const
{
    return needsKeys() ? m_key->text().trimmed() : QString();
}

QString AddAccountDialog::secret() const
{
    return needsKeys() ? m_secret->text().trimmed() : QString();
}

bool AddAccountDialog::needsKeys() const
{
    const QString id = exchange();
    return id == QLatin1String("binance") || id == QLatin1String("kraken");
}

void AddAccountDialog::clearSecrets()
{
    m_key->clear();
    m_secret->clear();
}

QString AddAccountDialog::watchedProblem() const
{
    const QStringList lines = watched();
    if (lines.isEmpty())
        return tr("Paste an account key (zpub, ypub or xpub) or an address to watch.");
    for (qsizetype i = 0; i < lines.size(); ++i) {
        // The judge is the service's (the worker and the CLI ask it too); a
        // secret is named, never shown.
        if (auto kind = services::WalletService::classifyBitcoinLine(lines[i]); !kind)
            return tr("Line %1: %2.").arg(i + 1).arg(kind.error().message);
    }
    return {};
}

QString AddAccountDialog::addressProblem() const
{
    const QString address = m_address->text().trimmed();
    const bool evm = isKind("evm");
    if (address.isEmpty())
        return evm ? tr("Paste the wallet's address (0x…).") : tr("Paste the wallet's address.");
    // The checks are the service's (adding checks again); a secret is named, never shown.
    const auto checked = evm ? services::WalletService::checkEvmAddress(address, tr("Address"))
                             : services::WalletService::checkSolanaAddress(address, tr("Address"));
    return checked ? QString() : tr("%1.").arg(checked.error().message);
}

QString AddAccountDialog::chainsProblem() const
{
    const QStringList checked = chains();
    if (checked.isEmpty())
        return tr("Choose at least one chain.");
    for (const QString &key : checked) {
        const chain::EvmChain *evmChain = chain::evmChainByKey(key);
        const QString url = m_rpcFields.value(key)->text().trimmed();
        if (url.isEmpty()) {
            if (!services::WalletService::defaultEndpoint(key).isEmpty())
                continue; // the public default
            return tr("Give the RPC URL for %1 (your own node or a provider's).").arg(evmChain->name);
        }
        if (QString why = endpointProblem(url, tr("The RPC URL for %1").arg(evmChain->name)); !why.isEmpty())
            return why;
    }
    return {};
}

void AddAccountDialog::kindChanged()
{
    const bool keys = needsKeys();
    for (QWidget *widget :
         {static_cast<QWidget *>(m_keyLabel), static_cast<QWidget *>(m_key), static_cast<QWidget *>(m_secretLabel),
          static_cast<QWidget *>(m_secret), static_cast<QWidget *>(m_advanced)})
        widget->setVisible(keys);
    const bool wallet = isWatchedWallet();
    const bool bitcoin = isKind("bitcoin");
    const bool evm = isKind("evm");
    const bool solana = isKind("solana");
    for (QWidget *widget : {static_cast<QWidget *>(m_watchLabel), static_cast<QWidget *>(m_watch),
                            static_cast<QWidget *>(m_scriptLabel), static_cast<QWidget *>(m_script)})
        widget->setVisible(bitcoin);
    m_serverLabel->setVisible(bitcoin || solana);
    m_server->setVisible(bitcoin || solana);
    m_serverLabel->setText(solana ? tr("&RPC URL:") : tr("&Server:"));
    m_server->setAccessibleName(solana ? tr("Solana RPC URL") : tr("Esplora server"));
    m_server->setPlaceholderText(services::WalletService::defaultEndpoint(
        QString::fromLatin1(solana ? services::WalletService::kSolana : services::WalletService::kBitcoin)));
    m_addressLabel->setVisible(evm || solana);
    m_address->setVisible(evm || solana);
    m_address->setPlaceholderText(evm ? tr("0x… (the same address on every chain checked)")
                                      : tr("The account's public key (Base58)"));
    m_chains->setVisible(evm);
    const QString id = exchange();
    if (id == QLatin1String("paper"))
        m_hint->setText(tr("Trades on the paper exchange are simulated at stored prices."));
    else if (id == QLatin1String("manual"))
        m_hint->setText(tr("A wallet is never synced: set its balances on the Holdings page."));
    else if (evm)
        m_hint->setText(tr("Sync reads the native balance and the usual tokens (USDC, USDT, WETH, …) on each chain "
                           "checked, through its RPC URL: the address is sent to it, so your own node keeps it "
                           "private. A URL that serves another chain is refused at sync."));
    else if (solana)
        m_hint->setText(tr("Sync reads SOL and the SPL tokens of the address through the RPC URL; tokens whose mint "
                           "Ballast has no symbol for are reported, not recorded."));
    else if (wallet)
        m_hint->setText(tr("Sync reads the balances from the server: every address of the wallet is sent to it, so "
                           "your own server keeps them private. Receive and change addresses are scanned until 20 "
                           "unused in a row."));
    else
        m_hint->setText(tr("Use a key that can read balances and trade, never withdraw. The key and secret are "
                           "sealed in the key vault with your passphrase."));
    validate();
}

QString AddAccountDialog::problem() const
{
    const QString name = this->name();
    if (name.isEmpty())
        return tr("Give the account a name.");
    if (m_taken.contains(name, Qt::CaseSensitive))
        return tr("An account named \"%1\" exists already.").arg(name);
    if (needsKeys()) {
        if (m_key->text().trimmed().isEmpty())
            return tr("Paste the API key.");
        if (m_secret->text().trimmed().isEmpty())
            return tr("Paste the API secret.");
        if (QString url = baseUrlProblem(); !url.isEmpty())
            return url;
    }
    if (isKind("bitcoin")) {
        if (QString why = watchedProblem(); !why.isEmpty())
            return why;
        if (QString url = baseUrlProblem(); !url.isEmpty())
            return url;
    }
    if (isKind("evm") || isKind("solana")) {
        if (QString why = addressProblem(); !why.isEmpty())
            return why;
        if (QString why = isKind("evm") ? chainsProblem() : baseUrlProblem(); !why.isEmpty())
            return why;
    }
    return {};
}

QString AddAccountDialog::endpointProblem(const QString &url, const QString &what)
{
    const auto checked = services::WalletService::checkEndpoint(url, what);
    return checked ? QString() : tr("%1.").arg(checked.error().message);
}

QString AddAccountDialog::baseUrlProblem() const
{
    const QString url = baseUrl();
    if (url.isEmpty())
        return {};
    if (isWatchedWallet())
        return endpointProblem(url, isKind("solana") ? tr("The RPC URL") : tr("The server URL"));
    // An exchange's base URL: the rule is core's (the CLI and the connectors
    // apply it too); the words speak of the API key.
    const auto checked = exchange::checkBaseUrl(url);
    if (checked)
        return {};
    const QString code = checked.error().code;
    if (code == QLatin1String("url.cleartext"))
        return tr("The base URL must start with https:// (http:// only to this computer: localhost, 127.0.0.1 or "
                  "::1); the API key would travel in clear.");
    if (code == QLatin1String("url.scheme"))
        return tr("The base URL must start with https://.");
    if (code == QLatin1String("url.userinfo"))
        return tr("The base URL must not hold a user name or password.");
    if (code == QLatin1String("url.query"))
        return tr("The base URL must not have a query (?) or fragment (#).");
    return tr("The base URL must look like https://host[:port].");
}

void AddAccountDialog::validate()
{
    const QString why = problem();
    const QString url = needsKeys() ? baseUrlProblem() : QString();
    m_baseUrlProblem->setText(url);
    m_baseUrlProblem->setVisible(!url.isEmpty());
    m_problem->setText(why);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(why.isEmpty());
}

} // namespace ballast::ui
