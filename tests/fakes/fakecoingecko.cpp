#include "fakecoingecko.h"

#include <QDateTime>
#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimeZone>
#include <QUrlQuery>

#include <algorithm>

namespace ballast::test::fake {

namespace {

constexpr qint64 kHourMs = 3'600'000;
constexpr qint64 kDayMs = 24 * kHourMs;

void writeAnswer(QTcpSocket *socket, int status, const QByteArray &body, const QByteArray &extraHeaders = {})
{
    static const QHash<int, QByteArray> reasons = {
        {200, "OK"}, {400, "Bad Request"}, {401, "Unauthorized"}, {404, "Not Found"}, {429, "Too Many Requests"}};
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasons.value(status, "Error") + "\r\n";
    out +=
        "Content-Type: application/json; charset=utf-8\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += extraHeaders;
    out += "Connection: keep-alive\r\n\r\n" + body;
    socket->write(out);
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QJsonObject status(int code, const QString &message)
{
    return QJsonObject{{QStringLiteral("error_code"), code}, {QStringLiteral("error_message"), message}};
}

} // namespace

FakeCoinGecko::FakeCoinGecko(QObject *parent)
    : QAbstractHttpServer(parent)
{
    const auto coinOf = [](const char *id, const char *symbol, const char *name, double base, double supply,
                           qint64 listedMs) {
        Coin coin{QLatin1String(id), QLatin1String(symbol), QLatin1String(name), {}};
        coin.history.basePrice = base;
        coin.history.supply = supply;
        coin.history.listedMs = listedMs;
        return coin;
    };
    addCoin(coinOf("bitcoin", "btc", "Bitcoin", 40000.0, 19.6e6, 1'367'107'200'000));
    addCoin(coinOf("ethereum", "eth", "Ethereum", 2500.0, 120.0e6, 1'438'905'600'000));
    addCoin(coinOf("solana", "sol", "Solana", 120.0, 450.0e6, 1'586'476'800'000));
}

bool FakeCoinGecko::listenLocal(quint16 port)
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

quint16 FakeCoinGecko::port() const
{
    return m_server ? m_server->serverPort() : 0;
}

QUrl FakeCoinGecko::baseUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port()));
}

void FakeCoinGecko::addCoin(const Coin &coin)
{
    if (!m_coins.contains(coin.id))
        m_coinOrder.append(coin.id);
    m_coins.insert(coin.id, coin);
}

const FakeCoinGecko::Coin *FakeCoinGecko::coin(const QString &id) const
{
    auto it = m_coins.constFind(id);
    return it == m_coins.cend() ? nullptr : &*it;
}

qint64 FakeCoinGecko::nowMs() const
{
    return m_nowMs > 0 ? m_nowMs : QDateTime::currentMSecsSinceEpoch();
}

void FakeCoinGecko::setRateLimited(int answered, int refused, int retryAfterSec)
{
    m_answerBeforeLimit = answered;
    m_refuse = refused;
    m_retryAfterSec = retryAfterSec;
}

QByteArray FakeCoinGecko::marketChart(const Coin &coin, qint64 fromMs, qint64 toMs) const
{
    const qint64 now = nowMs();
    const qint64 end = std::min(toMs, now);
    // CoinGecko's automatic granularity: hourly up to 90 days, daily beyond.
    const qint64 step = toMs - fromMs <= 90 * kDayMs ? kHourMs : kDayMs;
    QList<qint64> times;
    for (qint64 t = fromMs + (step - ((fromMs % step) + step) % step) % step; t <= end; t += step) {
        if (t >= coin.history.listedMs && !coin.history.missing.contains(t - t % kDayMs))
            times.append(t);
    }
    if (end >= fromMs && end % step != 0 && end >= coin.history.listedMs)
        times.append(end); // the latest snapshot, taken now
    QJsonArray prices;
    QJsonArray caps;
    QJsonArray volumes;
    for (qint64 t : std::as_const(times)) {
        const double price = fakePriceAt(coin.history, t);
        prices.append(QJsonArray{t, price});
        caps.append(QJsonArray{t, price * coin.history.supply});
        volumes.append(QJsonArray{t, price * 1000.0 * static_cast<double>(1 + (t / kDayMs) % 7)});
    }
    return compact(QJsonObject{{QStringLiteral("prices"), prices},
                               {QStringLiteral("market_caps"), caps},
                               {QStringLiteral("total_volumes"), volumes}});
}

