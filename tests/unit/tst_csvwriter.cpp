#include "io/csvwriter.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using ballast::io::CsvTable;
using ballast::io::CsvWriter;

class TestCsvWriter : public QObject
{
    Q_OBJECT

private slots:
    void escapesPerRfc4180_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("expected");
        QTest::newRow("plain") << "BTC"
                               << "BTC";
        QTest::newRow("empty") << ""
                               << "";
        QTest::newRow("comma") << "a,b"
                               << "\"a,b\"";
        QTest::newRow("quote") << "say \"hi\""
                               << "\"say \"\"hi\"\"\"";
        QTest::newRow("newline") << "two\nlines"
                                 << "\"two\nlines\"";
        QTest::newRow("carriage return") << "x\ry"
                                         << "\"x\ry\"";
        QTest::newRow("decimal stays exact") << "0.000000000000000001"
                                             << "0.000000000000000001";
        QTest::newRow("unicode") << "Zürich"
                                 << "Zürich";
        // Text that a spreadsheet would run as a formula is written as text.
        QTest::newRow("formula") << "=HYPERLINK(\"http://x\",\"ok\")"
                                 << "\"'=HYPERLINK(\"\"http://x\"\",\"\"ok\"\")\"";
        QTest::newRow("at sign") << "@SUM(1+1)"
                                 << "\"'@SUM(1+1)\"";
        QTest::newRow("plus text") << "+cmd"
                                   << "\"'+cmd\"";
        QTest::newRow("minus text") << "-2+3"
                                    << "\"'-2+3\"";
        QTest::newRow("tab first") << "\tx"
                                   << "\"'\tx\"";
        QTest::newRow("negative number stays") << "-0.5"
                                               << "-0.5";
        QTest::newRow("signed number stays") << "+3"
                                             << "+3";
        QTest::newRow("exponent stays") << "-1e-9"
                                        << "-1e-9";
        QTest::newRow("a minus alone") << "-"
                                       << "\"'-\"";
    }

    void escapesPerRfc4180()
    {
        QFETCH(QString, field);
        QFETCH(QString, expected);
        QCOMPARE(CsvWriter::escape(field), expected);
    }

    void formatsWithHeaderAndCrlf()
    {
        const CsvTable table{{QStringLiteral("a"), QStringLiteral("b")},
                             {{QStringLiteral("1"), QStringLiteral("x,y")}, {QStringLiteral("2"), QString()}}};
        QCOMPARE(CsvWriter::format(table), QByteArray("a,b\r\n1,\"x,y\"\r\n2,\r\n"));
    }

    void writesFileAtomically()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("out.csv"));
        const CsvTable table{{QStringLiteral("h")}, {{QStringLiteral("v")}}};
        QVERIFY(CsvWriter::writeFile(path, table).ok());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("h\r\nv\r\n"));
    }

    void refusesRaggedRowsAndKeepsOldFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("out.csv"));
        QVERIFY(CsvWriter::writeFile(path, {{QStringLiteral("h")}, {{QStringLiteral("old")}}}).ok());
        auto written =
            CsvWriter::writeFile(path, {{QStringLiteral("a"), QStringLiteral("b")}, {{QStringLiteral("1")}}});
        QVERIFY(!written.ok());
        QCOMPARE(written.error().code, QStringLiteral("csv.width"));
        QVERIFY(written.error().message.contains(QStringLiteral("row 2")));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("h\r\nold\r\n"));
    }

    void fullDiskSaysSo()
    {
        // /dev/full fails every write with ENOSPC. It is a device, so it is
        // written in place and stays a device.
        const QString path = QStringLiteral("/dev/full");
        if (!QFileInfo(path).exists() || QFileInfo(path).isFile())
            QSKIP("no /dev/full device on this system");
        auto written = CsvWriter::writeFile(path, {{QStringLiteral("h")}, {{QStringLiteral("v")}}});
        QVERIFY(!written.ok());
        QCOMPARE(written.error().code, QStringLiteral("io.disk_full"));
        QCOMPARE(written.error().message,
                 QStringLiteral("the disk is full: could not write to /dev/full (free some space and try again; "
                                "nothing was changed)"));
        QVERIFY(!QFileInfo(path).isFile());
    }

    void writesToADeviceInPlace()
    {
        const QString path = QStringLiteral("/dev/null");
        if (!QFileInfo(path).exists() || QFileInfo(path).isFile())
            QSKIP("no /dev/null device on this system");
        QVERIFY(CsvWriter::writeFile(path, {{QStringLiteral("h")}, {{QStringLiteral("v")}}}).ok());
        QVERIFY(!QFileInfo(path).isFile());
    }

    void unwritableFolderIsAClearError()
    {
        auto written = CsvWriter::writeFile(QStringLiteral("/nonexistent-folder/x.csv"), {{QStringLiteral("h")}, {}});
        QVERIFY(!written.ok());
        QVERIFY(written.error().message.contains(QStringLiteral("/nonexistent-folder/x.csv")));
    }
};

QTEST_GUILESS_MAIN(TestCsvWriter)
#include "tst_csvwriter.moc"
