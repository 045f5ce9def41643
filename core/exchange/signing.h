#pragma once

#include "common/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <utility>

namespace ballast::exchange {

/// Request signing for the exchange connectors (Binance HMAC-SHA256, Kraken
/// HMAC-SHA512), checked against the vectors the exchanges publish. Stateless;
/// secrets are only borrowed, never kept.
class Signing
{
public:
    using Params = QList<std::pair<QString, QString>>;

    /// HMAC-SHA256 of message under key, as lowercase hex (what Binance expects).
    static QByteArray hmacSha256Hex(QByteArrayView key, QByteArrayView message);

    /// RFC 3986 percent-encoding of the UTF-8 bytes: unreserved characters
    /// (A-Z a-z 0-9 - . _ ~) kept, everything else %XX with upper-case hex.
    static QByteArray percentEncode(const QString &text);

    /// The exact bytes Binance signs: the encoded query string followed by the
    /// encoded body with no separator in between (either may be empty).
    static QByteArray binancePayload(const Params &query, const Params &body);

    /// Lowercase hex HMAC-SHA256 of queryString + body, both already encoded.
    static QByteArray binanceSignature(QByteArrayView secret, QByteArrayView queryString, QByteArrayView body);

    /// Kraken API-Sign: base64(HMAC-SHA512(base64decode(secret), uriPath + SHA256(nonce + postData))).
    /// Fails, without quoting the secret, when the secret is not valid base64.
    static Result<QByteArray> krakenSignature(QByteArrayView secretBase64, QByteArrayView uriPath, QByteArrayView nonce,
                                              QByteArrayView postData);

    /// Overwrites the array's bytes with OPENSSL_cleanse and empties it. Only this
    /// array's buffer is wiped: if it shares data with another QByteArray, the
    /// write detaches and the other copy survives, so avoid copying secrets.
    static void wipe(QByteArray &secret);
};

} // namespace ballast::exchange
