#pragma once

#include "services/transactionservice.h"

#include <QDialog>
#include <QList>

class QComboBox;
class QLabel;
class QLineEdit;

namespace ballast::ui {

/// Says what an unexplained adjustment was: a deposit or income (when it
/// added), a withdrawal (when it removed), or a transfer leg, optionally
/// linked to the other leg among @p candidates (moves of the same asset in
/// the other direction).
class ClassifyDialog : public QDialog
{
    Q_OBJECT

public:
    ClassifyDialog(const domain::Transaction &adjustment, const QList<services::TransactionRow> &candidates,
                   QWidget *parent = nullptr);

    [[nodiscard]] services::Classification classification() const;
    [[nodiscard]] QString subkind() const;
    /// The other leg of a transfer; 0 when none was chosen.
    [[nodiscard]] qint64 linkId() const;

    /// The rows that can be the other leg of @p adjustment among @p rows.
    [[nodiscard]] static QList<services::TransactionRow> linkCandidates(const domain::Transaction &adjustment,
                                                                        const QList<services::TransactionRow> &rows);

private:
    void asChanged();

    QComboBox *m_as = nullptr;
    QLineEdit *m_subkind = nullptr;
    QLabel *m_subkindLabel = nullptr;
    QComboBox *m_link = nullptr;
    QLabel *m_linkLabel = nullptr;
};

} // namespace ballast::ui
