#pragma once

#include "io/planjson.h"
#include "rebalance/rebalanceplan.h"
#include "services/planbasis.h"
#include "storage/database.h"
#include "storage/planrepo.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonDocument>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace ballast::test {

/// A fresh database file in its own temporary folder.
///
/// By default a copy of a template that the first TempDatabase of the process
/// created and migrated (on any thread; the copy is opened, so Database::open
/// still checks it). Creating a database runs every migration, each a
/// synchronous commit: 0.1-0.3 s of waiting for the disk, paid once per process
/// instead of once per test function or per case (the fault matrix has 520).
/// The template has no database identity, so each copy gets its own at its
/// first open, as a new file does (Database::databaseId). A test of creating a
/// database itself (tst_database) asks for FromScratch.
class TempDatabase
{
public:
    /// Tag of the constructor that creates and migrates a new file, as a first start does.
    struct FromScratch
    {};

    TempDatabase()
    {
        if (!m_dir.isValid())
            qFatal("cannot create a temporary folder: %s", qPrintable(m_dir.errorString()));
        const QString source = templatePath();
        if (!QFile::copy(source, path()))
            qFatal("cannot copy the template database %s to %s", qPrintable(source), qPrintable(path()));
        auto opened = storage::Database::open(path(), storage::Database::Mode::ReadWriteExisting);
        if (!opened)
            qFatal("cannot open test database: %s", qPrintable(opened.error().message));
        m_db = std::move(*opened);
    }

    explicit TempDatabase(FromScratch)
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
    /// Created once per process (a function-local static: thread-safe) and
    /// closed before it is copied, so that nothing of it is left in a WAL file.
    static QString templatePath()
    {
        static const QString path = [] {
            static QTemporaryDir folder; // removed when the process ends
            const QString file = folder.filePath(QStringLiteral("template.sqlite"));
            {
                auto created = storage::Database::open(file);
                if (!folder.isValid() || !created)
                    qFatal("cannot create the template database %s", qPrintable(file));
                (*created)->exec("DELETE FROM meta WHERE key = 'database_id'");
            }
            if (QFile::exists(file + QStringLiteral("-wal")))
                qFatal("the template database %s left a WAL file", qPrintable(file));
            return file;
        }();
        return path;
    }

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
