// The keychain module (libballast_keychain.so): QtKeychain's jobs behind the
// plain calls of keychainmodule.h. Built only where QtKeychain is found, and
// loaded by a process only when it first asks the keychain.
#include "security/keychainmodule.h"

#include <QEventLoop>
#include <QTimer>
#include <qt6keychain/keychain.h>

namespace {

using ballast::security::keychain::Answer;
using ballast::security::keychain::Calls;
using ballast::security::keychain::Reply;

Answer answerOf(QKeychain::Error error)
{
    switch (error) {
    case QKeychain::NoError:
        return Answer::Done;
    case QKeychain::EntryNotFound:
        return Answer::NotFound;
    case QKeychain::NoBackendAvailable:
        return Answer::NoBackend;
    default:
        return Answer::Failed;
    }
}

/// Runs @p job to completion or timeout on the calling thread.
Reply runJob(QKeychain::Job *job, const QString &key, int timeoutMs)
{
    Reply reply;
    job->setKey(key);
    job->setInsecureFallback(false); // never a plain-text file instead
    QEventLoop loop;
    // The loop is the connection's context: once we stop waiting the lambda is
    // disconnected, and the job (auto-delete) frees itself whenever it ends.
    QObject::connect(job, &QKeychain::Job::finished, &loop, [&reply, &loop](QKeychain::Job *done) {
        reply.answer = answerOf(done->error());
        if (reply.answer == Answer::Failed || reply.answer == Answer::NoBackend)
            reply.why = done->errorString();
        if (auto *read = qobject_cast<QKeychain::ReadPasswordJob *>(done))
            reply.data = read->binaryData();
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    job->setAutoDelete(true);
    job->start();
    if (reply.answer == Answer::NoAnswer)
        loop.exec(QEventLoop::ExcludeUserInputEvents); // no re-entrant clicks while we wait
    return reply;
}

Reply readEntry(const QString &service, const QString &key, int timeoutMs)
{
    return runJob(new QKeychain::ReadPasswordJob(service), key, timeoutMs);
}

Reply writeEntry(const QString &service, const QString &key, const QByteArray &data, int timeoutMs)
{
    auto *job = new QKeychain::WritePasswordJob(service);
    job->setBinaryData(data);
    return runJob(job, key, timeoutMs);
}

Reply removeEntry(const QString &service, const QString &key, int timeoutMs)
{
    return runJob(new QKeychain::DeletePasswordJob(service), key, timeoutMs);
}

constexpr Calls kCalls{ballast::security::keychain::kCallsVersion, &readEntry, &writeEntry, &removeEntry};

} // namespace

extern "C" Q_DECL_EXPORT const Calls *ballast_keychain_calls()
{
    return &kCalls;
}
