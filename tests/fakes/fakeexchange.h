#pragma once

#include "fakefault.h"
#include "fakeorderbook.h"

#include <QAbstractHttpServer>
#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QPointer>
#include <QUrl>

#include <functional>
#include <optional>

QT_BEGIN_NAMESPACE
class QTcpServer;
class QTcpSocket;
QT_END_NAMESPACE

namespace ballast::test::fake {

using RawHeaders = QList<QPair<QByteArray, QByteArray>>;
using FormParams = QList<QPair<QString, QString>>;

/// One HTTP request exactly as the fake received it (target and body byte for byte).
struct FakeRequest
{
    QByteArray method; ///< "GET", "POST", "DELETE", ...
    QByteArray rawTarget; ///< request-target of the request line, e.g. "/api/v3/order?symbol=..."
    QByteArray rawPath; ///< rawTarget before '?', still percent-encoded
    QByteArray rawQuery; ///< rawTarget after '?', exactly as sent (empty if none)
    QString path; ///< rawPath percent-decoded
    QByteArray body;
    RawHeaders headers;
    qint64 receivedMs = 0; ///< fake server clock when the request arrived
    FakeEndpoint endpoint = FakeEndpoint::Other;

    /// Case-insensitive header lookup; null if absent.
    [[nodiscard]] QByteArray header(const QByteArray &name) const;
    [[nodiscard]] bool hasHeader(const QByteArray &name) const;
};

/// The answer the fake writes back.
struct FakeResponse
{
    int status = 200;
    QByteArray contentType = QByteArrayLiteral("application/json;charset=UTF-8");
    QByteArray body;
    RawHeaders headers;

    static FakeResponse json(int status, const QJsonObject &object);
    static FakeResponse json(int status, const QJsonArray &array);
    /// A gateway-style 5xx: an nginx/CloudFront HTML page, or an empty body.
    static FakeResponse gateway(int status, bool emptyBody);
};

/// The fault (if any) that fired for a request, as seen by the exchange logic.
struct ProcessContext
{
    std::optional<FaultRule> fault;
    qint64 nowMs = 0; ///< server time at processing (after a DelayBeforeAccept)

    [[nodiscard]] bool has(FaultKind kind) const { return fault && fault->kind == kind; }
};

/// Where a request is when the stage gate (FakeExchange::setStageGate) sees it.
enum class RequestStage {
    Received, ///< just arrived: the exchange has not acted on it
    Processed, ///< the exchange acted on it (order created, cancel done); its answer is not written yet
};

/// What the fake does with a request after its stage gate.
enum class GateVerdict {
    Continue, ///< carry on as usual
    Drop, ///< stop here: nothing more is done and no answer is written (the request is held, as a timeout)
};

/// One request in the fake's log.
struct RequestRecord
{
    FakeEndpoint endpoint = FakeEndpoint::Other;
    QByteArray method;
    QString path;
    qint64 receivedMs = 0;
    int status = 0; ///< HTTP status written; 0 = never answered (held) or connection reset
    QString fault; ///< name of the fault kind that fired, empty if none
};

/// Base of the loopback fake exchanges: an HTTP/1.1 server on 127.0.0.1 that
/// sees every request byte for byte (the raw request-target, not a re-encoded
/// QUrl, so signatures are checked over exactly what the client sent), owns the
/// fake's server clock, the order book and the fault injector, writes answers
/// itself (so it can hold a request forever, answer late or reset the
/// connection), logs requests and serves the /__control test endpoints.
class FakeExchange : public QAbstractHttpServer
{
    Q_OBJECT

public:
    ~FakeExchange() override;

    /// Listens on 127.0.0.1:@p port (0 = a free port). False if binding failed.
    bool listenLocal(quint16 port = 0);
    [[nodiscard]] quint16 port() const;
    /// "http://127.0.0.1:PORT".
    [[nodiscard]] QUrl baseUrl() const;

    /// The fake's server clock: system time plus an adjustable offset.
    [[nodiscard]] qint64 serverTimeMs() const;
    [[nodiscard]] qint64 clockOffsetMs() const { return m_clockOffsetMs; }
    void setClockOffsetMs(qint64 offsetMs) { m_clockOffsetMs = offsetMs; }
    void advanceClock(qint64 ms) { m_clockOffsetMs += ms; }

    FakeOrderBook &book() { return m_book; }
    [[nodiscard]] const FakeOrderBook &book() const { return m_book; }
    void setBalance(const QString &asset, const Decimal &free, const Decimal &locked = {});
    void setPrice(const QString &symbol, const Decimal &last);
    /// Taker fills per order, share of liquidity, price step between fills, for one market (empty symbol = all).
    void setFillModel(const QString &symbol, int fillCount, const Decimal &fillFraction = Decimal::fromInt(1),
                      const Decimal &fillPriceStep = {});

    FaultInjector &faults() { return m_faults; }
    int injectFault(const FaultRule &rule) { return m_faults.add(rule); }
    int injectFault(FakeEndpoint endpoint, FaultKind kind, int count = 1, int delayMs = 0);
    void clearFaults() { m_faults.clear(); }

