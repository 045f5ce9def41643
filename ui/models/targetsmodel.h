#pragma once

#include "common/result.h"
#include "domain/band.h"
#include "domain/target.h"
#include "money/decimal.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QStringList>

#include <optional>

class QUndoStack;

namespace ballast::ui {

/// One row of the targets editor as the person typed it: the weight in
/// percent ("40", "12.5") and the band ("5pp", "25%", empty for the
/// portfolio's default band).
struct TargetRow
{
    QString asset;
    QString weight;
    QString band;

    bool operator==(const TargetRow &) const = default;
};

/// The target weights being edited: one row per asset, kept as text so that
/// a mistyped cell stays on screen with its message until it is fixed.
/// Edits made through setData() go onto the undo stack when one is set.
class TargetsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Asset, Weight, Band, Current, ColumnCount };
    /// Unformatted value of a cell (double or QString), for sorting.
    static constexpr int RawValueRole = Qt::UserRole + 1;
    /// The Band column's band in force ("10pp"), as the valuation snapshot
    /// and so the drift bars carry it: the policy's named band, else the
    /// row's own, else the default; empty while the text is not a band.
    static constexpr int BandInForceRole = Qt::UserRole + 2;

    /// What the stored rebalancing policy does to the bands typed here: a
    /// band it names (the rule's own, else its `band`) replaces every band
    /// but an excluded asset's, for the check, the plans and the drift bars.
    struct PolicyBands
    {
        std::optional<domain::Band> named;
        QString origin; ///< where the named band is set, for the tooltip ("the rule threshold:4pp")
        QStringList excluded; ///< never traded and never a reason to rebalance
        bool operator==(const PolicyBands &) const = default;
    };

    /// What the editor holds: whether it can be saved, the sum of the valid
    /// weights in percent, and a message per problem, naming row and column.
    struct Check
    {
        bool valid = true;
        money::Decimal totalPercent;
        QStringList messages;
    };

    explicit TargetsModel(QObject *parent = nullptr);

    /// Edits through setData() become commands on @p stack (none: applied at once).
    void setUndoStack(QUndoStack *stack) { m_undo = stack; }
    /// While a cell editor is open, its keystrokes merge into one undo command.
    void beginEditSession() { m_session = ++m_sessions; }
    void endEditSession() { m_session = 0; }

    /// Rows of the stored targets (weights in percent, exactly).
    static QList<TargetRow> rowsFrom(const QList<domain::Target> &targets);

    [[nodiscard]] const QList<TargetRow> &rows() const { return m_rows; }
    void setRows(const QList<TargetRow> &rows);
    void setCell(int row, int column, const QString &text);
    void insertTarget(int row, const TargetRow &target);
    void removeTarget(int row);
    [[nodiscard]] int rowOf(const QString &asset) const;

    [[nodiscard]] const QString &defaultBand() const { return m_defaultBand; }
    void setDefaultBand(const QString &text);

    /// Weights now held, by asset (the Current column).
    void setCurrentWeights(const QHash<QString, double> &weights);
    /// The policy's bands the Band column shows in place of the typed ones.
    void setPolicyBands(const PolicyBands &bands);
    [[nodiscard]] const PolicyBands &policyBands() const { return m_policy; }

    /// The message for one cell, empty when it is valid.
    [[nodiscard]] QString cellError(int row, int column) const;
    [[nodiscard]] Check check() const;
    /// The targets as fractions, or the first problem.
    [[nodiscard]] Result<QList<domain::Target>> targets() const;
    [[nodiscard]] Result<domain::Band> band() const;

    /// Parses a weight in percent as typed here (locale or '.' decimals, an
    /// optional '%'); 0 to 100, at most 8 decimals.
    static Result<money::Decimal> parsePercent(const QString &text);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
    /// Any change of the rows or the default band (not of current weights).
    void edited();

private:
    [[nodiscard]] QString textOf(const TargetRow &row, int column) const;
    /// The band in force for @p row as text, and whether the policy set it.
    [[nodiscard]] QString bandInForce(const TargetRow &row, bool *fromPolicy = nullptr) const;
    [[nodiscard]] bool isExcluded(const TargetRow &row) const;

    QList<TargetRow> m_rows;
    QString m_defaultBand;
    QHash<QString, double> m_current;
    PolicyBands m_policy;
    QUndoStack *m_undo = nullptr;
    int m_session = 0;
    int m_sessions = 0;
};

} // namespace ballast::ui
