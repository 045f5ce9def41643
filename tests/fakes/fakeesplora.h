#pragma once

#include <QAbstractHttpServer>
#include <QHash>
#include <QString>
#include <QStringList>
#include <QUrl>

QT_BEGIN_NAMESPACE
class QTcpServer;
QT_END_NAMESPACE

namespace ballast::test::fake {

/// A loopback Esplora server (the REST API of Blockstream's esplora, also
/// served by mempool.space and electrs) with the answers Ballast reads:
///
/// - `GET /address/{address}`: `{"address", "chain_stats", "mempool_stats"}`,
///   each stats object with funded_txo_count, funded_txo_sum, spent_txo_count,
///   spent_txo_sum and tx_count, as esplora writes them; an address nobody
///   set has all zeros, as on a real server;
/// - `GET /address/{address}/utxo`: the unspent outputs (one per funded
///   output set, confirmed, with a made-up txid);
/// - `GET /blocks/tip/height`: a plain-text number;
/// - HTTP 400 `Invalid Bitcoin address` (text/plain) for text that is not
///   shaped like an address, as esplora answers;
/// - HTTP 429 `Too Many Requests` with `Retry-After` once more than the set
///   number of requests arrived (setRequestLimit), as public instances do.
class FakeEsplora : public QAbstractHttpServer
{
    Q_OBJECT

public:
    struct Stats
    {
        qint64 funded = 0; ///< satoshis received (confirmed)
        qint64 spent = 0; ///< satoshis sent (confirmed)
        qint64 txCount = 0; ///< confirmed transactions
        qint64 mempoolFunded = 0;
        qint64 mempoolSpent = 0;
        qint64 mempoolTxCount = 0;
    };

    explicit FakeEsplora(QObject *parent = nullptr);
    bool listenLocal(quint16 port = 0);
    [[nodiscard]] quint16 port() const;
    [[nodiscard]] QUrl baseUrl() const;

    void setAddress(const QString &address, const Stats &stats) { m_addresses.insert(address, stats); }
    /// From now on, @p requests more are answered and every further one gets HTTP 429 (0: no limit).
    void setRequestLimit(int requests)
    {
        m_limit = requests;
        m_answered = 0;
    }
    /// The paths asked for, in order ("/address/bc1q...").
    [[nodiscard]] const QStringList &requests() const { return m_requests; }

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    QTcpServer *m_server = nullptr;
    QHash<QString, Stats> m_addresses;
    QStringList m_requests;
    int m_limit = 0;
    int m_answered = 0;
};

} // namespace ballast::test::fake
