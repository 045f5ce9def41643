#pragma once

#include "backtest/backtestrunner.h"

#include <QAbstractTableModel>
#include <QList>

namespace ballast::ui {

/// The runs of the backtest page, one row each: which to draw (a check box on
/// the run's name) and its metrics side by side. Sweep runs keep metrics only
/// and cannot be drawn.
class BacktestRunsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        Run,
        TotalReturn,
        Cagr,
        Volatility,
        Sharpe,
        Sortino,
        MaxDrawdown,
        Calmar,
        Rebalances,
        Turnover,
        FeesPaid,
        FinalValue,
        Premium,
        TaxPaid, ///< taxed runs only
        FinalValueAfterTax, ///< after the tax a sale of everything at the end would owe
        CagrAfterTax,
        ColumnCount
    };
    /// Unformatted value of a cell (double, int or QString), for sorting and tests.
    static constexpr int RawValueRole = Qt::UserRole + 1;

    explicit BacktestRunsModel(QObject *parent = nullptr);

    void addRuns(const QList<BacktestRun> &runs);
    void removeRuns(QList<int> rows);
    void clear();
    [[nodiscard]] const QList<BacktestRun> &runs() const { return m_runs; }
    [[nodiscard]] const BacktestRun *runAt(int row) const;
    /// The runs whose check box is on (detailed runs only), in row order.
    [[nodiscard]] QList<const BacktestRun *> drawnRuns() const;

    /// Metric value of @p run in @p column (a fraction, a ratio or a count).
    [[nodiscard]] static QVariant rawValue(const BacktestRun &run, int column);
    /// The machine name of @p column, as ballast-cli's JSON spells it.
    [[nodiscard]] static QString key(int column);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
    /// The set of drawn runs changed (a check box, a removal, new runs).
    void drawnChanged();

private:
    QList<BacktestRun> m_runs;
};

} // namespace ballast::ui
