#include "views/transactioncommands.h"

#include "appcontext.h"
#include "models/decimaltext.h"

#include <QCoreApplication>

namespace ballast::ui {

namespace {

/// The translation context of this file's texts.
struct TransactionCommands
{
    Q_DECLARE_TR_FUNCTIONS(ballast::ui::TransactionCommands)
};

QString describe(const domain::Transaction &tx)
{
    return QStringLiteral("%1 %2 %3").arg(domain::kindName(tx.kind), decimalText(tx.quantity), tx.asset);
}

} // namespace

TransactionCommand::TransactionCommand(TransactionCommandHost host)
    : m_host(std::move(host))
{
}

services::TransactionService TransactionCommand::service() const
{
    return services::TransactionService(m_host.context->db(), m_host.context->clock());
}

void TransactionCommand::redo()
{
    finish(apply());
}

void TransactionCommand::undo()
{
    finish(revert());
}

void TransactionCommand::finish(const Status &status)
{
    m_ok = static_cast<bool>(status);
    if (!m_ok) {
        setObsolete(true);
        if (m_host.failed)
            m_host.failed(status.error());
        return;
    }
    m_host.context->notifyLedgerChanged();
}

AddTransactionCommand::AddTransactionCommand(TransactionCommandHost host, domain::Transaction tx)
    : TransactionCommand(std::move(host))
    , m_tx(std::move(tx))
{
    setText(TransactionCommands::tr("Add %1").arg(describe(m_tx)));
}

Status AddTransactionCommand::apply()
{
    if (m_tx.id != 0) { // a redo: the row undo deleted comes back with its id
        auto restored = service().restore(m_tx.id);
        return restored ? Status() : Status(restored.error());
    }
    auto added = service().add(m_tx);
    if (!added)
        return added.error();
    m_tx.id = added->id;
    return {};
}

Status AddTransactionCommand::revert()
{
    auto removed = service().remove(m_tx.id);
    return removed ? Status() : Status(removed.error());
}

AddTransferCommand::AddTransferCommand(TransactionCommandHost host, services::TransferRequest request)
    : TransactionCommand(std::move(host))
    , m_request(std::move(request))
{
    setText(TransactionCommands::tr("Transfer %1 %2").arg(decimalText(m_request.quantity), m_request.asset));
}

Status AddTransferCommand::apply()
{
    if (!m_ids.isEmpty()) {
        auto restored = service().restore(m_ids.first());
        return restored ? Status() : Status(restored.error());
    }
    auto added = service().addTransfer(m_request);
    if (!added)
        return added.error();
    for (const auto &leg : *added)
        m_ids.append(leg.id);
    return {};
}

Status AddTransferCommand::revert()
{
    auto removed = service().remove(m_ids.value(0));
    return removed ? Status() : Status(removed.error());
}

EditTransactionCommand::EditTransactionCommand(TransactionCommandHost host, domain::Transaction before,
                                               domain::Transaction after)
    : TransactionCommand(std::move(host))
    , m_before(std::move(before))
    , m_after(std::move(after))
{
    setText(TransactionCommands::tr("Edit #%1").arg(m_after.id));
}

Status EditTransactionCommand::apply()
{
    auto edited = service().edit(m_after);
    return edited ? Status() : Status(edited.error());
}

Status EditTransactionCommand::revert()
{
    auto edited = service().edit(m_before);
    return edited ? Status() : Status(edited.error());
}

DeleteTransactionCommand::DeleteTransactionCommand(TransactionCommandHost host, const domain::Transaction &tx)
    : TransactionCommand(std::move(host))
    , m_id(tx.id)
{
    setText(TransactionCommands::tr("Delete #%1 (%2)").arg(QString::number(tx.id), describe(tx)));
}

Status DeleteTransactionCommand::apply()
{
    auto removed = service().remove(m_id);
    return removed ? Status() : Status(removed.error());
}

Status DeleteTransactionCommand::revert()
{
    auto restored = service().restore(m_id);
    return restored ? Status() : Status(restored.error());
}

ClassifyTransactionCommand::ClassifyTransactionCommand(TransactionCommandHost host, domain::Transaction before,
                                                       std::optional<domain::Transaction> linkBefore,
                                                       services::Classification as, QString subkind)
    : TransactionCommand(std::move(host))
    , m_before(std::move(before))
    , m_linkBefore(std::move(linkBefore))
    , m_as(as)
    , m_subkind(std::move(subkind))
{
    setText(TransactionCommands::tr("Classify #%1").arg(m_before.id));
}

Status ClassifyTransactionCommand::apply()
{
    auto classified = service().classify(m_before.id, m_as, m_subkind, m_linkBefore ? m_linkBefore->id : 0);
    return classified ? Status() : Status(classified.error());
}

Status ClassifyTransactionCommand::revert()
{
    // Classifying moves no holding, so each row goes back on its own.
    services::TransactionService transactions = service();
    if (auto edited = transactions.edit(m_before); !edited)
        return edited.error();
    if (m_linkBefore) {
        if (auto edited = transactions.edit(*m_linkBefore); !edited)
            return edited.error();
    }
    return {};
}

} // namespace ballast::ui
