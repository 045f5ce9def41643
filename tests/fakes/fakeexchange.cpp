#include "fakeexchange.h"

#include <QDateTime>
#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QQueue>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace ballast::test::fake {

namespace {

/// Records the request-target of each request on one connection exactly as the
/// bytes arrived, before Qt parses (and re-encodes) it into a QUrl.
class RawTap : public QObject
{
public:
    static QString name() { return QStringLiteral("ballast_fake_raw_tap"); }

    explicit RawTap(QObject *parent)
        : QObject(parent)
    {
        setObjectName(name());
    }

    /// The tap of @p socket (RawTap has no meta-object of its own, so look it up by name).
    static RawTap *of(QObject *socket)
    {
        return static_cast<RawTap *>(socket->findChild<QObject *>(name(), Qt::FindDirectChildrenOnly));
    }

    void feed(const QByteArray &chunk)
    {
        if (m_broken)
            return;
        m_buffer += chunk;
        for (;;) {
            while (m_buffer.startsWith("\r\n"))
                m_buffer.remove(0, 2);
            const qsizetype headEnd = m_buffer.indexOf("\r\n\r\n");
            if (headEnd < 0) {
                if (m_buffer.size() > qsizetype(1024) * 1024)
                    breakSync();
                return;
            }
            const QList<QByteArray> lines = m_buffer.left(headEnd).split('\n');
            const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
            if (requestLine.size() < 3) {
                breakSync();
                return;
            }
            qint64 length = 0;
            bool chunked = false;
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const QByteArray &line = lines.at(i);
                const qsizetype colon = line.indexOf(':');
                if (colon < 0)
                    continue;
                const QByteArray name = line.left(colon).trimmed().toLower();
                const QByteArray value = line.mid(colon + 1).trimmed();
                if (name == "content-length")
                    length = value.toLongLong();
                else if (name == "transfer-encoding" && value.toLower().contains("chunked"))
                    chunked = true;
            }
            const qint64 total = headEnd + 4 + length;
            if (!chunked && m_buffer.size() < total)
                return;
            m_targets.enqueue({requestLine.at(0), requestLine.at(1)});
            if (chunked) {
                breakSync();
                return;
            }
            m_buffer.remove(0, total);
        }
    }

    /// Method and request-target of the next request, if known.
    std::optional<QPair<QByteArray, QByteArray>> take()
    {
        if (m_targets.isEmpty())
            return std::nullopt;
        return m_targets.dequeue();
    }

    void breakSync()
    {
        m_broken = true;
        m_buffer.clear();
    }

private:
    QByteArray m_buffer;
    QQueue<QPair<QByteArray, QByteArray>> m_targets;
    bool m_broken = false;
};

/// A QTcpServer whose sockets carry a RawTap that sees every byte first.
class TapServer : public QTcpServer
{
public:
    explicit TapServer(QObject *parent)
        : QTcpServer(parent)
    {
    }

protected:
    void incomingConnection(qintptr handle) override
    {
        auto *socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(handle)) {
            delete socket;
            return;
        }
        auto *tap = new RawTap(socket);
        // Connected before QAbstractHttpServer connects its own handler, so it runs first.
        connect(socket, &QTcpSocket::readyRead, tap,
                [socket, tap] { tap->feed(socket->peek(socket->bytesAvailable())); });
        addPendingConnection(socket);
    }
};

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return QByteArrayLiteral("OK");
    case 400:
        return QByteArrayLiteral("Bad Request");
    case 401:
        return QByteArrayLiteral("Unauthorized");
    case 403:
        return QByteArrayLiteral("Forbidden");
    case 404:
        return QByteArrayLiteral("Not Found");
    case 405:
        return QByteArrayLiteral("Method Not Allowed");
    case 408:
        return QByteArrayLiteral("Request Timeout");
    case 418:
        return QByteArrayLiteral("I'm a teapot");
    case 429:
        return QByteArrayLiteral("Too Many Requests");
    case 500:
        return QByteArrayLiteral("Internal Server Error");
    case 502:
        return QByteArrayLiteral("Bad Gateway");
    case 503:
        return QByteArrayLiteral("Service Unavailable");
    case 504:
        return QByteArrayLiteral("Gateway Timeout");
    default:
        return QByteArrayLiteral("Status");
    }
}

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return QByteArrayLiteral("GET");
    case QHttpServerRequest::Method::Put:
        return QByteArrayLiteral("PUT");
    case QHttpServerRequest::Method::Delete:
        return QByteArrayLiteral("DELETE");
    case QHttpServerRequest::Method::Post:
        return QByteArrayLiteral("POST");
    case QHttpServerRequest::Method::Head:
        return QByteArrayLiteral("HEAD");
    case QHttpServerRequest::Method::Options:
        return QByteArrayLiteral("OPTIONS");
    case QHttpServerRequest::Method::Patch:
        return QByteArrayLiteral("PATCH");
    default:
        return QByteArrayLiteral("UNKNOWN");
    }
}

