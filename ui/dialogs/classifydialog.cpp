#include "dialogs/classifydialog.h"

#include "models/decimaltext.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QTimeZone>
#include <QVBoxLayout>

namespace ballast::ui {

using domain::TransactionKind;
using services::Classification;

namespace {

QString rowText(const services::TransactionRow &row)
{
    const domain::Transaction &tx = row.tx;
    return ClassifyDialog::tr("#%1 · %2 · %3 · %4 %5 %6")
        .arg(QString::number(tx.id), tx.time.toTimeZone(QTimeZone::utc()).toString(QStringLiteral("yyyy-MM-dd HH:mm")),
             row.accountName, domain::kindName(tx.kind), decimalText(tx.quantity), tx.asset);
}

} // namespace

ClassifyDialog::ClassifyDialog(const domain::Transaction &adjustment, const QList<services::TransactionRow> &candidates,
                               QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Classify Adjustment #%1").arg(adjustment.id));
    setObjectName(QStringLiteral("classifyDialog"));
    const bool adds = adjustment.quantity.isPositive();
    auto *intro = new QLabel(
        tr("This adjustment %1 %2 %3 on %4. Say what it was; the holdings do not move.")
            .arg(adds ? tr("added") : tr("removed"), decimalText(adjustment.quantity.abs()), adjustment.asset,
                 adjustment.time.toTimeZone(QTimeZone::utc()).toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"))),
        this);
    intro->setWordWrap(true);

    m_as = new QComboBox(this);
    m_as->setObjectName(QStringLiteral("classification"));
    m_as->setAccessibleName(tr("What it was"));
    if (adds) {
        m_as->addItem(tr("Deposit (came in from outside)"), static_cast<int>(Classification::Deposit));
        m_as->addItem(tr("Income (staking, interest, airdrop…)"), static_cast<int>(Classification::Income));
        m_as->addItem(tr("Transfer in from another of my accounts"), static_cast<int>(Classification::Transfer));
    } else {
        m_as->addItem(tr("Withdrawal (went out of my accounts)"), static_cast<int>(Classification::Withdrawal));
        m_as->addItem(tr("Transfer out to another of my accounts"), static_cast<int>(Classification::Transfer));
    }
    m_subkind = new QLineEdit(this);
    m_subkind->setObjectName(QStringLiteral("subkind"));
    m_subkind->setAccessibleName(tr("Income type"));
    m_subkind->setPlaceholderText(tr("staking, interest, airdrop…"));
    m_link = new QComboBox(this);
    m_link->setObjectName(QStringLiteral("link"));
    m_link->setAccessibleName(tr("Other leg of the transfer"));
    m_link->addItem(tr("(none: the other side is not in the ledger)"), QVariant::fromValue<qint64>(0));
    for (const auto &row : candidates)
        m_link->addItem(rowText(row), QVariant::fromValue<qint64>(row.tx.id));

    auto *form = new QFormLayout;
    form->addRow(tr("&It was:"), m_as);
    m_subkindLabel = new QLabel(tr("Income &type:"), this);
    m_subkindLabel->setBuddy(m_subkind);
    form->addRow(m_subkindLabel, m_subkind);
    m_linkLabel = new QLabel(tr("&Other leg:"), this);
    m_linkLabel->setBuddy(m_link);
    form->addRow(m_linkLabel, m_link);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(buttons);
    connect(m_as, &QComboBox::currentIndexChanged, this, &ClassifyDialog::asChanged);
    asChanged();
    resize(560, sizeHint().height());
}

void ClassifyDialog::asChanged()
{
    const Classification as = classification();
    m_subkind->setVisible(as == Classification::Income);
    m_subkindLabel->setVisible(as == Classification::Income);
    m_link->setVisible(as == Classification::Transfer);
    m_linkLabel->setVisible(as == Classification::Transfer);
}

Classification ClassifyDialog::classification() const
{
    return static_cast<Classification>(m_as->currentData().toInt());
}

QString ClassifyDialog::subkind() const
{
    return classification() == Classification::Income ? m_subkind->text().trimmed() : QString();
}

qint64 ClassifyDialog::linkId() const
{
    return classification() == Classification::Transfer ? m_link->currentData().toLongLong() : 0;
}

QList<services::TransactionRow> ClassifyDialog::linkCandidates(const domain::Transaction &adjustment,
                                                               const QList<services::TransactionRow> &rows)
{
    const bool adds = adjustment.quantity.isPositive();
    QList<services::TransactionRow> out;
    for (const auto &row : rows) {
        const domain::Transaction &tx = row.tx;
        if (tx.id == adjustment.id || tx.asset != adjustment.asset || tx.linkId != 0)
            continue;
        const bool otherAdds = tx.kind == TransactionKind::TransferIn
            || (tx.kind == TransactionKind::Adjustment && tx.quantity.isPositive());
        const bool otherRemoves = tx.kind == TransactionKind::TransferOut
            || (tx.kind == TransactionKind::Adjustment && tx.quantity.isNegative());
        if (adds ? otherRemoves : otherAdds)
            out.append(row);
    }
    return out;
}

} // namespace ballast::ui
