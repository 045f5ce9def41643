#pragma once

#include "rebalance/snapshot.h"
#include "services/performanceservice.h"

#include <QAbstractItemModel>
#include <QHash>

#include <optional>

namespace ballast::ui {

/// The positions of a snapshot as a tree: one row per asset, with its
/// holdings by account and network as children. With the open lots of the
/// cost-basis engine it also shows each row's cost basis and unrealized P&L
/// (the lots of the asset, or of the asset on that account and network).
class HoldingsTreeModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column {
        Name,
        Network,
        Quantity,
        Price,
        Value,
        CostBasis,
        Unrealized,
        UnrealizedPercent,
        Weight,
        Target,
        Drift,
        ColumnCount
    };
    /// Unformatted value of a cell (double or QString), for sorting.
    static constexpr int RawValueRole = Qt::UserRole + 1;
    /// The text the search field matches: the asset on asset rows, the
    /// account and network on holding rows.
    static constexpr int SearchRole = Qt::UserRole + 2;

    explicit HoldingsTreeModel(QObject *parent = nullptr);

    void setSnapshot(const rebalance::Snapshot &snapshot);
    [[nodiscard]] const rebalance::Snapshot &snapshot() const { return m_snapshot; }

    /// The cost basis and unrealized P&L of a row: the sums over its open lots.
    struct Pnl
    {
        money::Decimal quantity;
        money::Decimal cost;
        money::Decimal value;
        money::Decimal unrealized;
        bool priced = true; ///< false when the asset has no price (value and P&L unknown)
        bool basisUnknown = false; ///< some lot arrived without a known value
    };
    /// Shows the cost-basis columns from @p report (every asset's lots).
    void setLots(const services::LotsReport &report);
    /// Empties the cost-basis columns (not computed yet, or failed).
    void clearLots();
    [[nodiscard]] const std::optional<services::LotsReport> &lots() const { return m_lots; }
    /// The P&L of an asset row, or of the holding of @p asset on
    /// @p accountId and @p network; none without lots.
    [[nodiscard]] std::optional<Pnl> assetPnl(const QString &asset) const;
    [[nodiscard]] std::optional<Pnl> holdingPnl(qint64 accountId, const QString &network, const QString &asset) const;

    /// The asset of an asset row or of a holding row's parent.
    [[nodiscard]] QString assetAt(const QModelIndex &index) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant positionData(const rebalance::AssetPosition &position, int column, int role) const;
    QVariant holdingData(const rebalance::AssetPosition &position, const domain::Holding &holding, int column,
                         int role) const;

    static bool isPnlColumn(int column)
    {
        return column == CostBasis || column == Unrealized || column == UnrealizedPercent;
    }
    QVariant pnlData(const std::optional<Pnl> &pnl, int column, int role) const;
    static QString holdingKey(qint64 accountId, const QString &network, const QString &asset);

    rebalance::Snapshot m_snapshot;
    QHash<QString, int> m_networkCounts; ///< asset -> the networks it is held on (counted per reset)
    std::optional<services::LotsReport> m_lots;
    QHash<QString, Pnl> m_byAsset;
    QHash<QString, Pnl> m_byHolding; ///< holdingKey -> sums
};

} // namespace ballast::ui
