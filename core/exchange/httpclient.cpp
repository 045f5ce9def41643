#include "exchange/httpclient.h"

#include "common/canceltoken.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QTcpSocket>
#include <QTimer>

#if QT_CONFIG(ssl)
#include <QSslSocket>
#endif

namespace ballast::exchange {

namespace {

QNetworkReply::NetworkError networkErrorOf(QAbstractSocket::SocketError error)
{
    switch (error) {
    case QAbstractSocket::ConnectionRefusedError:
        return QNetworkReply::ConnectionRefusedError;
    case QAbstractSocket::HostNotFoundError:
        return QNetworkReply::HostNotFoundError;
    case QAbstractSocket::RemoteHostClosedError:
        return QNetworkReply::RemoteHostClosedError;
    case QAbstractSocket::SocketTimeoutError:
        return QNetworkReply::TimeoutError;
    case QAbstractSocket::SslHandshakeFailedError:
        return QNetworkReply::SslHandshakeFailedError;
    case QAbstractSocket::ProxyConnectionRefusedError:
    case QAbstractSocket::ProxyConnectionClosedError:
    case QAbstractSocket::ProxyNotFoundError:
    case QAbstractSocket::ProxyProtocolError:
    case QAbstractSocket::ProxyAuthenticationRequiredError:
    case QAbstractSocket::ProxyConnectionTimeoutError:
        return QNetworkReply::UnknownProxyError;
    default:
        return QNetworkReply::UnknownNetworkError;
    }
}

/// An HTTP/1.1 answer read off a socket, complete or not yet.
struct RawAnswer
{
    bool headersDone = false;
    bool complete = false;
    int status = 0;
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;
    qsizetype contentLength = -1;
    bool chunked = false;

