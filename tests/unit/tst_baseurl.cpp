// The base URL rule shared by the CLI, the Add Account dialog and the
// connector factory.
#include "exchange/baseurl.h"

#include <QTest>

using ballast::exchange::checkBaseUrl;

class TestBaseUrl : public QObject
{
    Q_OBJECT

private slots:
    static void accepted_data()
    {
        QTest::addColumn<QString>("url");
        QTest::newRow("https") << QStringLiteral("https://api.example.com");
        QTest::newRow("https port path") << QStringLiteral("https://testnet.binance.vision:443/api");
        QTest::newRow("HTTPS upper case") << QStringLiteral("HTTPS://API.EXAMPLE.ORG");
        QTest::newRow("http localhost") << QStringLiteral("http://localhost:8080");
        QTest::newRow("http LOCALHOST") << QStringLiteral("http://LOCALHOST:8080");
        QTest::newRow("http 127.0.0.1") << QStringLiteral("http://127.0.0.1:9");
        QTest::newRow("http 127.1.2.3") << QStringLiteral("http://127.1.2.3");
        QTest::newRow("http ::1") << QStringLiteral("http://[::1]:9/");
        QTest::newRow("https remote ip") << QStringLiteral("https://192.0.2.1");
    }
    static void accepted()
    {
        QFETCH(QString, url);
        const auto checked = checkBaseUrl(url);
        QVERIFY2(checked.ok(), qPrintable(checked.ok() ? QString() : checked.error().message));
    }

    static void refused_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("code");
        QTest::newRow("http remote") << QStringLiteral("http://api.example.com") << QStringLiteral("url.cleartext");
        QTest::newRow("http remote ip") << QStringLiteral("http://192.0.2.1:80") << QStringLiteral("url.cleartext");
        QTest::newRow("http 128.0.0.1") << QStringLiteral("http://128.0.0.1") << QStringLiteral("url.cleartext");
        QTest::newRow("http localhost lookalike")
            << QStringLiteral("http://localhost.example.com") << QStringLiteral("url.cleartext");
        QTest::newRow("http 127 lookalike")
            << QStringLiteral("http://127.0.0.1.example.com") << QStringLiteral("url.cleartext");
        QTest::newRow("http mapped v4") << QStringLiteral("http://[::ffff:10.0.0.1]")
                                        << QStringLiteral("url.cleartext");
        QTest::newRow("file") << QStringLiteral("file:///etc/passwd") << QStringLiteral("url.scheme");
        QTest::newRow("javascript") << QStringLiteral("javascript:alert(1)") << QStringLiteral("url.scheme");
        QTest::newRow("ftp") << QStringLiteral("ftp://example.com") << QStringLiteral("url.scheme");
        QTest::newRow("ws") << QStringLiteral("ws://127.0.0.1") << QStringLiteral("url.scheme");
        QTest::newRow("no scheme") << QStringLiteral("api.example.com") << QStringLiteral("url.scheme");
        QTest::newRow("user and password")
            << QStringLiteral("https://user:pw@api.example.com") << QStringLiteral("url.userinfo");
        QTest::newRow("user only") << QStringLiteral("https://user@api.example.com") << QStringLiteral("url.userinfo");
        QTest::newRow("empty user") << QStringLiteral("https://@api.example.com") << QStringLiteral("url.userinfo");
        QTest::newRow("loopback with password")
            << QStringLiteral("http://u:p@127.0.0.1:9") << QStringLiteral("url.userinfo");
        QTest::newRow("query") << QStringLiteral("https://api.example.com/?a=1") << QStringLiteral("url.query");
        QTest::newRow("empty query") << QStringLiteral("https://api.example.com?") << QStringLiteral("url.query");
        QTest::newRow("fragment") << QStringLiteral("https://api.example.com/#x") << QStringLiteral("url.query");
        QTest::newRow("no host") << QStringLiteral("https:///path") << QStringLiteral("url.host");
        QTest::newRow("space") << QStringLiteral("https://api.example.com /x") << QStringLiteral("url.syntax");
        QTest::newRow("newline") << QStringLiteral("https://api.example.com\n") << QStringLiteral("url.syntax");
        QTest::newRow("empty") << QString() << QStringLiteral("url.syntax");
    }
    static void refused()
    {
        QFETCH(QString, url);
        QFETCH(QString, code);
        const auto checked = checkBaseUrl(url);
        QVERIFY(!checked.ok());
        QCOMPARE(checked.error().code, code);
        QVERIFY2(checked.error().message.startsWith(QStringLiteral("base URL \"%1\": ").arg(url))
                     || code == QLatin1String("url.syntax"),
                 qPrintable(checked.error().message));
    }
};

QTEST_APPLESS_MAIN(TestBaseUrl)
#include "tst_baseurl.moc"
