#include "exchange/baseurl.h"

#include <QHostAddress>

namespace ballast::exchange {

namespace {

Error refused(const QString &code, const QString &text, const QString &why)
{
    return makeError(code, QStringLiteral("base URL \"%1\": %2").arg(text, why));
}

} // namespace

bool isLoopbackHost(const QString &host)
{
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return true;
    QHostAddress address;
    if (!address.setAddress(host))
        return false;
    if (address.protocol() == QAbstractSocket::IPv4Protocol)
        return (address.toIPv4Address() >> 24) == 127;
    return address == QHostAddress(QHostAddress::LocalHostIPv6);
}

Result<QUrl> checkBaseUrl(const QString &text)
{
    for (const QChar c : text) {
        if (c.isSpace() || c.category() == QChar::Other_Control)
            return refused(QStringLiteral("url.syntax"), text, QStringLiteral("has spaces or control characters"));
    }
    const QUrl url(text, QUrl::StrictMode);
    if (text.isEmpty() || !url.isValid()) {
        return refused(QStringLiteral("url.syntax"), text,
                       QStringLiteral("is not a URL; expected https://host[:port][/path]"));
    }
    const QString scheme = url.scheme();
    const bool https = scheme == QLatin1String("https");
    const bool http = scheme == QLatin1String("http");
    if (!https && !http) {
        return refused(QStringLiteral("url.scheme"), text,
                       scheme.isEmpty() ? QStringLiteral("has no scheme; expected https://host[:port][/path]")
                                        : QStringLiteral("scheme \"%1\" is not allowed; use https://").arg(scheme));
    }
    // "https://@host" has an empty user info that QUrl drops: look at the text too.
    const qsizetype authorityStart = text.indexOf(QLatin1String("//"));
    const QString authority =
        authorityStart < 0 ? QString() : text.mid(authorityStart + 2).section(QLatin1Char('/'), 0, 0);
    if (!url.userInfo().isEmpty() || authority.contains(QLatin1Char('@'))) {
        return refused(QStringLiteral("url.userinfo"), text,
                       QStringLiteral("must not hold a user name or password (they would be stored in plain text)"));
    }
    if (url.host().isEmpty())
        return refused(QStringLiteral("url.host"), text, QStringLiteral("has no host"));
    if (url.hasQuery() || url.hasFragment() || text.contains(QLatin1Char('?')) || text.contains(QLatin1Char('#')))
        return refused(QStringLiteral("url.query"), text, QStringLiteral("must not have a query (?) or fragment (#)"));
    if (http && !isLoopbackHost(url.host())) {
        return refused(QStringLiteral("url.cleartext"), text,
                       QStringLiteral("http:// is allowed only to this machine (localhost, 127.0.0.1, ::1): the API "
                                      "key would travel in clear; use https://"));
    }
    return url;
}

} // namespace ballast::exchange
