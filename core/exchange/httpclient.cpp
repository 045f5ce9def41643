#include "exchange/httpclient.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QTimer>

namespace ballast::exchange {

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

HttpResponse HttpClient::get(const QUrl &url, const QList<std::pair<QByteArray, QByteArray>> &headers)
{
    return send(QByteArrayLiteral("GET"), url, {}, headers, {});
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
                              bool neverResend)
{
    QNetworkAccessManager *manager = m_manager;
    QNetworkRequest request(url);
    if (neverResend) {
        // Its own manager, so no pooled connection is ever reused for it, and
        // "Connection: close" so that this one is not pooled either.
        if (!m_oneShot)
            m_oneShot = std::make_unique<QNetworkAccessManager>();
        manager = m_oneShot.get();
        request.setRawHeader(QByteArrayLiteral("Connection"), QByteArrayLiteral("close"));
        request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    }
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
    if (!reply->isFinished())
        loop.exec(QEventLoop::ExcludeUserInputEvents);

    HttpResponse response;
    response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    response.body = reply->readAll();
    response.headers = reply->rawHeaderPairs();
    response.error = reply->error();
    response.errorString = reply->errorString();
    response.timedOut =
        reply->error() == QNetworkReply::OperationCanceledError || reply->error() == QNetworkReply::TimeoutError;
    reply->deleteLater();
    return response;
}

} // namespace ballast::exchange