std::optional<Decimal> optionalDecimal(const QJsonObject &args, const QString &key)
{
    const QJsonValue value = args.value(key);
    if (value.isString()) {
        auto parsed = Decimal::parse(value.toString());
        if (parsed)
            return *parsed;
    } else if (value.isDouble()) {
        auto parsed = Decimal::parse(QString::number(value.toDouble(), 'g', 15));
        if (parsed)
            return *parsed;
    }
    return std::nullopt;
}

FakeResponse controlError(int status, const QString &message)
{
    return FakeResponse::json(status, QJsonObject{{QStringLiteral("error"), message}});
}

FakeResponse controlOk(QJsonObject object = {})
{
    object.insert(QStringLiteral("ok"), true);
    return FakeResponse::json(200, object);
}

} // namespace

QByteArray FakeRequest::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

bool FakeRequest::hasHeader(const QByteArray &name) const
{
    for (const auto &entry : headers) {
        if (entry.first.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

FakeResponse FakeResponse::json(int status, const QJsonObject &object)
{
    FakeResponse response;
    response.status = status;
    response.body = QJsonDocument(object).toJson(QJsonDocument::Compact);
    return response;
}

FakeResponse FakeResponse::json(int status, const QJsonArray &array)
{
    FakeResponse response;
    response.status = status;
    response.body = QJsonDocument(array).toJson(QJsonDocument::Compact);
    return response;
}

FakeResponse FakeResponse::gateway(int status, bool emptyBody)
{
    FakeResponse response;
    response.status = status;
    if (emptyBody) {
        response.contentType.clear();
        return response;
    }
    const QByteArray title = QByteArray::number(status) + ' ' + reasonPhrase(status);
    response.contentType = QByteArrayLiteral("text/html");
    response.body = "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title
        + "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
    return response;
}

FakeExchange::FakeExchange(QObject *parent)
    : QAbstractHttpServer(parent)
{
}

FakeExchange::~FakeExchange()
{
    dropHeldRequests();
}

bool FakeExchange::listenLocal(quint16 port)
{
    if (m_server)
        return m_server->isListening();
    auto *server = new TapServer(this);
    if (!server->listen(QHostAddress::LocalHost, port)) {
        delete server;
        return false;
    }
    m_server = server;
    bind(server);
    return true;
}

quint16 FakeExchange::port() const
{
    return m_server ? m_server->serverPort() : 0;
}

QUrl FakeExchange::baseUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port()));
}

qint64 FakeExchange::serverTimeMs() const
{
    return QDateTime::currentMSecsSinceEpoch() + m_clockOffsetMs;
}

void FakeExchange::setBalance(const QString &asset, const Decimal &free, const Decimal &locked)
{
    m_book.setBalance(asset, free, locked);
}

void FakeExchange::setPrice(const QString &symbol, const Decimal &last)
{
    m_book.setPrice(symbol, last);
}

void FakeExchange::setFillModel(const QString &symbol, int fillCount, const Decimal &fillFraction,
                                const Decimal &fillPriceStep)
{
    const QStringList symbols = symbol.isEmpty() ? m_book.symbols() : QStringList{symbol};
    for (const QString &s : symbols) {
        if (BookMarket *m = m_book.market(s)) {
            m->fillCount = qMax(1, fillCount);
            m->fillFraction = fillFraction;
            m->fillPriceStep = fillPriceStep;
        }
    }
}

