#include "fakejsonrpc.h"

#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>

namespace ballast::test::fake {

namespace {

void writeAnswer(QTcpSocket *socket, int status, const QByteArray &contentType, const QByteArray &body,
                 const QByteArray &extraHeaders = {})
{
    static const QHash<int, QByteArray> reasons = {{200, "OK"},
                                                   {404, "Not Found"},
                                                   {405, "Method Not Allowed"},
                                                   {415, "Unsupported Media Type"},
                                                   {429, "Too Many Requests"}};
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasons.value(status, "Error") + "\r\n";
    out += "Content-Type: " + contentType + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += extraHeaders;
    out += "Connection: keep-alive\r\n\r\n" + body;
    socket->write(out);
}

QJsonObject errorObject(const QJsonValue &id, int code, const QString &message)
{
    return QJsonObject{
        {QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
        {QStringLiteral("id"), id},
        {QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}}}};
}

QByteArray compact(const QJsonValue &value)
{
    return value.isArray() ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)
                           : QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
}

} // namespace

FakeJsonRpc::FakeJsonRpc(QObject *parent)
    : QAbstractHttpServer(parent)
{
}

bool FakeJsonRpc::listenLocal(quint16 port)
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

quint16 FakeJsonRpc::port() const
{
    return m_server ? m_server->serverPort() : 0;
}

QUrl FakeJsonRpc::url() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1/rpc/test-key").arg(port()));
}

QJsonValue FakeJsonRpc::answer(const QJsonValue &request)
{
    const QJsonObject object = request.toObject();
    const QJsonValue id = object.value(QStringLiteral("id"));
    const QJsonValue method = object.value(QStringLiteral("method"));
    if (!request.isObject() || object.value(QStringLiteral("jsonrpc")).toString() != u"2.0" || !method.isString())
        return errorObject(QJsonValue::Null, -32600, QStringLiteral("invalid request"));
    m_methods.append(method.toString());
    const QJsonValue params = object.value(QStringLiteral("params"));
    if (!params.isArray() && !params.isUndefined())
        return errorObject(id, -32602, QStringLiteral("invalid params: not an array"));
    const Reply reply = dispatch(method.toString(), params.toArray());
    if (reply.errorCode != 0)
        return errorObject(id, reply.errorCode, reply.errorMessage);
    return QJsonObject{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                       {QStringLiteral("id"), id},
                       {QStringLiteral("result"), reply.result}};
}

bool FakeJsonRpc::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    ++m_httpRequests;
    if (m_silent)
        return true; // the connection stays open and nothing comes back
    if (request.url().path() != QLatin1String("/rpc/test-key")) {
        writeAnswer(socket, 404, "text/plain", "Not Found");
        return true;
    }
    if (request.method() != QHttpServerRequest::Method::Post) {
        writeAnswer(socket, 405, "text/plain", "method not allowed");
        return true;
    }
    if (m_limit > 0 && m_answered >= m_limit) {
        writeAnswer(socket, 429, "application/json",
                    compact(errorObject(QJsonValue::Null, rateLimitCode(), QStringLiteral("Too many requests"))),
                    "Retry-After: 1\r\n");
        return true;
    }
    ++m_answered;
    if (!request.value("Content-Type").startsWith("application/json")) {
        writeAnswer(socket, 415, "text/plain", "invalid content type, only application/json is supported");
        return true;
    }
    if (!m_nextBody.isNull()) {
        writeAnswer(socket, 200, "application/json", m_nextBody);
        m_nextBody = QByteArray();
        return true;
    }
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(request.body(), &error);
    QJsonValue out;
    if (error.error != QJsonParseError::NoError || (!doc.isObject() && !doc.isArray())) {
        out = errorObject(QJsonValue::Null, -32700, QStringLiteral("parse error"));
    } else if (doc.isObject()) {
        out = answer(doc.object());
    } else if (doc.array().isEmpty()) {
        out = errorObject(QJsonValue::Null, -32600, QStringLiteral("empty batch"));
    } else {
        QJsonArray answers;
        for (const QJsonValue &entry : doc.array())
            answers.append(answer(entry));
        if (m_reverse) {
            QJsonArray reversed;
            for (auto it = answers.end(); it != answers.begin();)
                reversed.append(*--it);
            answers = reversed;
        }
        out = answers;
    }
    writeAnswer(socket, 200, "application/json", compact(out));
    return true;
}

void FakeJsonRpc::missingHandler(const QHttpServerRequest &, QTcpSocket *socket)
{
    writeAnswer(socket, 404, "text/plain", "Not Found");
}

} // namespace ballast::test::fake
