#pragma once

#include "io/planjson.h"
#include "rebalance/rebalanceplan.h"
#include "services/planbasis.h"
#include "storage/database.h"
#include "storage/planrepo.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace ballast::test {

/// A fresh database file in its own temporary folder.
class TempDatabase
{
public:
    TempDatabase()
    {
        auto opened = storage::Database::open(path());
        if (!opened)
            qFatal("cannot open test database: %s", qPrintable(opened.error().message));
        m_db = std::move(*opened);
    }
    [[nodiscard]] QString path() const { return m_dir.filePath(QStringLiteral("test.sqlite")); }
    [[nodiscard]] QString dir() const { return m_dir.path(); }
    storage::Database &db() { return *m_db; }
    void close() { m_db.reset(); }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<storage::Database> m_db;
};

/// A digest of every row of every table, to prove a refused command changed nothing.
inline QByteArray contentDigest(storage::Database &db)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    storage::Statement tables(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    QStringList names;
    while (tables.step())
        names << tables.text(0);
    for (const QString &name : names) {
        const QByteArray sql = QByteArray("SELECT * FROM \"") + name.toUtf8() + QByteArray("\" ORDER BY 1, 2");
        storage::Statement rows(db, sql.constData());
        hash.addData(name.toUtf8());
        while (rows.step()) {
            for (int column = 0; column < rows.columnCount(); ++column)
                hash.addData(QByteArray(rows.text(column).toUtf8() + '\x1f'));
            hash.addData(QByteArrayView("\x1e"));
        }
    }
    return hash.result().toHex();
}

/// Stores a plan built by a test (not by the planner) as a proposal of
/// portfolio @p portfolioId, made from the ledger as it is now.
inline Status storePlan(storage::Database &db, qint64 portfolioId, const rebalance::RebalancePlan &plan)
{
    auto basis = services::PlanBasis::capture(db, portfolioId);
    if (!basis)
        return basis.error();
    storage::StoredPlan stored;
    stored.id = plan.id;
    stored.portfolioId = portfolioId;
    stored.createdAt = plan.createdAt;
    stored.mode = plan.mode.toString();
    stored.body = QJsonDocument(io::PlanJson::toJson(plan)).toJson(QJsonDocument::Compact);
    stored.basis = basis->toJson();
    return storage::PlanRepo(db).insert(stored);
}

} // namespace ballast::test