int FakeExchange::injectFault(FakeEndpoint endpoint, FaultKind kind, int count, int delayMs)
{
    FaultRule rule;
    rule.endpoint = endpoint;
    rule.kind = kind;
    rule.count = count;
    rule.delayMs = delayMs;
    return m_faults.add(rule);
}

int FakeExchange::requestCount(FakeEndpoint endpoint) const
{
    int n = 0;
    for (const RequestRecord &record : m_log) {
        if (endpoint == FakeEndpoint::Any || record.endpoint == endpoint)
            ++n;
    }
    return n;
}

int FakeExchange::heldRequestCount() const
{
    int n = 0;
    for (const QPointer<QTcpSocket> &socket : m_held) {
        if (socket && socket->state() == QAbstractSocket::ConnectedState)
            ++n;
    }
    return n;
}

void FakeExchange::dropHeldRequests()
{
    const auto held = std::exchange(m_held, {});
    for (const QPointer<QTcpSocket> &socket : held) {
        if (socket)
            socket->abort();
    }
}

QList<BookOrder> FakeExchange::ordersWithClientId(const QString &clientOrderId) const
{
    QList<BookOrder> result;
    for (const BookOrder &order : m_book.orders()) {
        if (order.clientOrderId == clientOrderId)
            result.append(order);
    }
    return result;
}

void FakeExchange::reset()
{
    dropHeldRequests();
    m_book = FakeOrderBook();
    m_faults.clear();
    m_log.clear();
    m_clockOffsetMs = 0;
    restoreDefaults();
}

FormParams FakeExchange::parseForm(const QByteArray &encoded)
{
    FormParams params;
    const QList<QByteArray> parts = encoded.split('&');
    for (QByteArray part : parts) {
        if (part.isEmpty())
            continue;
        part.replace('+', ' ');
        const qsizetype eq = part.indexOf('=');
        const QByteArray key = eq < 0 ? part : part.left(eq);
        const QByteArray value = eq < 0 ? QByteArray() : part.mid(eq + 1);
        params.append({QString::fromUtf8(QByteArray::fromPercentEncoding(key)),
                       QString::fromUtf8(QByteArray::fromPercentEncoding(value))});
    }
    return params;
}

QString FakeExchange::statusName(OrderStatus status)
{
    switch (status) {
    case OrderStatus::New:
        return QStringLiteral("NEW");
    case OrderStatus::PartiallyFilled:
        return QStringLiteral("PARTIALLY_FILLED");
    case OrderStatus::Filled:
        return QStringLiteral("FILLED");
    case OrderStatus::Canceled:
        return QStringLiteral("CANCELED");
    case OrderStatus::Expired:
        return QStringLiteral("EXPIRED");
    }
    return {};
}

std::optional<FakeResponse> FakeExchange::admit(const FakeRequest &)
{
    return std::nullopt;
}

void FakeExchange::decorate(const FakeRequest &, FakeResponse &) {}

std::optional<FakeResponse> FakeExchange::control(const QString &, const QJsonObject &)
{
    return std::nullopt;
}

QJsonObject FakeExchange::orderToJson(const BookOrder &order) const
{
    QJsonArray fills;
    for (const BookFill &fill : order.fills) {
        fills.append(QJsonObject{
            {QStringLiteral("tradeId"), fill.tradeId},
            {QStringLiteral("tradeRef"), fill.tradeRef},
            {QStringLiteral("price"), fill.price.toString()},
            {QStringLiteral("qty"), fill.qty.toString()},
            {QStringLiteral("quoteQty"), fill.quoteQty.toString()},
            {QStringLiteral("commission"), fill.commission.toString()},
            {QStringLiteral("commissionAsset"), fill.commissionAsset},
            {QStringLiteral("timeMs"), fill.timeMs},
            {QStringLiteral("maker"), fill.maker},
        });
    }
    return QJsonObject{
        {QStringLiteral("id"), order.id},
        {QStringLiteral("ref"), order.ref},
        {QStringLiteral("clientOrderId"), order.clientOrderId},
        {QStringLiteral("symbol"), order.symbol},
        {QStringLiteral("side"), order.side == Side::Buy ? QStringLiteral("BUY") : QStringLiteral("SELL")},
        {QStringLiteral("type"), order.type == OrderType::Market ? QStringLiteral("MARKET") : QStringLiteral("LIMIT")},
        {QStringLiteral("price"), order.price.toString()},
        {QStringLiteral("origQty"), order.origQty.toString()},
        {QStringLiteral("executedQty"), order.executedQty.toString()},
        {QStringLiteral("cumQuote"), order.cumQuote.toString()},
        {QStringLiteral("status"), statusName(order.status)},
        {QStringLiteral("createdMs"), order.createdMs},
        {QStringLiteral("visibleFromMs"), order.visibleFromMs},
        {QStringLiteral("fills"), fills},
    };
}

