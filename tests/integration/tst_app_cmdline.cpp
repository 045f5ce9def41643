// The desktop app's --help and --version answer like any command-line
// program's: on stdout, exit 0, with no display to connect to.
#include <QProcess>
#include <QTest>

class TestAppCommandLine : public QObject
{
    Q_OBJECT

    struct Run
    {
        int exitCode = -1;
        QProcess::ExitStatus status = QProcess::CrashExit;
        QString out;
        QString err;
    };

    static Run app(const QStringList &arguments)
    {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char *name : {"QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"})
            env.remove(QString::fromLatin1(name));
        process.setProcessEnvironment(env);
        process.start(qEnvironmentVariable("BALLAST_APP"), arguments);
        if (!process.waitForFinished(60000))
            qFatal("ballast did not finish");
        return Run{process.exitCode(), process.exitStatus(), QString::fromUtf8(process.readAllStandardOutput()),
                   QString::fromUtf8(process.readAllStandardError())};
    }

private slots:
    void initTestCase()
    {
        if (qEnvironmentVariableIsEmpty("BALLAST_APP"))
            QSKIP("BALLAST_APP is unset (the desktop app is not built)");
    }

    void helpWithoutADisplay_data()
    {
        QTest::addColumn<QString>("option");
        QTest::newRow("--help") << QStringLiteral("--help");
        QTest::newRow("-h") << QStringLiteral("-h");
        QTest::newRow("-?") << QStringLiteral("-?");
    }

    void helpWithoutADisplay()
    {
        QFETCH(QString, option);
        const Run run = app({option});
        QCOMPARE(run.status, QProcess::NormalExit);
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.startsWith(QStringLiteral("Usage: ")), qPrintable(run.out + run.err));
        // Every option the app takes, its own and the Qt ones it documents.
        for (const char *name : {"--help", "--version", "--db <PATH>", "--demo", "--screenshot <FILE>", "--view <PAGE>",
                                 "--size <WxH>", "--platform <NAME>", "--style <STYLE>"}) {
            QVERIFY2(run.out.contains(QString::fromLatin1(name)), name);
        }
    }

    void versionWithoutADisplay_data()
    {
        QTest::addColumn<QString>("option");
        QTest::newRow("--version") << QStringLiteral("--version");
        QTest::newRow("-v") << QStringLiteral("-v");
    }

    void versionWithoutADisplay()
    {
        QFETCH(QString, option);
        const Run run = app({option});
        QCOMPARE(run.status, QProcess::NormalExit);
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out, QStringLiteral("ballast %1\n").arg(QStringLiteral(BALLAST_VERSION)));
    }
};

QTEST_GUILESS_MAIN(TestAppCommandLine)
#include "tst_app_cmdline.moc"
