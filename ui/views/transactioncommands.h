#pragma once

#include "common/result.h"
#include "domain/transaction.h"
#include "services/transactionservice.h"

#include <QList>
#include <QUndoCommand>

#include <functional>

namespace ballast::ui {

class AppContext;

/// What the transaction commands need: the ledger (through the context,
/// told of every change) and where to say that a step failed.
struct TransactionCommandHost
{
    AppContext *context = nullptr;
    std::function<void(const Error &)> failed;
};

/// The base of the transactions page's undo commands. A step the ledger
/// refuses (a holding would go below zero, the row is gone) changes nothing,
/// is reported through the host and makes the command obsolete, so the
/// stack drops it instead of holding a step that cannot be replayed.
class TransactionCommand : public QUndoCommand
{
public:
    explicit TransactionCommand(TransactionCommandHost host);
    void undo() final;
    void redo() final;
    /// False when the last step was refused.
    [[nodiscard]] bool succeeded() const { return m_ok; }

protected:
    virtual Status apply() = 0;
    virtual Status revert() = 0;
    [[nodiscard]] services::TransactionService service() const;

private:
    void finish(const Status &status);

    TransactionCommandHost m_host;
    bool m_ok = true;
};

/// Adds a transaction; undo deletes it, redo restores the same row.
class AddTransactionCommand : public TransactionCommand
{
public:
    AddTransactionCommand(TransactionCommandHost host, domain::Transaction tx);
    [[nodiscard]] qint64 transactionId() const { return m_tx.id; }

protected:
    Status apply() override;
    Status revert() override;

private:
    domain::Transaction m_tx;
};

/// Adds both legs of a transfer; undo deletes both, redo restores both.
class AddTransferCommand : public TransactionCommand
{
public:
    AddTransferCommand(TransactionCommandHost host, services::TransferRequest request);
    /// The ids of the out and in legs once added.
    [[nodiscard]] QList<qint64> ids() const { return m_ids; }

protected:
    Status apply() override;
    Status revert() override;

private:
    services::TransferRequest m_request;
    QList<qint64> m_ids;
};

/// Replaces a transaction; undo puts the earlier version back.
class EditTransactionCommand : public TransactionCommand
{
public:
    EditTransactionCommand(TransactionCommandHost host, domain::Transaction before, domain::Transaction after);

protected:
    Status apply() override;
    Status revert() override;

private:
    domain::Transaction m_before;
    domain::Transaction m_after;
};

/// Deletes a transaction (a transfer: both legs); undo restores them.
class DeleteTransactionCommand : public TransactionCommand
{
public:
    DeleteTransactionCommand(TransactionCommandHost host, const domain::Transaction &tx);

protected:
    Status apply() override;
    Status revert() override;

private:
    qint64 m_id;
};

/// Classifies an unexplained adjustment (and the leg it links to); undo puts
/// both back as they were.
class ClassifyTransactionCommand : public TransactionCommand
{
public:
    ClassifyTransactionCommand(TransactionCommandHost host, domain::Transaction before,
                               std::optional<domain::Transaction> linkBefore, services::Classification as,
                               QString subkind);

protected:
    Status apply() override;
    Status revert() override;

private:
    domain::Transaction m_before;
    std::optional<domain::Transaction> m_linkBefore;
    services::Classification m_as;
    QString m_subkind;
};

} // namespace ballast::ui