bool FakeExchange::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    FakeRequest r;
    r.method = methodName(request.method());
    const QUrl url = request.url();
    QByteArray target;
    if (RawTap *tap = RawTap::of(socket)) {
        if (auto taken = tap->take()) {
            const QByteArray rawPath = taken->second.left(taken->second.indexOf('?'));
            if (taken->first == r.method && QByteArray::fromPercentEncoding(rawPath) == url.path().toUtf8())
                target = taken->second;
            else
                tap->breakSync();
        }
    }
    if (target.isEmpty()) {
        target = url.path(QUrl::FullyEncoded).toLatin1();
        if (url.hasQuery())
            target += '?' + url.query(QUrl::FullyEncoded).toLatin1();
    }
    r.rawTarget = target;
    const qsizetype question = target.indexOf('?');
    r.rawPath = question < 0 ? target : target.left(question);
    r.rawQuery = question < 0 ? QByteArray() : target.mid(question + 1);
    r.path = QString::fromUtf8(QByteArray::fromPercentEncoding(r.rawPath));
    r.body = request.body();
    r.headers = request.headers();
    r.receivedMs = serverTimeMs();

    if (m_controlEnabled && r.path.startsWith(QLatin1String("/__control/"))) {
        write(socket, handleControl(r));
        return true;
    }
    dispatch(r, socket);
    return true;
}

void FakeExchange::missingHandler(const QHttpServerRequest &, QTcpSocket *socket)
{
    write(socket, FakeResponse::gateway(404, false));
}

void FakeExchange::dispatch(const FakeRequest &incoming, QTcpSocket *socket)
{
    FakeRequest request = incoming;
    request.endpoint = classify(request);
    if (m_gate)
        m_gate(request);
    const QPointer<QTcpSocket> guard(socket);
    if (m_stageGate && m_stageGate(request, RequestStage::Received) == GateVerdict::Drop) {
        finish(request, guard, std::nullopt, std::nullopt, false);
        return;
    }
    if (auto refused = admit(request)) {
        finish(request, guard, refused, std::nullopt, false);
        return;
    }
    const std::optional<FaultRule> fault = m_faults.take(request.endpoint);
    if (fault) {
        switch (fault->kind) {
        case FaultKind::TimeoutBeforeAccept:
            finish(request, guard, std::nullopt, fault, false);
            return;
        case FaultKind::ConnectionResetBeforeAccept:
            finish(request, guard, std::nullopt, fault, true);
            return;
        case FaultKind::Http5xxBeforeAccept:
            finish(request, guard, FakeResponse::gateway(fault->httpStatus ? fault->httpStatus : 503, fault->emptyBody),
                   fault, false);
            return;
        case FaultKind::InvalidTimestamp:
        case FaultKind::RateLimited:
        case FaultKind::Banned:
        case FaultKind::ServiceUnavailable:
            finish(request, guard, faultResponse(request, *fault), fault, false);
            return;
        case FaultKind::DelayBeforeAccept:
            QTimer::singleShot(qMax(0, fault->delayMs), this, [this, request, guard, fault] {
                if (guard)
                    runAccepted(request, guard, fault);
            });
            return;
        default:
            break;
        }
    }
    runAccepted(request, guard, fault);
}

