#pragma once

#include <QByteArray>
#include <QList>
#include <QNetworkReply>
#include <QString>
#include <QUrl>

#include <memory>
#include <utility>

class QNetworkAccessManager;

namespace ballast {
class CancelToken;
}

namespace ballast::exchange {

/// What came back from one HTTP request, or why nothing did.
struct HttpResponse
{
    int status = 0; ///< HTTP status; 0 when no response arrived
    QByteArray body;
    QList<std::pair<QByteArray, QByteArray>> headers;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QString errorString;
    bool timedOut = false;
    bool cancelled = false; ///< aborted by the cancel token given to get(); no answer is kept

    [[nodiscard]] bool gotResponse() const { return status > 0; }
    /// True when the request provably never reached the server (refused,
    /// unknown host): only then is a failed order request known not to exist.
    [[nodiscard]] bool neverSent() const;
    [[nodiscard]] QByteArray header(const QByteArray &name) const;
};

/// Synchronous HTTP over a QNetworkAccessManager of the calling thread: the
/// connectors run on the execution worker's thread, where blocking on a local
/// event loop is fine (never on the GUI thread). TLS verification stays on.
class HttpClient
{
public:
    explicit HttpClient(QNetworkAccessManager *manager, int timeoutMs = 10000);

    /// With @p cancel, a cancel while the request is in flight aborts it
    /// within about 25 ms (a read has no effect on the server to lose): the
    /// answer comes back with cancelled set and no status.
    HttpResponse get(const QUrl &url, const QList<std::pair<QByteArray, QByteArray>> &headers = {},
                     const CancelToken *cancel = nullptr);
    /// @p neverResend: for requests that create orders. QNetworkAccessManager
    /// sends a request again by itself when a connection closes before the
    /// answer, even after the server acted on it; such requests therefore go
    /// exactly once over a connection of their own (TLS verified as usual).
    HttpResponse post(const QUrl &url, const QByteArray &body,
                      const QList<std::pair<QByteArray, QByteArray>> &headers = {},
                      const QByteArray &contentType = QByteArrayLiteral("application/x-www-form-urlencoded"),
                      bool neverResend = false);
    HttpResponse deleteResource(const QUrl &url, const QList<std::pair<QByteArray, QByteArray>> &headers = {});

    void setTimeout(int timeoutMs) { m_timeoutMs = timeoutMs; }
    [[nodiscard]] int timeout() const { return m_timeoutMs; }
    static QByteArray userAgent();

private:
    HttpResponse send(const QByteArray &verb, const QUrl &url, const QByteArray &body,
                      const QList<std::pair<QByteArray, QByteArray>> &headers, const QByteArray &contentType,
                      bool neverResend = false, const CancelToken *cancel = nullptr);

    QNetworkAccessManager *m_manager;
    int m_timeoutMs;
};

} // namespace ballast::exchange
