#pragma once

#include "fakecandles.h"

#include <QAbstractHttpServer>
#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>
#include <QUrl>

QT_BEGIN_NAMESPACE
class QTcpServer;
QT_END_NAMESPACE

namespace ballast::test::fake {

/// A loopback CoinGecko API (v3) with the answers Ballast reads:
///
/// - `GET /api/v3/coins/list`: [{"id", "symbol", "name"}] of the coins set;
/// - `GET /api/v3/coins/{id}/market_chart/range?vs_currency=usd&from=S&to=S`:
///   {"prices", "market_caps", "total_volumes"} as [ms, value] pairs with
///   CoinGecko's automatic granularity (hourly up to 90 days, daily points at
///   00:00 UTC beyond, plus the latest point when the range reaches now);
/// - HTTP 401 with error code 10012 when `from` is more than 365 days back
///   (keyless and Demo access reach back 365 days, as CoinGecko answers);
/// - HTTP 404 {"error": "coin not found"} for an unknown id, 400 for a
///   missing or unknown vs_currency, 401 (code 10002) for a wrong Demo key;
/// - HTTP 429 with Retry-After and CoinGecko's {"status": {"error_code": 429,
///   ...}} body for the requests setRateLimited() names.
class FakeCoinGecko : public QAbstractHttpServer
{
    Q_OBJECT

public:
    struct Coin
    {
        QString id; ///< "bitcoin"
        QString symbol; ///< "btc"
        QString name; ///< "Bitcoin"
        FakeCandleHistory history; ///< prices, and market caps from its supply
    };

    /// Starts with bitcoin, ethereum and solana (with supplies, so market caps).
    explicit FakeCoinGecko(QObject *parent = nullptr);
    bool listenLocal(quint16 port = 0);
    [[nodiscard]] quint16 port() const;
    /// "http://127.0.0.1:PORT" (the API's paths start with /api/v3).
    [[nodiscard]] QUrl baseUrl() const;

    void addCoin(const Coin &coin);
    [[nodiscard]] const Coin *coin(const QString &id) const;
    /// The fake's clock: the system time, or this time when set (0: the system time).
    void setNowMs(qint64 ms) { m_nowMs = ms; }
    [[nodiscard]] qint64 nowMs() const;
    /// Requests must carry this x-cg-demo-api-key (empty: any or none).
    void setDemoKey(const QByteArray &key) { m_demoKey = key; }
    /// After @p answered more requests, the next @p refused get HTTP 429 with
    /// Retry-After @p retryAfterSec; then answers resume (refused -1: never).
    void setRateLimited(int answered, int refused, int retryAfterSec = 1);
    /// The paths and queries asked for, in order; the Demo keys they carried.
    [[nodiscard]] const QStringList &requests() const { return m_requests; }
    [[nodiscard]] const QList<QByteArray> &keysSeen() const { return m_keys; }
    [[nodiscard]] int rateLimitedCount() const { return m_refusedCount; }

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    QByteArray marketChart(const Coin &coin, qint64 fromMs, qint64 toMs) const;

    QTcpServer *m_server = nullptr;
    QHash<QString, Coin> m_coins;
    QStringList m_coinOrder;
    qint64 m_nowMs = 0;
    QByteArray m_demoKey;
    int m_answerBeforeLimit = -1; ///< -1: no limit set
    int m_refuse = 0;
    int m_retryAfterSec = 1;
    int m_refusedCount = 0;
    QStringList m_requests;
    QList<QByteArray> m_keys;
};

} // namespace ballast::test::fake
