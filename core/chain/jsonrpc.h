#pragma once

#include "common/result.h"

#include <QByteArrayView>
#include <QHash>
#include <QJsonArray>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QUrl>

#include <optional>

namespace ballast::exchange {
class HttpClient;
}

namespace ballast::chain {

/// A JSON-RPC 2.0 error object: {"code": -32602, "message": "..."}.
struct RpcFailure
{
    qint64 code = 0;
    QString message;

    /// "JSON-RPC error -32602 (invalid params): <message>".
    [[nodiscard]] QString describe() const;
};

/// One answer of a JSON-RPC 2.0 call: a result or an error.
struct RpcReply
{
    QJsonValue result;
    std::optional<RpcFailure> failure;
};

/// Reads a JSON-RPC 2.0 answer to the requests with @p ids: one object, or a
/// batch (a JSON array) whose answers may come in any order and are matched
/// by id. Refused, naming the field: not JSON, an answer without a known id or
/// given twice, an id left unanswered, neither or both of result and error, an
/// error without an integer code. A single error object with a null id (the
/// server could not read the request at all, or refuses it whole) is an error
/// with code "jsonrpc.error" and the server's code and message.
Result<QHash<qint64, RpcReply>> parseRpcResponse(QByteArrayView body, const QList<qint64> &ids);

/// One call of a batch, with what it is for in messages ("balanceOf USDC").
struct RpcCall
{
    QString method;
    QJsonArray params;
    QString purpose;
};

/// JSON-RPC 2.0 over HTTP POST (application/json) through the caller's
/// HttpClient, shared by the EVM and Solana readers. Messages name the
/// endpoint by host and port only: an endpoint's path often holds the
/// person's API key.
class JsonRpcClient
{
public:
    JsonRpcClient(exchange::HttpClient &http, QUrl endpoint);

    /// One call; a JSON-RPC error is an error naming the method.
    Result<QJsonValue> call(const QString &method, const QJsonArray &params, const QString &purpose = {});
    /// Every call in one HTTP request (a JSON array); the results in the order
    /// of @p calls. A JSON-RPC error to any call fails the whole batch and
    /// names that call: a balance read in part is not a balance.
    Result<QList<QJsonValue>> batch(const QList<RpcCall> &calls);

    [[nodiscard]] QString host() const;
    [[nodiscard]] int requestsSent() const { return m_requests; }

private:
    Result<QHash<qint64, RpcReply>> post(const QByteArray &body, const QList<qint64> &ids);
    Error failed(const RpcCall &call, const RpcFailure &failure) const;

    exchange::HttpClient &m_http;
    QUrl m_endpoint;
    qint64 m_nextId = 1;
    int m_requests = 0;
};

} // namespace ballast::chain