    /// Parses what arrived so far; @p closed when the server closed the connection.
    void parse(const QByteArray &buffer, bool closed)
    {
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        if (!headersDone) {
            headersDone = true;
            const QList<QByteArray> lines = buffer.left(end).split('\n');
            const QList<QByteArray> statusLine = lines.value(0).trimmed().split(' ');
            status = statusLine.value(1).toInt();
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const qsizetype colon = lines.at(i).indexOf(':');
                if (colon <= 0)
                    continue;
                const QByteArray name = lines.at(i).left(colon).trimmed();
                const QByteArray value = lines.at(i).mid(colon + 1).trimmed();
                headers.append({name, value});
                if (name.compare("Content-Length", Qt::CaseInsensitive) == 0)
                    contentLength = value.toLongLong();
                if (name.compare("Transfer-Encoding", Qt::CaseInsensitive) == 0 && value.toLower().contains("chunked"))
                    chunked = true;
            }
        }
        const QByteArray raw = buffer.mid(end + 4);
        if (chunked) {
            QByteArray decoded;
            qsizetype at = 0;
            while (true) {
                const qsizetype lineEnd = raw.indexOf("\r\n", at);
                if (lineEnd < 0)
                    return;
                bool ok = false;
                const qsizetype size = raw.mid(at, lineEnd - at).split(';').value(0).trimmed().toLongLong(&ok, 16);
                if (!ok)
                    return;
                if (size == 0) {
                    body = decoded;
                    complete = true;
                    return;
                }
                if (raw.size() < lineEnd + 2 + size + 2)
                    return;
                decoded += raw.mid(lineEnd + 2, size);
                at = lineEnd + 2 + size + 2;
            }
        }
        if (contentLength >= 0) {
            if (raw.size() >= contentLength) {
                body = raw.left(contentLength);
                complete = true;
            }
            return;
        }
        if (status == 204 || status == 304 || (status >= 100 && status < 200)) {
            complete = true;
            return;
        }
        if (closed) { // no length: the body ends with the connection
            body = raw;
            complete = true;
        }
    }
};

/// One HTTP/1.1 exchange over a connection of its own, never repeated.
HttpResponse sendOnce(const QByteArray &verb, const QUrl &url, const QByteArray &body,
                      const QList<std::pair<QByteArray, QByteArray>> &headers, const QByteArray &contentType,
                      int timeoutMs)
{
    HttpResponse response;
    const bool tls = url.scheme() == QLatin1String("https");
    const auto port = static_cast<quint16>(url.port(tls ? 443 : 80));
    std::unique_ptr<QTcpSocket> socket;
#if QT_CONFIG(ssl)
    if (tls)
        socket = std::make_unique<QSslSocket>(); // peer verification stays on (the default)
#endif
    if (!socket) {
        if (tls) {
            response.error = QNetworkReply::ProtocolUnknownError;
            response.errorString = QStringLiteral("TLS is not available");
            return response;
        }
        socket = std::make_unique<QTcpSocket>();
    }

    QByteArray target = url.path(QUrl::FullyEncoded).toLatin1();
    if (target.isEmpty())
        target = "/";
    if (url.hasQuery())
        target += '?' + url.query(QUrl::FullyEncoded).toLatin1();
    QByteArray host = url.host(QUrl::FullyEncoded).toLatin1();
    if (url.port() > 0)
        host += ':' + QByteArray::number(url.port());
    QByteArray message = verb + ' ' + target + " HTTP/1.1\r\nHost: " + host
        + "\r\nUser-Agent: " + HttpClient::userAgent() + "\r\nAccept: */*\r\nConnection: close\r\n";
    if (!contentType.isEmpty())
        message += "Content-Type: " + contentType + "\r\n";
    if (!body.isEmpty() || verb == "POST" || verb == "PUT")
        message += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    for (const auto &[name, value] : headers)
        message += name + ": " + value + "\r\n";
    message += "\r\n" + body;

    QByteArray buffer;
    RawAnswer answer;
    QEventLoop loop;
    QTimer guard;
    guard.setSingleShot(true);
    bool failed = false;
    QObject::connect(&guard, &QTimer::timeout, &loop, [&] {
        response.timedOut = true;
        response.error = QNetworkReply::TimeoutError;
        response.errorString = QStringLiteral("no answer within %1 ms").arg(timeoutMs);
        failed = true;
        loop.quit();
    });
    const auto sendRequest = [&] { socket->write(message); };
    QObject::connect(socket.get(), &QIODevice::readyRead, &loop, [&] {
        buffer += socket->readAll();
        answer.parse(buffer, false);
        if (answer.complete)
            loop.quit();
    });
    QObject::connect(socket.get(), &QAbstractSocket::disconnected, &loop, [&] {
        buffer += socket->readAll();
        answer.parse(buffer, true);
        loop.quit();
    });
    QObject::connect(socket.get(), &QAbstractSocket::errorOccurred, &loop, [&](QAbstractSocket::SocketError error) {
        if (error == QAbstractSocket::RemoteHostClosedError) {
            buffer += socket->readAll();
            answer.parse(buffer, true);
            if (answer.complete) {
                loop.quit();
                return;
            }
        }
        response.error = networkErrorOf(error);
        response.errorString = socket->errorString();
        failed = true;
        loop.quit();
    });
#if QT_CONFIG(ssl)
    if (tls) {
        auto *ssl = static_cast<QSslSocket *>(socket.get());
        QObject::connect(ssl, &QSslSocket::encrypted, &loop, sendRequest);
        ssl->connectToHostEncrypted(url.host(), port);
    }
#endif
    if (!tls) {
        QObject::connect(socket.get(), &QAbstractSocket::connected, &loop, sendRequest);
        socket->connectToHost(url.host(), port);
    }
    guard.start(timeoutMs);
    loop.exec(QEventLoop::ExcludeUserInputEvents);
    QObject::disconnect(socket.get(), nullptr, &loop, nullptr);
    socket->abort();

    if (!answer.complete) {
        if (!failed) {
            response.error = QNetworkReply::RemoteHostClosedError;
            response.errorString = QStringLiteral("the connection closed before a complete answer");
        }
        return response; // status 0: no (complete) answer
    }
    response.status = answer.status;
    response.body = answer.body;
    response.headers = answer.headers;
    response.error = answer.status >= 400 ? QNetworkReply::UnknownContentError : QNetworkReply::NoError;
    response.errorString = answer.status >= 400 ? QStringLiteral("HTTP %1").arg(answer.status) : QString();
    return response;
}

} // namespace

