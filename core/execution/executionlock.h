#pragma once

#include "common/result.h"

#include <QString>
#include <QStringList>

namespace ballast::execution {

/// The OS lock that makes an execution the only one: an exclusive flock() on
/// a file beside the database ("<database>.execution.lock", beside the file
/// its path leads to), one on a file named by the database file's device and
/// inode in the per-user lock folder (so that every path to the ledger, links
/// included, meets the same locks), and one per real exchange account (by its
/// identity, in the same folder), so that two processes or two threads, even
/// on two copies of a database, never send orders for the same database or
/// the same exchange account at once.
///
/// flock() belongs to the open file, not to the process, so two threads of
/// one process exclude each other too; the kernel drops the lock when the
/// process dies, so a claim left by a crashed process is free again and the
/// next execution takes it over (after reconciling what it left).
class ExecutionLock
{
public:
    ExecutionLock() = default;
    ~ExecutionLock();
    ExecutionLock(const ExecutionLock &) = delete;
    ExecutionLock &operator=(const ExecutionLock &) = delete;
    ExecutionLock(ExecutionLock &&other) noexcept;
    ExecutionLock &operator=(ExecutionLock &&other) noexcept;

    /// Takes the database's lock and the locks of @p accountKeys (stable
    /// identities of exchange accounts, e.g. "binance https://api.binance.com
    /// KEY"), all or none, without waiting. The error says what holds it.
    static Result<ExecutionLock> acquire(const QString &databasePath, const QStringList &accountKeys = {});

    /// The folder of the per-account lock files: BALLAST_LOCK_DIR when set,
    /// else the user's cache folder.
    static QString lockFolder();

    [[nodiscard]] bool held() const { return !m_fds.isEmpty(); }
    void release();

private:
    QList<int> m_fds;
};

} // namespace ballast::execution
