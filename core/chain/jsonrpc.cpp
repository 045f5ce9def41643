#include "chain/jsonrpc.h"

#include "exchange/httpclient.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QSet>

#include <limits>

namespace ballast::chain {

namespace {

Error answerError(const QString &why)
{
    return makeError(QStringLiteral("jsonrpc.answer"), QStringLiteral("unexpected JSON-RPC answer: %1").arg(why));
}

QString codeName(qint64 code)
{
    switch (code) {
    case -32700:
        return QStringLiteral("parse error");
    case -32600:
        return QStringLiteral("invalid request");
    case -32601:
        return QStringLiteral("method not found");
    case -32602:
        return QStringLiteral("invalid params");
    case -32603:
        return QStringLiteral("internal error");
    default:
        break;
    }
    if (code <= -32000 && code >= -32099)
        return QStringLiteral("server error");
    return {};
}

/// An integer JSON number (Qt keeps those below 2^63 exact).
std::optional<qint64> integerOf(const QJsonValue &value)
{
    if (!value.isDouble())
        return std::nullopt;
    const qint64 number = value.toInteger(std::numeric_limits<qint64>::min());
    if (number == std::numeric_limits<qint64>::min())
        return std::nullopt;
    return number;
}

Result<RpcFailure> failureOf(const QJsonValue &value, const QString &where)
{
    if (!value.isObject())
        return answerError(QStringLiteral("%1error is not an object").arg(where));
    const QJsonObject object = value.toObject();
    const auto code = integerOf(object.value(QStringLiteral("code")));
    if (!code)
        return answerError(QStringLiteral("%1error.code is not an integer").arg(where));
    return RpcFailure{*code, object.value(QStringLiteral("message")).toString()};
}

/// The words of a JSON-RPC error object in a refusal's body, if it has one.
QString errorWordsOf(const QByteArray &body)
{
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    auto failure = failureOf(object.value(QStringLiteral("error")), QString());
    return failure ? failure->describe() : QString();
}

} // namespace

QString RpcFailure::describe() const
{
    const QString name = codeName(code);
    return QStringLiteral("JSON-RPC error %1%2%3")
        .arg(code)
        .arg(name.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(name),
             message.isEmpty() ? QString() : QStringLiteral(": %1").arg(message.left(200).simplified()));
}

Result<QHash<qint64, RpcReply>> parseRpcResponse(QByteArrayView body, const QList<qint64> &ids)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(body.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError || (!doc.isObject() && !doc.isArray()))
        return answerError(QStringLiteral("not a JSON object or array"));

    QJsonArray answers;
    if (doc.isObject()) {
        const QJsonObject object = doc.object();
        if (object.value(QStringLiteral("id")).isNull() && object.contains(QStringLiteral("error"))) {
            auto failure = failureOf(object.value(QStringLiteral("error")), QString());
            if (!failure)
                return failure.error();
            return makeError(QStringLiteral("jsonrpc.error"), failure->describe());
        }
        answers.append(object);
    } else {
        answers = doc.array();
    }

    const QSet<qint64> expected(ids.cbegin(), ids.cend());
    QHash<qint64, RpcReply> replies;
    for (qsizetype i = 0; i < answers.size(); ++i) {
        const QString where = doc.isArray() ? QStringLiteral("[%1].").arg(i) : QString();
        if (!answers.at(i).isObject())
            return answerError(QStringLiteral("%1 is not an object")
                                   .arg(where.isEmpty() ? QStringLiteral("the answer") : where.chopped(1)));
        const QJsonObject object = answers.at(i).toObject();
        const auto id = integerOf(object.value(QStringLiteral("id")));
        if (!id || !expected.contains(*id))
            return answerError(QStringLiteral("%1id is not the id of a request sent").arg(where));
        if (replies.contains(*id))
            return answerError(QStringLiteral("%1id %2 is answered twice").arg(where).arg(*id));
        const bool hasResult = object.contains(QStringLiteral("result"));
        const bool hasError = object.contains(QStringLiteral("error"));
        if (hasResult == hasError)
            return answerError(QStringLiteral("%1 has %2 result %3 error")
                                   .arg(where.isEmpty() ? QStringLiteral("it") : where.chopped(1),
                                        hasResult ? QStringLiteral("both") : QStringLiteral("neither"),
                                        hasResult ? QStringLiteral("and") : QStringLiteral("nor")));
        RpcReply reply;
        if (hasError) {
            auto failure = failureOf(object.value(QStringLiteral("error")), where);
            if (!failure)
                return failure.error();
            reply.failure = *failure;
        } else {
            reply.result = object.value(QStringLiteral("result"));
        }
        replies.insert(*id, reply);
    }
    for (const qint64 id : ids) {
        if (!replies.contains(id))
            return answerError(QStringLiteral("request id %1 has no answer").arg(id));
    }
    return replies;
}

