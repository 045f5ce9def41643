#include "chain/esplora.h"

#include "exchange/httpclient.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <cmath>

namespace ballast::chain {

namespace {

constexpr std::int64_t kMaxSats = 2'100'000'000'000'000; // 21 million BTC

Error answerError(const QString &why)
{
    return makeError(QStringLiteral("esplora.answer"), QStringLiteral("unexpected Esplora answer: %1").arg(why));
}

/// A whole number of satoshis from 0 to kMaxSats (JSON numbers are doubles:
/// below 2^53 they are exact).
Result<std::int64_t> satsField(const QJsonObject &object, const QString &section, const QString &name)
{
    const QJsonValue value = object.value(name);
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number < 0 || number > static_cast<double>(kMaxSats) || std::floor(number) != number)
        return answerError(QStringLiteral("%1.%2 is not a whole number from 0 to 21e14").arg(section, name));
    return static_cast<std::int64_t>(number);
}

struct Stats
{
    std::int64_t funded = 0;
    std::int64_t spent = 0;
    std::int64_t txCount = 0;
};

Result<Stats> statsOf(const QJsonObject &root, const QString &section)
{
    const QJsonValue value = root.value(section);
    if (!value.isObject())
        return answerError(QStringLiteral("%1 is missing").arg(section));
    const QJsonObject stats = value.toObject();
    Stats out;
    for (auto [field, target] : {std::pair{QStringLiteral("funded_txo_sum"), &out.funded},
                                 std::pair{QStringLiteral("spent_txo_sum"), &out.spent},
                                 std::pair{QStringLiteral("tx_count"), &out.txCount}}) {
        auto read = satsField(stats, section, field);
        if (!read)
            return read.error();
        *target = *read;
    }
    return out;
}

QString hostOf(const QUrl &url)
{
    return url.port() > 0 ? QStringLiteral("%1:%2").arg(url.host()).arg(url.port()) : url.host();
}

} // namespace

Result<AddressActivity> parseEsploraAddress(QByteArrayView body, QStringView address)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(body.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return answerError(QStringLiteral("not a JSON object"));
    const QJsonObject root = doc.object();
    if (root.value(QStringLiteral("address")).toString() != address)
        return answerError(QStringLiteral("it is about another address"));
    auto chain = statsOf(root, QStringLiteral("chain_stats"));
    if (!chain)
        return chain.error();
    auto mempool = statsOf(root, QStringLiteral("mempool_stats"));
    if (!mempool)
        return mempool.error();
    if (chain->spent > chain->funded)
        return answerError(QStringLiteral("chain_stats spends more than it funds"));
    AddressActivity out;
    out.address = address.toString();
    out.confirmedSats = chain->funded - chain->spent;
    out.pendingSats = mempool->funded - mempool->spent;
    out.txCount = chain->txCount + mempool->txCount;
    return out;
}

EsploraClient::EsploraClient(exchange::HttpClient &http, QUrl baseUrl)
    : m_http(http)
    , m_base(std::move(baseUrl))
{
}

Result<AddressActivity> EsploraClient::address(const QString &address)
{
    QUrl url = m_base;
    QString path = url.path();
    if (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    url.setPath(path + QStringLiteral("/address/") + address);
    ++m_requests;
    const exchange::HttpResponse response = m_http.get(url);
    const QString host = hostOf(m_base);
    if (!response.gotResponse()) {
        return makeError(QStringLiteral("esplora.network"),
                         QStringLiteral("%1 did not answer: %2")
                             .arg(host, response.timedOut ? QStringLiteral("timed out") : response.errorString));
    }
    if (response.status == 429) {
        const QByteArray wait = response.header("Retry-After");
        return makeError(QStringLiteral("esplora.rate_limit"),
                         QStringLiteral("%1 limits requests (HTTP 429)%2; sync again later")
                             .arg(host,
                                  wait.isEmpty()
                                      ? QString()
                                      : QStringLiteral(", it asks to wait %1 s").arg(QString::fromLatin1(wait))));
    }
    if (response.status != 200) {
        const QString words = QString::fromUtf8(response.body.left(200)).simplified();
        return makeError(QStringLiteral("esplora.status"),
                         QStringLiteral("%1 answered HTTP %2 for address %3%4")
                             .arg(host)
                             .arg(response.status)
                             .arg(address, words.isEmpty() ? QString() : QStringLiteral(": %1").arg(words)));
    }
    auto parsed = parseEsploraAddress(response.body, address);
    if (!parsed)
        return makeError(parsed.error().code, QStringLiteral("%1: %2").arg(host, parsed.error().message));
    return parsed;
}

Result<WalletScan> scanExtendedKey(const ExtendedPublicKey &key, EsploraClient &client, int gapLimit,
                                   const ScanProgress &progress)
{
    if (gapLimit < 1)
        return makeError(QStringLiteral("chain.gap"), QStringLiteral("the gap limit must be at least 1"));
    WalletScan scan;
    for (std::uint32_t change = 0; change <= 1; ++change) {
        auto chainKey = key.child(change);
        if (!chainKey)
            return chainKey.error();
        int unusedInRow = 0;
        for (std::uint32_t index = 0; unusedInRow < gapLimit; ++index) {
            auto leaf = chainKey->child(index);
            if (!leaf)
                continue; // an index BIP-32 skips (probability below 2^-127)
            const QString address = addressForPublicKey(leaf->publicKey(), key.scriptType(), key.network());
            auto activity = client.address(address);
            if (!activity)
                return activity.error();
            ScannedAddress scanned{QStringLiteral("%1/%2").arg(change).arg(index), *activity};
            unusedInRow = activity->used() ? 0 : unusedInRow + 1;
            scan.confirmedSats += activity->confirmedSats;
            scan.pendingSats += activity->pendingSats;
            scan.addresses.append(scanned);
            if (progress && !progress(scanned))
                return makeError(QStringLiteral("chain.cancelled"), QStringLiteral("the scan was cancelled"));
        }
    }
    return scan;
}

Result<WalletScan> scanAddresses(const QStringList &addresses, BitcoinNetwork network, EsploraClient &client,
                                 const ScanProgress &progress)
{
    WalletScan scan;
    for (const QString &text : addresses) {
        if (auto valid = parseBitcoinAddress(text, network); !valid)
            return makeError(valid.error().code, QStringLiteral("%1: %2").arg(text, valid.error().message));
        auto activity = client.address(text.trimmed());
        if (!activity)
            return activity.error();
        ScannedAddress scanned{QString(), *activity};
        scan.confirmedSats += activity->confirmedSats;
        scan.pendingSats += activity->pendingSats;
        scan.addresses.append(scanned);
        if (progress && !progress(scanned))
            return makeError(QStringLiteral("chain.cancelled"), QStringLiteral("the scan was cancelled"));
    }
    return scan;
}

} // namespace ballast::chain