void FakeExchange::runAccepted(const FakeRequest &request, const QPointer<QTcpSocket> &socket,
                               const std::optional<FaultRule> &fault)
{
    ProcessContext context;
    context.fault = fault;
    context.nowMs = serverTimeMs();
    FakeResponse response = process(request, context);
    if (m_stageGate && m_stageGate(request, RequestStage::Processed) == GateVerdict::Drop) {
        finish(request, socket, std::nullopt, fault, false);
        return;
    }
    if (fault) {
        switch (fault->kind) {
        case FaultKind::TimeoutAfterAccept:
            finish(request, socket, std::nullopt, fault, false);
            return;
        case FaultKind::ConnectionResetAfterAccept:
            finish(request, socket, std::nullopt, fault, true);
            return;
        case FaultKind::Http5xxAfterAccept:
            response = FakeResponse::gateway(fault->httpStatus ? fault->httpStatus : 503, fault->emptyBody);
            break;
        case FaultKind::UnknownStatusAfterAccept:
            response = faultResponse(request, *fault);
            break;
        case FaultKind::DelayAfterAccept:
            QTimer::singleShot(qMax(0, fault->delayMs), this, [this, request, socket, fault, response] {
                finish(request, socket, response, fault, false);
            });
            return;
        default:
            break;
        }
    }
    finish(request, socket, response, fault, false);
}

void FakeExchange::finish(const FakeRequest &request, const QPointer<QTcpSocket> &socket,
                          std::optional<FakeResponse> response, const std::optional<FaultRule> &fault, bool reset)
{
    RequestRecord record;
    record.endpoint = request.endpoint;
    record.method = request.method;
    record.path = request.path;
    record.receivedMs = request.receivedMs;
    record.fault = fault ? FaultInjector::kindName(fault->kind) : QString();
    if (reset) {
        // Deferred, so that QAbstractHttpServer has finished with the socket first.
        QTimer::singleShot(0, this, [socket] {
            if (socket)
                socket->abort();
        });
    } else if (!response) {
        if (socket)
            m_held.append(socket);
    } else {
        decorate(request, *response);
        if (socket)
            write(socket, *response);
        record.status = response->status;
    }
    m_log.append(record);
    Q_EMIT requestDone(record);
}

void FakeExchange::write(QTcpSocket *socket, const FakeResponse &response)
{
    if (!socket || socket->state() != QAbstractSocket::ConnectedState)
        return;
    QByteArray out = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reasonPhrase(response.status) + "\r\n";
    if (!response.contentType.isEmpty())
        out += "Content-Type: " + response.contentType + "\r\n";
    out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    for (const auto &[name, value] : response.headers)
        out += name + ": " + value + "\r\n";
    out += "Connection: keep-alive\r\n\r\n";
    out += response.body;
    socket->write(out);
}

FakeResponse FakeExchange::controlOrders() const
{
    QJsonArray orders;
    for (const BookOrder &order : m_book.orders())
        orders.append(orderToJson(order));
    return FakeResponse::json(200, QJsonObject{{QStringLiteral("orders"), orders}});
}

FakeResponse FakeExchange::controlBalances() const
{
    QJsonObject balances;
    for (const QString &asset : m_book.assets()) {
        balances.insert(asset,
                        QJsonObject{{QStringLiteral("free"), m_book.free(asset).toString()},
                                    {QStringLiteral("locked"), m_book.locked(asset).toString()}});
    }
    return FakeResponse::json(200, QJsonObject{{QStringLiteral("balances"), balances}});
}