JsonRpcClient::JsonRpcClient(exchange::HttpClient &http, QUrl endpoint)
    : m_http(http)
    , m_endpoint(std::move(endpoint))
{
}

QString JsonRpcClient::host() const
{
    return m_endpoint.port() > 0 ? QStringLiteral("%1:%2").arg(m_endpoint.host()).arg(m_endpoint.port())
                                 : m_endpoint.host();
}

Error JsonRpcClient::failed(const RpcCall &call, const RpcFailure &failure) const
{
    return makeError(QStringLiteral("jsonrpc.error"),
                     QStringLiteral("%1 answered %2%3 with %4")
                         .arg(host(), call.method,
                              call.purpose.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(call.purpose),
                              failure.describe()));
}

Result<QHash<qint64, RpcReply>> JsonRpcClient::post(const QByteArray &body, const QList<qint64> &ids)
{
    ++m_requests;
    const exchange::HttpResponse response =
        m_http.post(m_endpoint, body, {{"Accept", "application/json"}}, QByteArrayLiteral("application/json"));
    if (!response.gotResponse()) {
        return makeError(QStringLiteral("jsonrpc.network"),
                         QStringLiteral("%1 did not answer: %2")
                             .arg(host(), response.timedOut ? QStringLiteral("timed out") : response.errorString));
    }
    if (response.status == 429) {
        // Public endpoints answer 429 with a JSON-RPC error saying which limit.
        const QString words = errorWordsOf(response.body);
        const QByteArray wait = response.header("Retry-After");
        return makeError(QStringLiteral("jsonrpc.rate_limit"),
                         QStringLiteral("%1 limits requests (HTTP 429%2)%3; sync again later")
                             .arg(host(), words.isEmpty() ? QString() : QStringLiteral(", %1").arg(words),
                                  wait.isEmpty()
                                      ? QString()
                                      : QStringLiteral(", it asks to wait %1 s").arg(QString::fromLatin1(wait))));
    }
    if (response.status != 200) {
        const QString words = QString::fromUtf8(response.body.left(200)).simplified();
        return makeError(QStringLiteral("jsonrpc.status"),
                         QStringLiteral("%1 answered HTTP %2%3")
                             .arg(host())
                             .arg(response.status)
                             .arg(words.isEmpty() ? QString() : QStringLiteral(": %1").arg(words)));
    }
    auto parsed = parseRpcResponse(response.body, ids);
    if (!parsed)
        return makeError(parsed.error().code, QStringLiteral("%1: %2").arg(host(), parsed.error().message));
    return parsed;
}

Result<QJsonValue> JsonRpcClient::call(const QString &method, const QJsonArray &params, const QString &purpose)
{
    const qint64 id = m_nextId++;
    const QJsonObject request{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                              {QStringLiteral("id"), id},
                              {QStringLiteral("method"), method},
                              {QStringLiteral("params"), params}};
    auto replies = post(QJsonDocument(request).toJson(QJsonDocument::Compact), {id});
    if (!replies)
        return replies.error();
    const RpcReply &reply = replies->value(id);
    if (reply.failure)
        return failed(RpcCall{method, params, purpose}, *reply.failure);
    return reply.result;
}

Result<QList<QJsonValue>> JsonRpcClient::batch(const QList<RpcCall> &calls)
{
    if (calls.isEmpty())
        return QList<QJsonValue>{};
    QJsonArray requests;
    QList<qint64> ids;
    for (const RpcCall &call : calls) {
        const qint64 id = m_nextId++;
        ids.append(id);
        requests.append(QJsonObject{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                                    {QStringLiteral("id"), id},
                                    {QStringLiteral("method"), call.method},
                                    {QStringLiteral("params"), call.params}});
    }
    auto replies = post(QJsonDocument(requests).toJson(QJsonDocument::Compact), ids);
    if (!replies)
        return replies.error();
    QList<QJsonValue> results;
    for (qsizetype i = 0; i < calls.size(); ++i) {
        const RpcReply &reply = replies->value(ids.at(i));
        if (reply.failure)
            return failed(calls.at(i), *reply.failure);
        results.append(reply.result);
    }
    return results;
}

} // namespace ballast::chain
