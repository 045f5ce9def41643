#include "dialogs/transactiondialog.h"

#include "models/decimaltext.h"

#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTimeZone>
#include <QVBoxLayout>

#include <algorithm>

namespace ballast::ui {

using domain::TransactionKind;

namespace {

/// The add dialog's kind for both legs of a transfer (not a TransactionKind).
QString transferKey()
{
    return QStringLiteral("transfer");
}

QString kindTitle(const QString &key)
{
    if (key == QLatin1String("trade"))
        return TransactionDialog::tr("Trade");
    if (key == QLatin1String("deposit"))
        return TransactionDialog::tr("Deposit");
    if (key == QLatin1String("withdrawal"))
        return TransactionDialog::tr("Withdrawal");
    if (key == transferKey())
        return TransactionDialog::tr("Transfer between accounts or networks");
    if (key == QLatin1String("transfer_out"))
        return TransactionDialog::tr("Transfer out (one leg)");
    if (key == QLatin1String("transfer_in"))
        return TransactionDialog::tr("Transfer in (one leg)");
    if (key == QLatin1String("income"))
        return TransactionDialog::tr("Income (staking, interest, airdrop…)");
    if (key == QLatin1String("fee"))
        return TransactionDialog::tr("Fee");
    return TransactionDialog::tr("Adjustment (signed quantity)");
}

QString upper(const QLineEdit *edit)
{
    return edit->text().trimmed().toUpper();
}

} // namespace

TransactionDialog::TransactionDialog(QList<domain::Account> accounts, qint64 now, QWidget *parent)
    : QDialog(parent)
    , m_accounts(std::move(accounts))
{
    setWindowTitle(tr("Add Transaction"));
    setObjectName(QStringLiteral("transactionDialog"));

    m_kind = new QComboBox(this);
    for (const QString &key :
         {QStringLiteral("trade"), QStringLiteral("deposit"), QStringLiteral("withdrawal"), transferKey(),
          QStringLiteral("income"), QStringLiteral("fee"), QStringLiteral("adjustment")}) {
        m_kind->addItem(kindTitle(key), key);
    }
    m_time = new QDateTimeEdit(this);
    m_time->setTimeSpec(Qt::UTC);
    m_time->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    m_time->setCalendarPopup(true);
    m_time->setDateTime(QDateTime::fromMSecsSinceEpoch(now, QTimeZone::utc()));
    m_account = new QComboBox(this);
    m_toAccount = new QComboBox(this);
    m_toAccount->addItem(tr("(the same account, another network)"), QVariant::fromValue<qint64>(0));
    for (const auto &account : std::as_const(m_accounts)) {
        m_account->addItem(account.name, QVariant::fromValue<qint64>(account.id));
        m_toAccount->addItem(account.name, QVariant::fromValue<qint64>(account.id));
    }
    m_side = new QComboBox(this);
    m_side->addItem(tr("Buy"), static_cast<int>(domain::Side::Buy));
    m_side->addItem(tr("Sell"), static_cast<int>(domain::Side::Sell));
    auto line = [this](const QString &placeholder) {
        auto *edit = new QLineEdit(this);
        edit->setPlaceholderText(placeholder);
        return edit;
    };
    m_network = line(tr("optional, e.g. ethereum"));
    m_asset = line(tr("e.g. BTC"));
    m_quote = line(tr("e.g. USDT"));
    m_quantity = line(tr("e.g. 0.25"));
    m_price = line(tr("quote per unit; optional except for trades"));
    m_fee = line(tr("optional"));
    m_feeAsset = line(tr("the asset the fee was paid in"));
    m_subkind = line(tr("staking, interest, airdrop…"));
    m_toNetwork = line(tr("optional"));
    m_externalId = line(tr("exchange id or transaction hash, optional"));
    m_note = line(tr("optional"));

    const QList<std::pair<QString, QWidget *>> fields{
        {QStringLiteral("kind"), m_kind},
        {QStringLiteral("time"), m_time},
        {QStringLiteral("account"), m_account},
        {QStringLiteral("network"), m_network},
        {QStringLiteral("side"), m_side},
        {QStringLiteral("asset"), m_asset},
        {QStringLiteral("quote"), m_quote},
        {QStringLiteral("quantity"), m_quantity},
        {QStringLiteral("price"), m_price},
        {QStringLiteral("fee"), m_fee},
        {QStringLiteral("fee asset"), m_feeAsset},
        {QStringLiteral("subkind"), m_subkind},
        {QStringLiteral("to account"), m_toAccount},
        {QStringLiteral("to network"), m_toNetwork},
        {QStringLiteral("external id"), m_externalId},
        {QStringLiteral("note"), m_note},
    };
    const QHash<QString, QString> labels{
        {QStringLiteral("kind"), tr("&Kind:")},
        {QStringLiteral("time"), tr("&Time (UTC):")},
        {QStringLiteral("account"), tr("A&ccount:")},
        {QStringLiteral("network"), tr("&Network:")},
        {QStringLiteral("side"), tr("&Side:")},
        {QStringLiteral("asset"), tr("&Asset:")},
        {QStringLiteral("quote"), tr("&Quote asset:")},
        {QStringLiteral("quantity"), tr("Q&uantity:")},
        {QStringLiteral("price"), tr("&Price:")},
        {QStringLiteral("fee"), tr("&Fee:")},
        {QStringLiteral("fee asset"), tr("Fee ass&et:")},
        {QStringLiteral("subkind"), tr("Income &type:")},
        {QStringLiteral("to account"), tr("To acc&ount:")},
        {QStringLiteral("to network"), tr("To net&work:")},
        {QStringLiteral("external id"), tr("E&xternal ID:")},
        {QStringLiteral("note"), tr("N&ote:")},
    };
    m_form = new QFormLayout;
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    for (const auto &[field, editor] : fields) {
        QString name = field;
        name.replace(QLatin1Char(' '), QLatin1Char('_'));
        editor->setObjectName(name);
        editor->setAccessibleName(QString(labels.value(field)).remove(QLatin1Char('&')).chopped(1));
        auto *label = new QLabel(labels.value(field), this);
        label->setBuddy(editor);
        QWidget *row = withError(field, editor);
        m_rows.insert(field, row);
        m_form->addRow(label, row);
    }

    m_general = new QLabel(this);
    m_general->setObjectName(QStringLiteral("generalError"));
    m_general->setWordWrap(true);
    m_general->setStyleSheet(QStringLiteral("color: #b3261e;"));
    m_general->hide();

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("ok"));
    connect(buttons, &QDialogButtonBox::accepted, this, &TransactionDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &TransactionDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(m_form);
    layout->addWidget(m_general);
    layout->addStretch();
    layout->addWidget(buttons);

    connect(m_kind, &QComboBox::currentIndexChanged, this, &TransactionDialog::kindChanged);
    kindChanged();
    resize(std::max(560, sizeHint().width()), sizeHint().height());
}

TransactionDialog::~TransactionDialog() = default;

QWidget *TransactionDialog::withError(const QString &field, QWidget *editor)
{
    auto *row = new QWidget(this);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(editor, 3);
    auto *error = new QLabel(row);
    QString name = field;
    name.replace(QLatin1Char(' '), QLatin1Char('_'));
    error->setObjectName(name + QStringLiteral("Error"));
    error->setWordWrap(true);
    error->setStyleSheet(QStringLiteral("color: #b3261e;"));
    error->setMinimumWidth(200);
    error->hide();
    layout->addWidget(error, 2);
    m_errors.insert(field, error);
    return row;
}

void TransactionDialog::setTransaction(const domain::Transaction &tx)
{
    m_editing = tx;
    setWindowTitle(tr("Edit Transaction #%1").arg(tx.id));
    m_kind->blockSignals(true);
    m_kind->clear();
    const bool leg = tx.kind == TransactionKind::TransferIn || tx.kind == TransactionKind::TransferOut;
    if (leg) {
        // A leg keeps its kind: turning it into something else would break the pair.
        m_kind->addItem(kindTitle(domain::kindName(tx.kind)), domain::kindName(tx.kind));
        m_kind->setEnabled(false);
    } else {
        for (const QString &key : {QStringLiteral("trade"), QStringLiteral("deposit"), QStringLiteral("withdrawal"),
                                   QStringLiteral("income"), QStringLiteral("fee"), QStringLiteral("adjustment")}) {
            m_kind->addItem(kindTitle(key), key);
        }
        m_kind->setCurrentIndex(std::max(0, m_kind->findData(domain::kindName(tx.kind))));
    }
    m_kind->blockSignals(false);
    m_time->setDateTime(tx.time.toTimeZone(QTimeZone::utc()));
    for (int i = 0; i < m_account->count(); ++i) {
        if (m_account->itemData(i).toLongLong() == tx.accountId)
            m_account->setCurrentIndex(i);
    }
    m_network->setText(tx.network);
    m_side->setCurrentIndex(tx.side == domain::Side::Buy ? 0 : 1);
    m_asset->setText(tx.asset);
    m_quote->setText(tx.quote);
    m_quantity->setText(tx.quantity.toString());
    m_price->setText(tx.price.isZero() ? QString() : tx.price.toString());
    m_fee->setText(tx.fee.isZero() ? QString() : tx.fee.toString());
    m_feeAsset->setText(tx.feeAsset);
    m_subkind->setText(tx.subkind);
    m_externalId->setText(tx.externalId);
    m_note->setText(tx.note);
    kindChanged();
}

QString TransactionDialog::kindKey() const
{
    return m_kind->currentData().toString();
}

void TransactionDialog::kindChanged()
{
    const QString kind = kindKey();
    const bool trade = kind == QLatin1String("trade");
    const bool transfer = kind == transferKey();
    m_form->setRowVisible(m_rows.value(QStringLiteral("side")), trade);
    m_form->setRowVisible(m_rows.value(QStringLiteral("quote")), trade);
    m_form->setRowVisible(m_rows.value(QStringLiteral("subkind")), kind == QLatin1String("income"));
    m_form->setRowVisible(m_rows.value(QStringLiteral("to account")), transfer);
    m_form->setRowVisible(m_rows.value(QStringLiteral("to network")), transfer);
    // A transfer is priced by nothing: what moved keeps its cost basis.
    m_form->setRowVisible(m_rows.value(QStringLiteral("price")), !transfer);
    m_price->setPlaceholderText(trade ? tr("quote per unit of the asset")
                                      : tr("value of one unit in the portfolio's quote, optional"));
    m_quantity->setPlaceholderText(kind == QLatin1String("adjustment") ? tr("signed: -0.5 removes, 0.5 adds")
                                                                       : tr("e.g. 0.25"));
    if (m_form->labelForField(m_rows.value(QStringLiteral("network"))) != nullptr) {
        auto *label = qobject_cast<QLabel *>(m_form->labelForField(m_rows.value(QStringLiteral("network"))));
        label->setText(transfer ? tr("From &network:") : tr("&Network:"));
    }
}

void TransactionDialog::clearErrors()
{
    for (QLabel *label : std::as_const(m_errors)) {
        label->clear();
        label->hide();
    }
    m_general->clear();
    m_general->hide();
}

void TransactionDialog::setFieldError(const QString &field, const QString &message)
{
    QLabel *label = m_errors.value(field);
    if (label == nullptr || !m_form->isRowVisible(m_rows.value(field))) {
        m_general->setText(m_general->text().isEmpty() ? message : m_general->text() + QLatin1Char('\n') + message);
        m_general->show();
        return;
    }
    label->setText(message);
    label->show();
}

void TransactionDialog::showError(const Error &error)
{
    // Messages of domain::validate and the service start with the field: "fee asset: ...".
    QStringList fields = m_errors.keys();
    std::sort(fields.begin(), fields.end(), [](const QString &a, const QString &b) { return a.size() > b.size(); });
    for (const QString &field : std::as_const(fields)) {
        if (error.message.startsWith(field + QStringLiteral(": "))) {
            setFieldError(field, error.message.mid(field.size() + 2));
            return;
        }
    }
    if (error.message.startsWith(QStringLiteral("quote amount: "))) {
        setFieldError(QStringLiteral("quantity"), error.message);
        return;
    }
    setFieldError(QString(), error.message);
}

QString TransactionDialog::fieldError(const QString &field) const
{
    const QLabel *label = m_errors.value(field);
    return label != nullptr ? label->text() : QString();
}

QString TransactionDialog::generalError() const
{
    return m_general->text();
}

std::optional<money::Decimal> TransactionDialog::decimalField(const QString &field, QLineEdit *edit, bool optional)
{
    QString text = edit->text().trimmed();
    if (text.isEmpty()) {
        if (optional)
            return money::Decimal();
        setFieldError(field, tr("required"));
        return std::nullopt;
    }
    auto value = money::Decimal::parse(text);
    if (!value) {
        setFieldError(field, tr("not an exact number (%1); use digits and a \".\"").arg(value.error().message));
        return std::nullopt;
    }
    return *value;
}

std::optional<TransactionDialog::Entry> TransactionDialog::entry()
{
    clearErrors();
    const QString kind = kindKey();
    bool ok = true;
    if (m_account->currentIndex() < 0) {
        setFieldError(QStringLiteral("account"), tr("add an account first"));
        ok = false;
    }
    if (upper(m_asset).isEmpty()) {
        setFieldError(QStringLiteral("asset"), tr("required"));
        ok = false;
    }
    const auto quantity = decimalField(QStringLiteral("quantity"), m_quantity, false);
    const bool transfer = kind == transferKey();
    const auto price = transfer ? std::optional<money::Decimal>(money::Decimal())
                                : decimalField(QStringLiteral("price"), m_price, kind != QLatin1String("trade"));
    const auto fee = decimalField(QStringLiteral("fee"), m_fee, true);
    ok = ok && quantity && price && fee;
    if (!ok)
        return std::nullopt;
    QDateTime time = m_time->dateTime();
    time.setTimeZone(QTimeZone::utc());
    const qint64 accountId = m_account->currentData().toLongLong();
    Entry entry;
    if (transfer) {
        services::TransferRequest request;
        request.fromAccount = m_account->currentText();
        request.fromNetwork = m_network->text().trimmed();
        request.toAccount = m_toAccount->currentData().toLongLong() == 0 ? QString() : m_toAccount->currentText();
        request.toNetwork = m_toNetwork->text().trimmed();
        request.asset = upper(m_asset);
        request.quantity = *quantity;
        request.fee = *fee;
        request.feeAsset = upper(m_feeAsset);
        request.time = time;
        request.externalId = m_externalId->text().trimmed();
        request.note = m_note->text().trimmed();
        entry.transfer = request;
        return entry;
    }
    domain::Transaction tx = m_editing.value_or(domain::Transaction{});
    tx.kind = domain::kindFromName(kind).value_or(TransactionKind::Adjustment);
    tx.time = time;
    tx.accountId = accountId;
    tx.network = m_network->text().trimmed();
    tx.side = static_cast<domain::Side>(m_side->currentData().toInt());
    tx.asset = upper(m_asset);
    tx.quote = tx.kind == TransactionKind::Trade ? upper(m_quote) : QString();
    tx.quantity = *quantity;
    tx.price = *price;
    // A quote amount read from an exchange belongs to the quantity and price it came with.
    if (tx.kind != TransactionKind::Trade
        || (m_editing && (m_editing->quantity != tx.quantity || m_editing->price != tx.price))) {
        tx.quoteAmount = money::Decimal();
    }
    tx.fee = *fee;
    tx.feeAsset = upper(m_feeAsset);
    if (tx.feeAsset.isEmpty() && tx.fee.isPositive() && tx.kind == TransactionKind::Trade)
        tx.feeAsset = tx.quote; // the usual case, and what the field's placeholder suggests
    tx.subkind = tx.kind == TransactionKind::Income ? m_subkind->text().trimmed() : QString();
    tx.externalId = m_externalId->text().trimmed();
    tx.note = m_note->text().trimmed();
    if (tx.kind != TransactionKind::Adjustment)
        tx.unexplained = false;
    if (auto valid = domain::validate(tx); !valid) {
        showError(valid.error());
        return std::nullopt;
    }
    entry.transaction = tx;
    return entry;
}

void TransactionDialog::accept()
{
    const auto typed = entry();
    if (!typed)
        return;
    if (m_submit) {
        if (const Status stored = m_submit(*typed); !stored) {
            showError(stored.error());
            return;
        }
    }
    QDialog::accept();
}

} // namespace ballast::ui
