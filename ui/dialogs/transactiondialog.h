#pragma once

#include "common/result.h"
#include "domain/account.h"
#include "domain/transaction.h"
#include "services/transactionservice.h"

#include <QDialog>
#include <QHash>
#include <QList>

#include <functional>
#include <optional>

class QComboBox;
class QDateTimeEdit;
class QFormLayout;
class QLabel;
class QLineEdit;

namespace ballast::ui {

/// Adds or edits one transaction: every kind, a trade with base, quote,
/// quantity, price and fee, or (when adding) a transfer between accounts or
/// networks, stored as its two legs. OK hands the entry to a submit function
/// (the page pushes an undo command); what is refused, by the dialog's own
/// checks or by the ledger, is shown next to the field it concerns and the
/// dialog stays open.
class TransactionDialog : public QDialog
{
    Q_OBJECT

public:
    /// What the person entered: one transaction, or a transfer (add only).
    struct Entry
    {
        std::optional<domain::Transaction> transaction;
        std::optional<services::TransferRequest> transfer;
    };
    using Submit = std::function<Status(const Entry &entry)>;

    /// A dialog to add a transaction at @p now (ms) to one of @p accounts.
    TransactionDialog(QList<domain::Account> accounts, qint64 now, QWidget *parent = nullptr);
    ~TransactionDialog() override;
    TransactionDialog(const TransactionDialog &) = delete;
    TransactionDialog &operator=(const TransactionDialog &) = delete;

    /// Turns the dialog into an editor of @p tx (its id, source and link kept).
    void setTransaction(const domain::Transaction &tx);
    void setSubmit(Submit submit) { m_submit = std::move(submit); }

    /// The entry as typed; the fields that cannot be read get their error
    /// shown and none is returned.
    [[nodiscard]] std::optional<Entry> entry();
    /// The error shown beside @p field ("quantity", "fee asset", ...); empty when none.
    [[nodiscard]] QString fieldError(const QString &field) const;
    /// An error that concerns no single field (e.g. a holding below zero).
    [[nodiscard]] QString generalError() const;

public slots:
    void accept() override;

private:
    void kindChanged();
    void clearErrors();
    /// Shows @p error beside the field its message starts with, else below the form.
    void showError(const Error &error);
    void setFieldError(const QString &field, const QString &message);
    QWidget *withError(const QString &field, QWidget *editor);
    [[nodiscard]] QString kindKey() const;
    std::optional<money::Decimal> decimalField(const QString &field, QLineEdit *edit, bool optional);

    QList<domain::Account> m_accounts;
    std::optional<domain::Transaction> m_editing;
    Submit m_submit;
    QFormLayout *m_form = nullptr;
    QComboBox *m_kind = nullptr;
    QDateTimeEdit *m_time = nullptr;
    QComboBox *m_account = nullptr;
    QLineEdit *m_network = nullptr;
    QComboBox *m_side = nullptr;
    QLineEdit *m_asset = nullptr;
    QLineEdit *m_quote = nullptr;
    QLineEdit *m_quantity = nullptr;
    QLineEdit *m_price = nullptr;
    QLineEdit *m_fee = nullptr;
    QLineEdit *m_feeAsset = nullptr;
    QLineEdit *m_subkind = nullptr;
    QComboBox *m_toAccount = nullptr;
    QLineEdit *m_toNetwork = nullptr;
    QLineEdit *m_externalId = nullptr;
    QLineEdit *m_note = nullptr;
    QHash<QString, QLabel *> m_errors; ///< field name -> its error label
    QHash<QString, QWidget *> m_rows; ///< field name -> the row shown or hidden by kind
    QLabel *m_general = nullptr;
};

} // namespace ballast::ui