    [[nodiscard]] const QList<RequestRecord> &requestLog() const { return m_log; }
    [[nodiscard]] int requestCount(FakeEndpoint endpoint) const;
    void clearRequestLog() { m_log.clear(); }

    /// Requests held without an answer whose connection is still open.
    [[nodiscard]] int heldRequestCount() const;
    /// Aborts the connections of all held requests.
    void dropHeldRequests();

    /// Every order ever accepted, oldest first (including ones still invisible).
    [[nodiscard]] QList<BookOrder> allOrders() const { return m_book.orders(); }
    /// Orders accepted under @p clientOrderId (more than one means a duplicate was placed).
    [[nodiscard]] QList<BookOrder> ordersWithClientId(const QString &clientOrderId) const;

    /// Clears orders, balances, faults, the clock offset and the request log and restores the default
    /// markets and prices; credentials and configured limits are kept.
    virtual void reset();

    /// Called in the fake's own thread with every API request before the
    /// exchange acts on it; it may block that thread (a test holds requests
    /// until another thread lets them go). Empty: none.
    void setRequestGate(std::function<void(const FakeRequest &)> gate) { m_gate = std::move(gate); }

    using StageGate = std::function<GateVerdict(const FakeRequest &, RequestStage)>;
    /// Called in the fake's own thread for every API request twice: when it
    /// arrives (RequestStage::Received, after the request gate, before rate
    /// limits and faults) and after the exchange acted on it
    /// (RequestStage::Processed, before an after-accept fault or the answer).
    /// A crash test kills its client there and drops the request, so that a
    /// kill lands exactly between two protocol events. Empty: none.
    void setStageGate(StageGate gate) { m_stageGate = std::move(gate); }

    /// Serves POST/GET /__control/... (on by default).
    void setControlEnabled(bool enabled) { m_controlEnabled = enabled; }

    /// Splits an application/x-www-form-urlencoded string into decoded pairs ('+' is a space).
    static FormParams parseForm(const QByteArray &encoded);
    /// Whether lookups at server time @p nowMs see @p order (see FaultKind::DelayedVisibility).
    [[nodiscard]] bool isVisible(const BookOrder &order, qint64 nowMs) const { return order.visibleFromMs <= nowMs; }

Q_SIGNALS:
    /// Emitted after each API request was dealt with (answered, held or reset).
    void requestDone(const ballast::test::fake::RequestRecord &record);

protected:
    explicit FakeExchange(QObject *parent = nullptr);

    /// Endpoint family of a request (Other for unknown paths).
    virtual FakeEndpoint classify(const FakeRequest &request) const = 0;
    /// Admission before faults (rate limits, bans); a response stops the request.
    virtual std::optional<FakeResponse> admit(const FakeRequest &request);
    /// The exchange's answer for the error-style fault kinds (InvalidTimestamp,
    /// RateLimited, Banned, ServiceUnavailable, UnknownStatusAfterAccept).
    virtual FakeResponse faultResponse(const FakeRequest &request, const FaultRule &rule) = 0;
    /// Runs the request against the fake exchange.
    virtual FakeResponse process(const FakeRequest &request, const ProcessContext &context) = 0;
    /// Adds the headers every response carries (e.g. X-MBX-USED-WEIGHT-1M).
    virtual void decorate(const FakeRequest &request, FakeResponse &response);
    /// Exchange-specific control commands; nullopt if @p name is unknown.
    virtual std::optional<FakeResponse> control(const QString &name, const QJsonObject &args);
    /// One order as the /__control/orders listing shows it.
    virtual QJsonObject orderToJson(const BookOrder &order) const;
    /// Fills a resting order named by an exchange id string (control endpoint); error text or empty.
    virtual QString fillByRef(const QString &ref, std::optional<Decimal> qty, std::optional<Decimal> price) = 0;
    /// Called by reset() so that subclasses restore markets, credentials and limits.
    virtual void restoreDefaults() = 0;

    static QString statusName(OrderStatus status);

private:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

    void dispatch(const FakeRequest &request, QTcpSocket *socket);
    void runAccepted(const FakeRequest &request, const QPointer<QTcpSocket> &socket,
                     const std::optional<FaultRule> &fault);
    void finish(const FakeRequest &request, const QPointer<QTcpSocket> &socket, std::optional<FakeResponse> response,
                const std::optional<FaultRule> &fault, bool reset);
    void write(QTcpSocket *socket, const FakeResponse &response);
    FakeResponse handleControl(const FakeRequest &request);
    FakeResponse controlOrders() const;
    FakeResponse controlBalances() const;

    QTcpServer *m_server = nullptr;
    qint64 m_clockOffsetMs = 0;
    FakeOrderBook m_book;
    FaultInjector m_faults;
    QList<RequestRecord> m_log;
    QList<QPointer<QTcpSocket>> m_held;
    bool m_controlEnabled = true;
    std::function<void(const FakeRequest &)> m_gate;
    StageGate m_stageGate;
};

} // namespace ballast::test::fake
