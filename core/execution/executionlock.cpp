#include "execution/executionlock.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ballast::execution {

namespace {

/// Opens @p path (created with mode 0600) and takes an exclusive flock without
/// waiting: the descriptor, -1 when another holder has it, -2 on an error.
int lockFile(const QString &path, QString &error)
{
    const QByteArray name = QFile::encodeName(path);
    const int fd = ::open(name.constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        error =
            QStringLiteral("cannot open the lock file %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)));
        return -2;
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int code = errno;
        ::close(fd);
        if (code == EWOULDBLOCK)
            return -1;
        error = QStringLiteral("cannot lock %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(code)));
        return -2;
    }
    return fd;
}

} // namespace

ExecutionLock::~ExecutionLock()
{
    release();
}

ExecutionLock::ExecutionLock(ExecutionLock &&other) noexcept
    : m_fds(std::move(other.m_fds))
{
    other.m_fds.clear();
}

ExecutionLock &ExecutionLock::operator=(ExecutionLock &&other) noexcept
{
    if (this != &other) {
        release();
        m_fds = std::move(other.m_fds);
        other.m_fds.clear();
    }
    return *this;
}

void ExecutionLock::release()
{
    for (const int fd : std::as_const(m_fds)) {
        ::flock(fd, LOCK_UN);
        ::close(fd);
    }
    m_fds.clear();
}

QString ExecutionLock::lockFolder()
{
    QString configured = qEnvironmentVariable("BALLAST_LOCK_DIR");
    if (!configured.isEmpty())
        return configured;
    return QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) + QStringLiteral("/ballast/locks");
}

Result<ExecutionLock> ExecutionLock::acquire(const QString &databasePath, const QStringList &accountKeys)
{
    ExecutionLock lock;
    QString error;
    // The ledger's locks name the file, not the way to it: two executions of
    // one ledger opened through a symbolic link and its target took two lock
    // files and sent every order twice. The first lock lies beside the file
    // the links lead to; the second, in the lock folder, names the file by its
    // device and inode, which a second hard link shares as well.
    const QFileInfo info(databasePath);
    const QString real = info.canonicalFilePath();
    QStringList databaseLocks{(real.isEmpty() ? info.absoluteFilePath() : real) + QStringLiteral(".execution.lock")};
    const QString folder = lockFolder();
    struct stat status
    {};
    if (::stat(QFile::encodeName(databasePath).constData(), &status) == 0) {
        databaseLocks.append(folder
                             + QStringLiteral("/ledger-%1-%2.lock")
                                   .arg(static_cast<quint64>(status.st_dev))
                                   .arg(static_cast<quint64>(status.st_ino)));
    }
    if ((databaseLocks.size() > 1 || !accountKeys.isEmpty()) && !QDir().mkpath(folder))
        return makeError(QStringLiteral("execution.lock"),
                         QStringLiteral("cannot create the lock folder %1").arg(folder));
    for (const QString &path : std::as_const(databaseLocks)) {
        const int fd = lockFile(path, error);
        if (fd == -1) {
            return makeError(QStringLiteral("execution.busy"),
                             QStringLiteral("another execution is running on %1 (in this or another process)")
                                 .arg(QDir::toNativeSeparators(databasePath)));
        }
        if (fd < 0)
            return makeError(QStringLiteral("execution.lock"), error);
        lock.m_fds.append(fd);
    }
    if (accountKeys.isEmpty())
        return lock;
    QStringList keys = accountKeys;
    keys.sort(); // one order for every process: no two wait on each other
    keys.removeDuplicates();
    for (const QString &key : std::as_const(keys)) {
        const QByteArray digest = QCryptographicHash::hash(key.toUtf8(), QCryptographicHash::Sha256).toHex().left(32);
        const QString path =
            folder + QStringLiteral("/account-") + QString::fromLatin1(digest) + QStringLiteral(".lock");
        const int accountFd = lockFile(path, error);
        if (accountFd == -1) {
            const QString shown = key.section(QLatin1Char(' '), 0, 1);
            return makeError(
                QStringLiteral("execution.busy"),
                QStringLiteral("another execution is trading on the same exchange account (%1)").arg(shown));
        }
        if (accountFd < 0)
            return makeError(QStringLiteral("execution.lock"), error);
        lock.m_fds.append(accountFd);
    }
    return lock;
}

} // namespace ballast::execution
