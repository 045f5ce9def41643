#pragma once

// Running the real ballast-cli from a test: the one runner the CLI
// integration tests share.

#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

// ThreadSanitizer's runtime in clang 14 aborts in the child of the
// vfork-style clone that QProcess uses on Linux ("CHECK failed:
// tsan_rtl.cpp:234 ... ForkAfter"), before the program runs; Qt 6.4 offers no
// way to make QProcess fork() instead. Under ThreadSanitizer a test case that
// starts a process is therefore skipped, saying why; every other build
// (the CI's AddressSanitizer one included) runs it.
#if defined(__SANITIZE_THREAD__)
#define BALLAST_UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define BALLAST_UNDER_TSAN 1
#endif
#endif
#ifdef BALLAST_UNDER_TSAN
#define BALLAST_SKIP_CHILD_PROCESS_UNDER_TSAN()                                                                        \
    QSKIP("starts a process: ThreadSanitizer's runtime (clang 14) aborts in QProcess's vfork child")
#else
#define BALLAST_SKIP_CHILD_PROCESS_UNDER_TSAN()                                                                        \
    do {                                                                                                               \
    } while (false)
#endif

namespace ballast::test {

/// What one ballast-cli run printed and returned.
struct CliRun
{
    int exitCode = -1;
    QString out;
    QString err;
    [[nodiscard]] QJsonObject json() const { return QJsonDocument::fromJson(out.toUtf8()).object(); }
};

/// "a b  c" -> {"a", "b", "c"}.
inline QStringList words(const char *text)
{
    return QString::fromUtf8(text).split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

/// Runs the ballast-cli that ctest names in BALLAST_CLI with `--db @p db`
/// (none when @p db is empty) and @p arguments, BALLAST_NOW set to @p now
/// (unless empty), BALLAST_DB removed, @p extra variables added, @p input on
/// stdin; waits for it to end (fatal after 120 s).
inline CliRun runCli(const QString &db, const QStringList &arguments, const QString &now = {},
                     const QProcessEnvironment &extra = {}, const QByteArray &input = {})
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!now.isEmpty())
        env.insert(QStringLiteral("BALLAST_NOW"), now);
    env.remove(QStringLiteral("BALLAST_DB"));
    // backtest and sweep keep parsed price files in the cache directory:
    // beside the test's database, never in the user's own.
    if (!db.isEmpty())
        env.insert(QStringLiteral("XDG_CACHE_HOME"), QFileInfo(db).absolutePath() + QStringLiteral("/cache"));
    for (const QString &name : extra.keys())
        env.insert(name, extra.value(name));
    process.setProcessEnvironment(env);
    process.start(qEnvironmentVariable("BALLAST_CLI"),
                  (db.isEmpty() ? QStringList() : QStringList{QStringLiteral("--db"), db}) + arguments);
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(120000))
        qFatal("ballast-cli did not finish");
    return CliRun{process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
                  QString::fromUtf8(process.readAllStandardOutput()),
                  QString::fromUtf8(process.readAllStandardError())};
}

} // namespace ballast::test