bool FakeCoinGecko::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    const QString path = request.url().path();
    const QUrlQuery query(request.url());
    m_requests.append(request.url().toString(QUrl::RemoveScheme | QUrl::RemoveAuthority));
    const QByteArray key = request.value("x-cg-demo-api-key");
    m_keys.append(key);

    if (m_answerBeforeLimit == 0 && m_refuse != 0) {
        if (m_refuse > 0)
            --m_refuse;
        ++m_refusedCount;
        writeAnswer(socket, 429,
                    compact(QJsonObject{{QStringLiteral("status"),
                                         status(429,
                                                QStringLiteral("Rate limit reached: too many calls this "
                                                               "minute. Slow down or use an API plan."))}}),
                    "Retry-After: " + QByteArray::number(m_retryAfterSec) + "\r\n");
        return true;
    }
    if (m_answerBeforeLimit > 0)
        --m_answerBeforeLimit;

    if (!m_demoKey.isEmpty() && key != m_demoKey) {
        writeAnswer(socket, 401,
                    compact(QJsonObject{{QStringLiteral("status"),
                                         status(10002, QStringLiteral("The API key is missing or wrong."))}}));
        return true;
    }
    if (request.method() != QHttpServerRequest::Method::Get) {
        writeAnswer(socket, 404, compact(QJsonObject{{QStringLiteral("error"), QStringLiteral("Not Found")}}));
        return true;
    }
    if (path == QLatin1String("/api/v3/coins/list")) {
        QJsonArray list;
        for (const QString &id : std::as_const(m_coinOrder)) {
            const Coin &c = m_coins[id];
            list.append(QJsonObject{
                {QStringLiteral("id"), c.id}, {QStringLiteral("symbol"), c.symbol}, {QStringLiteral("name"), c.name}});
        }
        writeAnswer(socket, 200, QJsonDocument(list).toJson(QJsonDocument::Compact));
        return true;
    }
    static const QRegularExpression chartPath(QStringLiteral("^/api/v3/coins/([^/]+)/market_chart/range$"));
    const auto match = chartPath.match(path);
    if (!match.hasMatch()) {
        writeAnswer(socket, 404, compact(QJsonObject{{QStringLiteral("error"), QStringLiteral("Not Found")}}));
        return true;
    }
    const Coin *found = coin(match.captured(1));
    if (!found) {
        writeAnswer(socket, 404, compact(QJsonObject{{QStringLiteral("error"), QStringLiteral("coin not found")}}));
        return true;
    }
    const QString currency = query.queryItemValue(QStringLiteral("vs_currency"));
    if (currency != QLatin1String("usd") && currency != QLatin1String("eur")) {
        writeAnswer(socket, 400,
                    compact(QJsonObject{{QStringLiteral("error"),
                                         currency.isEmpty() ? QStringLiteral("Missing parameter vs_currency")
                                                            : QStringLiteral("invalid vs_currency")}}));
        return true;
    }
    bool fromOk = false;
    bool toOk = false;
    const double from = query.queryItemValue(QStringLiteral("from")).toDouble(&fromOk);
    const double to = query.queryItemValue(QStringLiteral("to")).toDouble(&toOk);
    if (!fromOk || !toOk || from > to) {
        writeAnswer(socket, 400,
                    compact(QJsonObject{{QStringLiteral("error"), QStringLiteral("invalid from or to parameter")}}));
        return true;
    }
    const qint64 fromMs = static_cast<qint64>(from * 1000.0);
    const qint64 toMs = static_cast<qint64>(to * 1000.0);
    if (fromMs < nowMs() - 365 * kDayMs) {
        const QString stamp = QDateTime::fromMSecsSinceEpoch(nowMs(), QTimeZone::utc()).toString(Qt::ISODateWithMs);
        QJsonObject inner = status(10012,
                                   QStringLiteral("This request reaches further back than the 365 days of "
                                                  "history the public and Demo plans allow; a paid plan "
                                                  "serves the full history."));
        inner.insert(QStringLiteral("timestamp"), stamp);
        writeAnswer(socket, 401,
                    compact(QJsonObject{{QStringLiteral("error"), QJsonObject{{QStringLiteral("status"), inner}}}}));
        return true;
    }
    writeAnswer(socket, 200, marketChart(*found, fromMs, toMs));
    return true;
}

void FakeCoinGecko::missingHandler(const QHttpServerRequest &, QTcpSocket *socket)
{
    writeAnswer(socket, 404, compact(QJsonObject{{QStringLiteral("error"), QStringLiteral("Not Found")}}));
}

} // namespace ballast::test::fake
