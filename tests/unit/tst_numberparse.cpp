// The one parser per kind of number: what each accepts, what each refuses,
// and that every refusal names the field and the text.
#include "common/numberparse.h"
#include "market/csvvalues.h"

#include <QTest>

#include <charconv>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace ballast;
using numbers::Range;
using numbers::Sign;

namespace {

template<typename T>
QString why(const Result<T> &result)
{
    return result.ok() ? QString() : result.error().message;
}

} // namespace

class TestNumberParse : public QObject
{
    Q_OBJECT

private slots:
    // Text that no kind of number accepts.
    static void refusedEverywhere_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("NaN") << QStringLiteral("NaN");
        QTest::newRow("nan") << QStringLiteral("nan");
        QTest::newRow("-nan") << QStringLiteral("-nan");
        QTest::newRow("inf") << QStringLiteral("inf");
        QTest::newRow("-inf") << QStringLiteral("-inf");
        QTest::newRow("+inf") << QStringLiteral("+inf");
        QTest::newRow("Infinity") << QStringLiteral("Infinity");
        QTest::newRow("1e400") << QStringLiteral("1e400");
        QTest::newRow("hex") << QStringLiteral("0x10");
        QTest::newRow("hex float") << QStringLiteral("0x1p3");
        QTest::newRow("leading space") << QStringLiteral(" 1");
        QTest::newRow("trailing space") << QStringLiteral("1 ");
        QTest::newRow("inner space") << QStringLiteral("1 000");
        QTest::newRow("empty") << QString();
        QTest::newRow("trailing garbage") << QStringLiteral("12abc");
        QTest::newRow("two dots") << QStringLiteral("1.2.3");
        QTest::newRow("sign only") << QStringLiteral("-");
        QTest::newRow("double sign") << QStringLiteral("--1");
        QTest::newRow("comma") << QStringLiteral("1,5");
        QTest::newRow("percent twice") << QStringLiteral("2%%");
    }
    static void refusedEverywhere()
    {
        QFETCH(QString, text);
        const QString field = QStringLiteral("--option");
        const auto amount = numbers::parseAmount(text, field);
        const auto fraction = numbers::parseFraction(text, field, Range::closed(-1e300, 1e300));
        const auto real = numbers::parseDouble(text, field);
        const auto integer = numbers::parseInteger(text, field);
        QVERIFY(!amount.ok());
        QVERIFY(!fraction.ok());
        QVERIFY(!real.ok());
        QVERIFY(!integer.ok());
        // Every message names the field and quotes the text.
        const QString quoted = QStringLiteral("--option \"%1\": ").arg(text);
        for (const Error &error : {amount.error(), fraction.error(), real.error(), integer.error()}) {
            QVERIFY2(error.message.startsWith(quoted), qPrintable(error.message));
            QVERIFY(error.code == QLatin1String("number.syntax") || error.code == QLatin1String("number.range"));
            QVERIFY(!error.message.contains(QLatin1Char('\n')));
        }
    }

    static void messagesSayWhatIsWrong()
    {
        QVERIFY(numbers::parseDouble(QStringLiteral("NaN"), QStringLiteral("x"))
                    .error()
                    .message.contains(QStringLiteral("NaN")));
        QVERIFY(numbers::parseDouble(QStringLiteral("-inf"), QStringLiteral("x"))
                    .error()
                    .message.contains(QStringLiteral("infinite")));
        QVERIFY(numbers::parseDouble(QStringLiteral("1e400"), QStringLiteral("x"))
                    .error()
                    .message.contains(QStringLiteral("out of range")));
        QVERIFY(numbers::parseInteger(QStringLiteral("0x10"), QStringLiteral("x"))
                    .error()
                    .message.contains(QStringLiteral("hexadecimal")));
        QVERIFY(numbers::parseAmount(QStringLiteral("1e-2"), QStringLiteral("x"))
                    .error()
                    .message.contains(QStringLiteral("exponent")));
        QVERIFY(numbers::parseAmount(QString(), QStringLiteral("x")).error().message.contains(QStringLiteral("empty")));
        QVERIFY(numbers::parseAmount(QStringLiteral(" 1"), QStringLiteral("x"))
                    .error()
                    .message.contains(QStringLiteral("spaces")));
    }

    static void amounts_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("sign");
        QTest::addColumn<QString>("expected"); // empty: refused
        QTest::newRow("plain") << QStringLiteral("0.001") << int(Sign::Any) << QStringLiteral("0.001");
        QTest::newRow("plus") << QStringLiteral("+3") << int(Sign::Any) << QStringLiteral("3");
        QTest::newRow("negative") << QStringLiteral("-12.5") << int(Sign::Any) << QStringLiteral("-12.5");
        QTest::newRow("18 digits") << QStringLiteral("0.000000000000000001") << int(Sign::Any)
                                   << QStringLiteral("0.000000000000000001");
        QTest::newRow("19 digits") << QStringLiteral("0.0000000000000000001") << int(Sign::Any) << QString();
        QTest::newRow("exponent") << QStringLiteral("1e-2") << int(Sign::Any) << QString();
        QTest::newRow("exponent E") << QStringLiteral("1E2") << int(Sign::Any) << QString();
        QTest::newRow("too large") << QStringLiteral("1000000000000000000000") << int(Sign::Any) << QString();
        QTest::newRow("dot first") << QStringLiteral(".5") << int(Sign::Any) << QString();
        QTest::newRow("dot last") << QStringLiteral("5.") << int(Sign::Any) << QString();
        QTest::newRow("zero non-negative") << QStringLiteral("0") << int(Sign::NonNegative) << QStringLiteral("0");
        QTest::newRow("negative non-negative") << QStringLiteral("-1") << int(Sign::NonNegative) << QString();
        QTest::newRow("zero positive") << QStringLiteral("0") << int(Sign::Positive) << QString();
        QTest::newRow("minus zero positive") << QStringLiteral("-0.0") << int(Sign::Positive) << QString();
        QTest::newRow("positive") << QStringLiteral("250000") << int(Sign::Positive) << QStringLiteral("250000");
    }
    static void amounts()
    {
        QFETCH(QString, text);
        QFETCH(int, sign);
        QFETCH(QString, expected);
        const auto parsed = numbers::parseAmount(text, QStringLiteral("--max-notional"), static_cast<Sign>(sign));
        if (expected.isEmpty()) {
            QVERIFY(!parsed.ok());
            QVERIFY2(parsed.error().message.startsWith(QStringLiteral("--max-notional \"%1\": ").arg(text)),
                     qPrintable(parsed.error().message));
        } else {
            QVERIFY2(parsed.ok(), qPrintable(why(parsed)));
            QCOMPARE(parsed->toString(), expected);
        }
    }

    static void fractions_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<double>("expected"); // -1: refused
        QTest::newRow("fraction") << QStringLiteral("0.02") << 0.02;
        QTest::newRow("percent") << QStringLiteral("2%") << 0.02;
        QTest::newRow("percent fraction") << QStringLiteral("2.5%") << 0.025;
        QTest::newRow("zero open") << QStringLiteral("0") << -1.0;
        QTest::newRow("one open") << QStringLiteral("1") << -1.0;
        QTest::newRow("100% open") << QStringLiteral("100%") << -1.0;
        QTest::newRow("above") << QStringLiteral("1.5") << -1.0;
        QTest::newRow("negative") << QStringLiteral("-0.1") << -1.0;
        QTest::newRow("exponent") << QStringLiteral("2e-2") << -1.0;
        QTest::newRow("NaN%") << QStringLiteral("NaN%") << -1.0;
        QTest::newRow("inf%") << QStringLiteral("inf%") << -1.0;
        QTest::newRow("percent only") << QStringLiteral("%") << -1.0;
        QTest::newRow("space before percent") << QStringLiteral("2 %") << -1.0;
    }
    static void fractions()
    {
        QFETCH(QString, text);
        QFETCH(double, expected);
        const auto parsed = numbers::parseFraction(text, QStringLiteral("--max-move"), Range::open(0.0, 1.0));
        if (expected < 0) {
            QVERIFY(!parsed.ok());
            QVERIFY2(parsed.error().message.startsWith(QStringLiteral("--max-move \"%1\": ").arg(text)),
                     qPrintable(parsed.error().message));
        } else {
            QVERIFY2(parsed.ok(), qPrintable(why(parsed)));
            QCOMPARE(*parsed, expected);
        }
    }

    static void fractionBounds()
    {
        QVERIFY(numbers::parseFraction(QStringLiteral("1"), QStringLiteral("f"), Range::leftOpen(0, 1)).ok());
        QVERIFY(!numbers::parseFraction(QStringLiteral("0"), QStringLiteral("f"), Range::leftOpen(0, 1)).ok());
        QVERIFY(numbers::parseFraction(QStringLiteral("0"), QStringLiteral("f"), Range::closed(0, 1)).ok());
        const auto out = numbers::parseFraction(QStringLiteral("100%"), QStringLiteral("f"), Range::open(0, 1));
        QVERIFY(out.error().message.contains(QStringLiteral("below 1")));
        QCOMPARE(out.error().code, QStringLiteral("number.range"));
    }

    static void doubles_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("accepted");
        QTest::addColumn<double>("expected");
        QTest::newRow("integer") << QStringLiteral("10") << true << 10.0;
        QTest::newRow("fraction") << QStringLiteral("-0.25") << true << -0.25;
        QTest::newRow("exponent") << QStringLiteral("1e-5") << true << 1e-5;
        QTest::newRow("big exponent") << QStringLiteral("1.5E+3") << true << 1500.0;
        QTest::newRow("dot first") << QStringLiteral(".5") << true << 0.5;
        QTest::newRow("1e400") << QStringLiteral("1e400") << false << 0.0;
        QTest::newRow("-1e400") << QStringLiteral("-1e400") << false << 0.0;
        QTest::newRow("exponent without digits") << QStringLiteral("1e") << false << 0.0;
        QTest::newRow("exponent garbage") << QStringLiteral("1e5x") << false << 0.0;
    }
    static void doubles()
    {
        QFETCH(QString, text);
        QFETCH(bool, accepted);
        QFETCH(double, expected);
        const auto parsed = numbers::parseDouble(text, QStringLiteral("--capital"));
        QCOMPARE(parsed.ok(), accepted);
        if (accepted)
            QCOMPARE(*parsed, expected);
    }

    // Price files' plain decimals take a fast way (numberparse.cpp, a whole
    // number over a power of ten); it must give every bit from_chars gives,
    // and hand what it cannot do exactly to from_chars: more than 19 digits
    // or a whole number above 2^53. Edges, then 200,000 decimals of 1-20
    // digits with the dot anywhere, from a fixed seed.
    static void plainDecimalsReadAsFromCharsReadsThem()
    {
        std::vector<std::string> texts = {"0",
                                          "-0",
                                          "-0.0",
                                          "0.",
                                          ".0",
                                          "5.",
                                          ".5",
                                          "-.5",
                                          "007.50",
                                          "9007199254740992",
                                          "9007199254740993",
                                          "-9007199254740993",
                                          "900719925474099.3",
                                          "18446744073709551615",
                                          "18446744073709551616.5",
                                          "99999999999999999999",
                                          "0.0000000000000000000001",
                                          "0.00000000000000000000001",
                                          "1234567890123456789.0123",
                                          "7213.55",
                                          "0.1",
                                          "0.3",
                                          "2.675",
                                          "1.005"};
        std::mt19937_64 random(20261205);
        for (int i = 0; i < 200000; ++i) {
            const int length = 1 + static_cast<int>(random() % 20);
            std::string digits;
            for (int d = 0; d < length; ++d)
                digits += static_cast<char>('0' + random() % 10);
            const std::size_t dot = random() % (digits.size() + 2); // past the end: no dot
            if (dot <= digits.size())
                digits.insert(dot, 1, '.');
            texts.push_back((random() % 4 == 0 ? "-" : "") + digits);
        }
        for (const std::string &text : texts) {
            double want = 0;
            const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), want);
            QVERIFY2(error == std::errc() && end == text.data() + text.size(), text.c_str());
            double got = 0;
            const QString problem = numbers::doubleProblem(text, got);
            QVERIFY2(problem.isEmpty(), qPrintable(QString::fromStdString(text) + u": " + problem));
            QVERIFY2(std::memcmp(&got, &want, sizeof got) == 0,
                     qPrintable(QStringLiteral("%1: %2, from_chars %3")
                                    .arg(QString::fromStdString(text))
                                    .arg(got, 0, 'g', 17)
                                    .arg(want, 0, 'g', 17)));
        }
    }

    static void doubleRange()
    {
        QVERIFY(
            numbers::parseDouble(QStringLiteral("10000"), QStringLiteral("--fee-bps"), Range::closed(0, 10000)).ok());
        const auto above =
            numbers::parseDouble(QStringLiteral("10001"), QStringLiteral("--fee-bps"), Range::closed(0, 10000));
        QVERIFY(!above.ok());
        QCOMPARE(above.error().message, QStringLiteral("--fee-bps \"10001\": must be from 0 to 10000"));
    }

    static void integers_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("accepted");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("zero") << QStringLiteral("0") << true << qint64(0);
        QTest::newRow("plus") << QStringLiteral("+7") << true << qint64(7);
        QTest::newRow("max") << QStringLiteral("1000") << true << qint64(1000);
        QTest::newRow("above") << QStringLiteral("1001") << false << qint64(0);
        QTest::newRow("negative") << QStringLiteral("-1") << false << qint64(0);
        QTest::newRow("fraction") << QStringLiteral("1.0") << false << qint64(0);
        QTest::newRow("exponent") << QStringLiteral("1e3") << false << qint64(0);
        QTest::newRow("overflow") << QStringLiteral("99999999999999999999999") << false << qint64(0);
    }
    static void integers()
    {
        QFETCH(QString, text);
        QFETCH(bool, accepted);
        QFETCH(qint64, expected);
        const auto parsed = numbers::parseInteger(text, QStringLiteral("--fee-bps"), 0, 1000);
        QCOMPARE(parsed.ok(), accepted);
        if (accepted)
            QCOMPARE(*parsed, expected);
        else
            QVERIFY(parsed.error().message.startsWith(QStringLiteral("--fee-bps \"%1\": ").arg(text)));
    }

    // The CSV price importer reads its values through the same rule.
    static void csvValues_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("price") << QByteArray("4261.48") << true;
        QTest::newRow("exponent") << QByteArray("1e-05") << true;
        QTest::newRow("padded") << QByteArray(" 3 ") << true; // CSV cells are trimmed first
        QTest::newRow("nan") << QByteArray("nan") << false;
        QTest::newRow("NaN") << QByteArray("NaN") << false;
        QTest::newRow("inf") << QByteArray("inf") << false;
        QTest::newRow("-Infinity") << QByteArray("-Infinity") << false;
        QTest::newRow("1e400") << QByteArray("1e400") << false;
        QTest::newRow("hex") << QByteArray("0x1A") << false;
        QTest::newRow("garbage") << QByteArray("12abc") << false;
    }
    static void csvValues()
    {
        QFETCH(QByteArray, text);
        QFETCH(bool, accepted);
        double value = 0;
        QString why;
        const bool ok = market::CsvValues::parseNumber(std::string_view(text.constData(), text.size()), value, why);
        QCOMPARE(ok, accepted);
        QCOMPARE(why.isEmpty(), accepted);
    }
};

QTEST_APPLESS_MAIN(TestNumberParse)
#include "tst_numberparse.moc"
