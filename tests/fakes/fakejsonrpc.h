#pragma once

#include <QAbstractHttpServer>
#include <QByteArray>
#include <QJsonValue>
#include <QStringList>
#include <QUrl>

QT_BEGIN_NAMESPACE
class QTcpServer;
QT_END_NAMESPACE

namespace ballast::test::fake {

/// The JSON-RPC 2.0 over HTTP part that EVM nodes and Solana validators share,
/// on loopback: `POST /rpc/test-key` with application/json, one request
/// object or a batch (a JSON array, answered as an array, in order or
/// reversed), and the refusals real endpoints give:
///
/// - -32700 parse error (id null) for a body that is not JSON;
/// - -32600 invalid request for an empty batch or an entry that is not a
///   request object;
/// - HTTP 415 for another content type (as geth answers);
/// - HTTP 429 with a JSON-RPC error body and `Retry-After` once more than the
///   set number of HTTP requests arrived (setRequestLimit), as public providers do;
/// - no answer at all (setSilent), as a node that hangs.
///
/// Subclasses answer the methods (dispatch); an unknown method is theirs to
/// refuse with -32601.
class FakeJsonRpc : public QAbstractHttpServer
{
    Q_OBJECT

public:
    /// What a method answers: a result, or a JSON-RPC error when errorCode is not 0.
    struct Reply
    {
        QJsonValue result;
        int errorCode = 0;
        QString errorMessage;

        static Reply ok(const QJsonValue &value) { return {value, 0, QString()}; }
        static Reply error(int code, const QString &message) { return {QJsonValue(), code, message}; }
    };

    explicit FakeJsonRpc(QObject *parent = nullptr);
    bool listenLocal(quint16 port = 0);
    [[nodiscard]] quint16 port() const;
    /// http://127.0.0.1:PORT/rpc/test-key: the path stands for a provider's API key.
    [[nodiscard]] QUrl url() const;

    /// From now on, @p requests more are answered and every further one gets HTTP 429 (0: no limit).
    void setRequestLimit(int requests)
    {
        m_limit = requests;
        m_answered = 0;
    }
    /// Read requests and never answer them (a node that hangs): the client's
    /// own timeout is what ends the wait.
    void setSilent(bool silent) { m_silent = silent; }
    /// Batch answers in reverse order of the requests (JSON-RPC allows any order).
    void setReverseBatches(bool reverse) { m_reverse = reverse; }
    /// The next HTTP request is answered with this body (200, application/json), whatever it asked.
    void setNextBody(const QByteArray &body) { m_nextBody = body; }
    /// Methods asked, in order (a batch adds each of its calls).
    [[nodiscard]] const QStringList &methods() const { return m_methods; }
    /// HTTP requests received.
    [[nodiscard]] int httpRequests() const { return m_httpRequests; }

protected:
    virtual Reply dispatch(const QString &method, const QJsonArray &params) = 0;
    /// The JSON-RPC code a 429 body carries (-32005 for EVM providers, 429 for Solana's).
    [[nodiscard]] virtual int rateLimitCode() const { return -32005; }

    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    QJsonValue answer(const QJsonValue &request);

    QTcpServer *m_server = nullptr;
    QStringList m_methods;
    QByteArray m_nextBody;
    int m_limit = 0;
    int m_answered = 0;
    int m_httpRequests = 0;
    bool m_reverse = false;
    bool m_silent = false;
};

} // namespace ballast::test::fake