FakeResponse FakeExchange::handleControl(const FakeRequest &request)
{
    const QString name = request.path.mid(QStringLiteral("/__control/").size());
    QJsonObject args;
    if (!request.body.trimmed().isEmpty()) {
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(request.body, &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject())
            return controlError(400, QStringLiteral("body must be a JSON object"));
        args = doc.object();
    }
    const bool get = request.method == "GET";

    if (name == QLatin1String("orders"))
        return controlOrders();
    if (name == QLatin1String("balances")) {
        if (get)
            return controlBalances();
        for (auto it = args.constBegin(); it != args.constEnd(); ++it) {
            std::optional<Decimal> free;
            std::optional<Decimal> locked = Decimal();
            if (it.value().isObject()) {
                free = optionalDecimal(it.value().toObject(), QStringLiteral("free"));
                if (it.value().toObject().contains(QStringLiteral("locked")))
                    locked = optionalDecimal(it.value().toObject(), QStringLiteral("locked"));
            } else {
                free = optionalDecimal(args, it.key());
            }
            if (!free || !locked)
                return controlError(400, QStringLiteral("bad amount for %1").arg(it.key()));
            m_book.setBalance(it.key(), *free, *locked);
        }
        return controlBalances();
    }
    if (name == QLatin1String("prices")) {
        for (auto it = args.constBegin(); it != args.constEnd(); ++it) {
            const auto price = optionalDecimal(args, it.key());
            if (!price || !m_book.hasMarket(it.key()))
                return controlError(400, QStringLiteral("bad price or unknown market %1").arg(it.key()));
            m_book.setPrice(it.key(), *price);
        }
        return controlOk();
    }
    if (name == QLatin1String("fault")) {
        QString error;
        const auto rule = FaultInjector::ruleFromJson(args, &error);
        if (!rule)
            return controlError(400, error);
        return controlOk(QJsonObject{{QStringLiteral("id"), m_faults.add(*rule)}});
    }
    if (name == QLatin1String("faults/clear")) {
        m_faults.clear();
        return controlOk();
    }
    if (name == QLatin1String("clock")) {
        if (args.contains(QStringLiteral("offsetMs")))
            m_clockOffsetMs = args.value(QStringLiteral("offsetMs")).toInteger();
        if (args.contains(QStringLiteral("advanceMs")))
            m_clockOffsetMs += args.value(QStringLiteral("advanceMs")).toInteger();
        return controlOk(
            QJsonObject{{QStringLiteral("serverTime"), serverTimeMs()}, {QStringLiteral("offsetMs"), m_clockOffsetMs}});
    }
    if (name == QLatin1String("fill")) {
        const QString ref = args.value(QStringLiteral("order")).toVariant().toString();
        const QString error = fillByRef(ref, optionalDecimal(args, QStringLiteral("qty")),
                                        optionalDecimal(args, QStringLiteral("price")));
        if (!error.isEmpty())
            return controlError(400, error);
        return controlOk();
    }
    if (name == QLatin1String("market")) {
        const QString symbol = args.value(QStringLiteral("symbol")).toString();
        const QStringList symbols = symbol.isEmpty() ? m_book.symbols() : QStringList{symbol};
        for (const QString &s : symbols) {
            BookMarket *m = m_book.market(s);
            if (!m)
                return controlError(400, QStringLiteral("unknown market %1").arg(s));
            if (args.contains(QStringLiteral("fillCount")))
                m->fillCount = qMax(1, args.value(QStringLiteral("fillCount")).toInt());
            if (auto v = optionalDecimal(args, QStringLiteral("fillFraction")))
                m->fillFraction = *v;
            if (auto v = optionalDecimal(args, QStringLiteral("fillPriceStep")))
                m->fillPriceStep = *v;
            if (auto v = optionalDecimal(args, QStringLiteral("halfSpread")))
                m->halfSpread = *v;
            if (auto v = optionalDecimal(args, QStringLiteral("makerFee")))
                m->makerFee = *v;
            if (auto v = optionalDecimal(args, QStringLiteral("takerFee")))
                m->takerFee = *v;
            const QString feeAsset = args.value(QStringLiteral("feeAsset")).toString();
            if (feeAsset == QLatin1String("received"))
                m->feeAsset = FeeAssetPolicy::Received;
            else if (feeAsset == QLatin1String("quote"))
                m->feeAsset = FeeAssetPolicy::Quote;
            else if (feeAsset == QLatin1String("base"))
                m->feeAsset = FeeAssetPolicy::Base;
        }
        return controlOk();
    }
    if (name == QLatin1String("reset")) {
        reset();
        return controlOk();
    }
    if (name == QLatin1String("requests")) {
        QJsonArray records;
        for (const RequestRecord &record : m_log) {
            records.append(QJsonObject{
                {QStringLiteral("endpoint"), FaultInjector::endpointName(record.endpoint)},
                {QStringLiteral("method"), QString::fromLatin1(record.method)},
                {QStringLiteral("path"), record.path},
                {QStringLiteral("receivedMs"), record.receivedMs},
                {QStringLiteral("status"), record.status},
                {QStringLiteral("fault"), record.fault},
            });
        }
        return FakeResponse::json(
            200, QJsonObject{{QStringLiteral("requests"), records}, {QStringLiteral("held"), heldRequestCount()}});
    }
    if (auto answer = control(name, args))
        return *answer;
    return controlError(404, QStringLiteral("unknown control command %1").arg(name));
}

} // namespace ballast::test::fake
