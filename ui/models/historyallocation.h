#pragma once

#include "allocation/allocationmodel.h"
#include "common/result.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace ballast::storage {
class Database;
}

namespace ballast::ui {

/// What "Start from model" asks for: weights for @p assets from one of the
/// allocation models, estimated on their stored daily closes in @p quote.
struct HistoryAllocationRequest
{
    allocation::Model model = allocation::Model::Equal;
    QStringList assets;
    QString quote;
    int windowDays = 365; ///< history used, counted back from @p nowMs
    qint64 nowMs = 0;
};

/// Weights from the stored price history, by the same core path as
/// `ballast-cli allocate` (aligned daily closes, AllocationModel, simple
/// returns annualised by bar spacing). Reads the database only; runs on a
/// worker thread with its own connection.
class HistoryAllocation
{
public:
    HistoryAllocation() = delete;

    /// The models offered, in menu order, with their names for a person.
    static QList<std::pair<allocation::Model, QString>> models();

    /// Weights in the order of request.assets (fractions summing to 1).
    static Result<QList<double>> compute(storage::Database &db, const HistoryAllocationRequest &request);
    /// Opens its own connection to @p databasePath (for worker threads).
    static Result<QList<double>> compute(const QString &databasePath, const HistoryAllocationRequest &request);
};

} // namespace ballast::ui