bool HttpResponse::neverSent() const
{
    return !gotResponse()
        && (error == QNetworkReply::ConnectionRefusedError || error == QNetworkReply::HostNotFoundError
            || error == QNetworkReply::ProtocolUnknownError || error == QNetworkReply::ProtocolInvalidOperationError);
}

QByteArray HttpResponse::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

HttpClient::HttpClient(QNetworkAccessManager *manager, int timeoutMs)
    : m_manager(manager)
    , m_timeoutMs(timeoutMs)
{
}

QByteArray HttpClient::userAgent()
{
    return QByteArrayLiteral("Ballast/" BALLAST_VERSION " (desktop portfolio manager)");
}

HttpResponse HttpClient::get(const QUrl &url, const QList<std::pair<QByteArray, QByteArray>> &headers,
                             const CancelToken *cancel)
{
    return send(QByteArrayLiteral("GET"), url, {}, headers, {}, false, cancel);
}

HttpResponse HttpClient::post(const QUrl &url, const QByteArray &body,
                              const QList<std::pair<QByteArray, QByteArray>> &headers, const QByteArray &contentType,
                              bool neverResend)
{
    return send(QByteArrayLiteral("POST"), url, body, headers, contentType, neverResend);
}

HttpResponse HttpClient::deleteResource(const QUrl &url, const QList<std::pair<QByteArray, QByteArray>> &headers)
{
    return send(QByteArrayLiteral("DELETE"), url, {}, headers, {});
}

HttpResponse HttpClient::send(const QByteArray &verb, const QUrl &url, const QByteArray &body,
                              const QList<std::pair<QByteArray, QByteArray>> &headers, const QByteArray &contentType,
                              bool neverResend, const CancelToken *cancel)
{
    if (cancel != nullptr && cancel->isCancelled()) {
        HttpResponse response;
        response.cancelled = true;
        response.error = QNetworkReply::OperationCanceledError;
        response.errorString = QStringLiteral("cancelled");
        return response;
    }
    if (neverResend) {
        // Not through QNetworkAccessManager: when a connection closes before an
        // answer, Qt sends the request again by itself (reconnectAttempts), even
        // on a fresh connection and after the server acted on it. An order
        // request goes exactly once over a connection of its own.
        return sendOnce(verb, url, body, headers, contentType, m_timeoutMs);
    }
    QNetworkAccessManager *manager = m_manager;
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::UserAgentHeader, userAgent());
    if (!contentType.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    // Redirects would replay a signed request elsewhere: refuse them.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(m_timeoutMs);

    QNetworkReply *reply = manager->sendCustomRequest(request, verb, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    // A second guard besides the transfer timeout, for a connect that never completes.
    QTimer guard;
    guard.setSingleShot(true);
    QObject::connect(&guard, &QTimer::timeout, &loop, [reply] { reply->abort(); });
    guard.start(m_timeoutMs + 2000);
    // The token has no signal: it is looked at every 25 ms while the request
    // is in flight, and a cancel aborts the reply.
    bool cancelled = false;
    QTimer watch;
    if (cancel != nullptr) {
        QObject::connect(&watch, &QTimer::timeout, &loop, [cancel, reply, &cancelled] {
            if (reply->isFinished() || !cancel->isCancelled())
                return; // an answer that came in whole is kept
            cancelled = true;
            reply->abort();
        });
        watch.start(25);
    }
    if (!reply->isFinished())
        loop.exec(QEventLoop::ExcludeUserInputEvents);

    HttpResponse response;
    response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    response.body = reply->isOpen() ? reply->readAll() : QByteArray(); // closed after an abort
    response.headers = reply->rawHeaderPairs();
    response.error = reply->error();
    response.errorString = reply->errorString();
    response.cancelled = cancelled;
    response.timedOut = !cancelled
        && (reply->error() == QNetworkReply::OperationCanceledError || reply->error() == QNetworkReply::TimeoutError);
    if (cancelled) {
        response.status = 0; // whatever had arrived is not an answer
        response.body.clear();
        response.errorString = QStringLiteral("cancelled");
    }
    reply->deleteLater();
    return response;
}

} // namespace ballast::exchange
