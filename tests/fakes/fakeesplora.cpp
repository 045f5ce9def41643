#include "fakeesplora.h"

#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>

namespace ballast::test::fake {

namespace {

void writeAnswer(QTcpSocket *socket, int status, const QByteArray &contentType, const QByteArray &body,
                 const QByteArray &extraHeaders = {})
{
    static const QHash<int, QByteArray> reasons = {
        {200, "OK"}, {400, "Bad Request"}, {404, "Not Found"}, {429, "Too Many Requests"}};
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasons.value(status, "Error") + "\r\n";
    out += "Content-Type: " + contentType + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += extraHeaders;
    out += "Connection: keep-alive\r\n\r\n" + body;
    socket->write(out);
}

QJsonObject statsJson(qint64 funded, qint64 spent, qint64 txCount)
{
    // esplora counts outputs; one output per funding and per spending here.
    return QJsonObject{{QStringLiteral("funded_txo_count"), funded > 0 ? 1 : 0},
                       {QStringLiteral("funded_txo_sum"), funded},
                       {QStringLiteral("spent_txo_count"), spent > 0 ? 1 : 0},
                       {QStringLiteral("spent_txo_sum"), spent},
                       {QStringLiteral("tx_count"), txCount}};
}

bool shapedLikeAddress(const QString &text)
{
    static const QRegularExpression shape(
        QStringLiteral("^[A-HJ-NP-Za-km-z1-9]{25,35}$|^(bc|tb|bcrt)1[02-9ac-hj-np-z]{8,87}$"),
        QRegularExpression::CaseInsensitiveOption);
    return shape.match(text).hasMatch();
}

} // namespace

FakeEsplora::FakeEsplora(QObject *parent)
    : QAbstractHttpServer(parent)
{
}

bool FakeEsplora::listenLocal(quint16 port)
{
    if (m_server)
        return m_server->isListening();
    auto *server = new QTcpServer(this);
    if (!server->listen(QHostAddress::LocalHost, port)) {
        delete server;
        return false;
    }
    m_server = server;
    bind(server);
    return true;
}

quint16 FakeEsplora::port() const
{
    return m_server ? m_server->serverPort() : 0;
}

QUrl FakeEsplora::baseUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1/api").arg(m_server ? m_server->serverPort() : 0));
}

bool FakeEsplora::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    const QString path = request.url().path();
    m_requests.append(path);
    if (m_limit > 0 && m_answered >= m_limit) {
        writeAnswer(socket, 429, "text/plain", "Too Many Requests", "Retry-After: 60\r\n");
        return true;
    }
    ++m_answered;
    if (request.method() != QHttpServerRequest::Method::Get) {
        writeAnswer(socket, 404, "text/plain", "Not Found");
        return true;
    }
    if (path == QLatin1String("/api/blocks/tip/height")) {
        writeAnswer(socket, 200, "text/plain", "870000");
        return true;
    }
    static const QRegularExpression addressPath(QStringLiteral("^/api/address/([^/]+)(/utxo)?$"));
    const auto match = addressPath.match(path);
    if (!match.hasMatch()) {
        writeAnswer(socket, 404, "text/plain", "Not Found");
        return true;
    }
    const QString address = match.captured(1);
    if (!shapedLikeAddress(address)) {
        writeAnswer(socket, 400, "text/plain", "Invalid Bitcoin address");
        return true;
    }
    const Stats stats = m_addresses.value(address);
    if (match.captured(2).isEmpty()) {
        const QJsonObject answer{{QStringLiteral("address"), address},
                                 {QStringLiteral("chain_stats"), statsJson(stats.funded, stats.spent, stats.txCount)},
                                 {QStringLiteral("mempool_stats"),
                                  statsJson(stats.mempoolFunded, stats.mempoolSpent, stats.mempoolTxCount)}};
        writeAnswer(socket, 200, "application/json", QJsonDocument(answer).toJson(QJsonDocument::Compact));
        return true;
    }
    QJsonArray utxos;
    if (stats.funded - stats.spent > 0) {
        utxos.append(QJsonObject{
            {QStringLiteral("txid"), QString::fromLatin1(QByteArray(32, '\x5a').toHex())},
            {QStringLiteral("vout"), 0},
            {QStringLiteral("status"),
             QJsonObject{{QStringLiteral("confirmed"), true}, {QStringLiteral("block_height"), 869990}}},
            {QStringLiteral("value"), stats.funded - stats.spent},
        });
    }
    writeAnswer(socket, 200, "application/json", QJsonDocument(utxos).toJson(QJsonDocument::Compact));
    return true;
}

void FakeEsplora::missingHandler(const QHttpServerRequest &, QTcpSocket *socket)
{
    writeAnswer(socket, 404, "text/plain", "Not Found");
}

} // namespace ballast::test::fake
