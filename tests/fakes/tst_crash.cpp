// Crash test of the executor: the real ballast-cli executes 20-order plans
// against the loopback fake Binance and is killed (SIGKILL) again and again;
// after a restart and reconciliation the exchange and the journal must agree:
// no order placed twice, every fill recorded exactly once, every line final
// and the database intact.
//
// Where the kills land is chosen, not hoped for. The fake runs in this process
// (its own thread) and its stage gate sees every API request twice: when it
// arrives and after the exchange acted on it. A kill schedule names protocol
// events (the first request of a run; the n-th order create before the exchange
// acts, so the journal says "submitting" and the exchange never got it; the
// n-th create after it was accepted, its answer lost; the n-th fills read
// before or after it was served; a restart's look-up of the order in flight
// and its clock check while it waits out the order's deadline); the gate
// SIGKILLs the CLI right there and drops the request. The occurrences step
// through the plan, so the kills spread over its lines, and the test asserts
// that every phase got its kills. One kill in five comes at a random
// moment instead, for what nobody thought of.
//
// A restart that finds an order in flight which the exchange does not know
// must wait until the exchange's clock is past the order's deadline (the
// request window, 10 s by default) before it may send it again; that wait was
// most of this test's time. Here the restart comes later instead: after each
// kill the fake's clock moves on by the request window and the settle margin,
// less up to kRealWaitMs that the restart still waits out for real (so the
// wait loop runs too). That is what a restart some seconds after a crash sees.
// The executor, its defaults and its safety logic are untouched and the CLI
// has no knob to shorten the window; the fake checks every order's deadline
// (recvWindow) when it acts on it, so a request of the killed process that it
// only processes after the clock moved is refused, as the matching engine
// would refuse it.
//
// Every round starts from the same state: one fake for the whole class, reset
// to the same markets, prices and balances at the same address, and a copy of
// one database that the first round made with the CLI (init, the account,
// sync, targets, plan). Making it again would take five more processes per
// round, two of them deriving the vault's scrypt key, for the same file.
#include "domain/order.h"
#include "execution/executor.h"
#include "fakebinance.h"
#include "money/decimal.h"
#include "storage/database.h"

#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <array>
#include <atomic>
#include <functional>
#include <signal.h>

using ballast::money::dec;
using ballast::money::Decimal;
using ballast::storage::Database;
using ballast::storage::Statement;
using namespace ballast::test::fake;

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
    [[nodiscard]] QJsonObject json() const { return QJsonDocument::fromJson(out.toUtf8()).object(); }
};

// Ten assets held overweight (sold) and ten underweight (bought), each pair at the same price.
const QStringList &sells()
{
    static const QStringList list = {QStringLiteral("SOL"), QStringLiteral("ADA"),  QStringLiteral("XRP"),
                                     QStringLiteral("DOT"), QStringLiteral("LINK"), QStringLiteral("LTC"),
                                     QStringLiteral("BCH"), QStringLiteral("ATOM"), QStringLiteral("AVAX"),
                                     QStringLiteral("UNI")};
    return list;
}
const QStringList &buys()
{
    static const QStringList list = {QStringLiteral("XLM"), QStringLiteral("TRX"),  QStringLiteral("ETC"),
                                     QStringLiteral("FIL"), QStringLiteral("NEAR"), QStringLiteral("ALGO"),
                                     QStringLiteral("APT"), QStringLiteral("ARB"),  QStringLiteral("OP"),
                                     QStringLiteral("SUI")};
    return list;
}
const QStringList &prices()
{
    static const QStringList list = {QStringLiteral("5"),    QStringLiteral("10"),   QStringLiteral("2.5"),
                                     QStringLiteral("2"),    QStringLiteral("50"),   QStringLiteral("25"),
                                     QStringLiteral("12.5"), QStringLiteral("1.25"), QStringLiteral("100"),
                                     QStringLiteral("0.5")};
    return list;
}

/// Where a kill landed, judged from the journal right after it.
enum Phase {
    Startup, ///< before this run journalled anything (start-up, guards, first plan run before any intent)
    Reconciling, ///< a restart settling the in-flight orders of the previous kill
    InFlightNotSent, ///< an order journalled as submitting that the exchange never received
    InFlightSent, ///< the exchange accepted the order, its answer was not recorded yet
    AfterAnswer, ///< between orders: after an answer, fills sync, waits, bookkeeping
    PhaseCount
};

const std::array<const char *, PhaseCount> kPhaseNames = {
    "startup/before any new order", "during reconciliation", "submitting, not received by the exchange",
    "submitting, accepted by the exchange (answer lost)", "after an answer / between orders"};

/// Where one kill of the schedule lands: the @c occurrence-th request of @c endpoint
/// (any endpoint: counting all) in one run, at @c stage; or at a random moment.
struct KillSpec
{
    Phase phase = Startup; ///< where the journal should place it
    FakeEndpoint endpoint = FakeEndpoint::Any;
    RequestStage stage = RequestStage::Received;
    int occurrence = 1;
    bool random = false;

    [[nodiscard]] QString describe() const
    {
        QString what;
        switch (endpoint) {
        case FakeEndpoint::OrderCreate:
            what = QStringLiteral("order create");
            break;
        case FakeEndpoint::OrderQuery:
            what = QStringLiteral("order look-up");
            break;
        case FakeEndpoint::Trades:
            what = QStringLiteral("fills read");
            break;
        case FakeEndpoint::Time:
            what = QStringLiteral("clock request");
            break;
        default:
            what = QStringLiteral("request");
            break;
        }
        return QStringLiteral("at %1 #%2, %3")
            .arg(what)
            .arg(occurrence)
            .arg(stage == RequestStage::Received ? QStringLiteral("not acted on")
                                                 : QStringLiteral("acted on, answer lost"));
    }
};

/// The kill schedule: one cycle of chosen protocol events, three of them random,
/// repeated until @p kills entries. Each reconciliation kill follows a kill that
/// leaves an order in flight; the order occurrences step through the plan.
QList<KillSpec> killSchedule(int kills)
{
    using E = FakeEndpoint;
    using S = RequestStage;
    const QList<KillSpec> cycle{
        {Startup, E::Any, S::Received, 1, false},
        {InFlightNotSent, E::OrderCreate, S::Received, 1, false},
        {Reconciling, E::OrderQuery, S::Received, 1, false}, // its first look-up
        {InFlightSent, E::OrderCreate, S::Processed, 3, false},
        {Reconciling, E::OrderQuery, S::Processed, 1, false}, // found, the answer lost
        {PhaseCount, E::Any, S::Received, 0, true},
        {AfterAnswer, E::Trades, S::Received, 2, false}, // answered, fills not read yet
        {InFlightNotSent, E::OrderCreate, S::Received, 4, false},
        {Reconciling, E::Time, S::Received, 2, false}, // not found: asking the clock to wait out the deadline
        {PhaseCount, E::Any, S::Received, 0, true},
        {InFlightSent, E::OrderCreate, S::Processed, 2, false},
        {AfterAnswer, E::Trades, S::Processed, 3, false}, // fills read, the answer lost
        {PhaseCount, E::Any, S::Received, 0, true},
    };
    QList<KillSpec> schedule;
    for (int i = 0; i < kills; ++i)
        schedule.append(cycle.at(i % cycle.size()));
    return schedule;
}

QString exchangeStatus(OrderStatus status)
{
    switch (status) {
    case OrderStatus::New:
        return QStringLiteral("open");
    case OrderStatus::PartiallyFilled:
        return QStringLiteral("partially_filled");
    case OrderStatus::Filled:
        return QStringLiteral("filled");
    case OrderStatus::Canceled:
        return QStringLiteral("cancelled");
    case OrderStatus::Expired:
        return QStringLiteral("expired");
    }
    return {};
}

} // namespace

class TestCrash : public QObject
{
    Q_OBJECT

    /// BALLAST_CRASH_KILLS overrides (the schedule's cycle repeats). The loop runs
    /// until this many kills landed, however long a busy machine takes (ctest's
    /// timeout is the only limit).
    static constexpr int kDefaultKills = 30;
    static constexpr int kMaxKillsPerPlan = 12;
    static constexpr int kMinKillsPerPhase = 3;
    static constexpr int kMinLinesInFlight = 6; ///< distinct plan lines in flight at a kill
    static constexpr quint32 kRealWaitMs = 250; ///< at most this much of a deadline is waited out for real

    /// The armed kill, in the fake's thread only.
    struct Trap
    {
        bool armed = false;
        FakeEndpoint endpoint = FakeEndpoint::Any;
        RequestStage stage = RequestStage::Received;
        int occurrence = 1;
        int seen = 0;
        bool fired = false;
    };

    QTemporaryDir m_dir;
    QThread m_thread;
    QObject *m_anchor = nullptr; ///< lives in m_thread: the context of every call into the fake
    FakeBinance *m_fake = nullptr;
    QString m_db;
    QString m_templateDb; ///< made by the first preparePlan(), copied by the others
    QString m_templatePlanId;
    QString m_url;
    QRandomGenerator m_random;
    int m_round = 0;
    int m_kills = 0;
    std::array<int, PhaseCount> m_phases{};
    qint64 m_fullRunMs = 0;
    qint64 m_firstOrderMs = 0; ///< from the start of a full run to its first order request
    qint64 m_lastOrderMs = 0; ///< ... and to its last
    Trap m_trap; ///< touched in the fake's thread only
    std::atomic<qint64> m_pid{0}; ///< the CLI process the trap kills (0: not started yet)

    /// Runs @p function in the fake's thread and waits for it.
    void onFake(const std::function<void()> &function)
    {
        QMetaObject::invokeMethod(m_anchor, function, Qt::BlockingQueuedConnection);
    }

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("BALLAST_PASSPHRASE"), QStringLiteral("crash-test-passphrase"));
        env.insert(QStringLiteral("BALLAST_NO_KEYCHAIN"), QStringLiteral("1"));
        env.insert(QStringLiteral("HOME"), m_dir.path());
        return env;
    }

    void startCli(QProcess &process, const QStringList &arguments) const
    {
        process.setProcessEnvironment(environment());
        process.start(qEnvironmentVariable("BALLAST_CLI"), QStringList{QStringLiteral("--db"), m_db} + arguments);
    }

    /// Runs the CLI to its end. The lines of @p input are written @p lineGapMs apart: "accounts add" reads
    /// the key and the secret with one QTextStream each, and the first would swallow both if they came together.
    Run cli(const QStringList &arguments, const QStringList &input = {}, int lineGapMs = 0)
    {
        QProcess process;
        startCli(process, arguments);
        if (!process.waitForStarted())
            qFatal("ballast-cli did not start");
        for (qsizetype i = 0; i < input.size(); ++i) {
            if (i > 0)
                QThread::msleep(static_cast<unsigned long>(lineGapMs));
            process.write((input[i] + QLatin1Char('\n')).toUtf8());
            process.waitForBytesWritten();
        }
        process.closeWriteChannel();
        if (!process.waitForFinished(180000))
            qFatal("ballast-cli did not finish");
        return Run{process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
                   QString::fromUtf8(process.readAllStandardOutput()),
                   QString::fromUtf8(process.readAllStandardError())};
    }

    /// The fake exchange afresh, as a new one would start, with the 20 markets and the unbalanced holdings.
    /// It is one server for the whole class (created in initTestCase), reset per round: the same
    /// address every round lets the rounds share the template database (see preparePlan).
    void startFake()
    {
        onFake([this] {
            m_fake->reset();
            for (int i = 0; i < sells().size(); ++i) {
                for (const bool sell : {true, false}) {
                    const QString asset = sell ? sells()[i] : buys()[i];
                    BinanceSymbol symbol;
                    symbol.symbol = asset + QStringLiteral("USDT");
                    symbol.baseAsset = asset;
                    symbol.quoteAsset = QStringLiteral("USDT");
                    symbol.priceFilter = BinancePriceFilter{dec("0.001"), dec("1000000"), dec("0.001")};
                    symbol.lotSize = BinanceLotSize{dec("0.001"), dec("900000"), dec("0.001")};
                    symbol.marketLotSize = BinanceLotSize{dec("0"), dec("900000"), dec("0")};
                    symbol.notional = BinanceNotional{dec("5"), true, dec("9000000"), false, 5};
                    const Decimal price = dec(prices()[i].toLatin1().constData());
                    m_fake->addSymbol(symbol, price, dec("0.001"));
                    m_fake->setBalance(asset, Decimal::fromInt(sell ? 150 : 50) / price);
                }
            }
            m_fake->setBalance(QStringLiteral("USDT"), Decimal::fromInt(100));
            // Network latency on every order: half of it before the exchange acts (a kill then
            // leaves an order that may not exist yet), half after (accepted, the answer is lost).
            FaultRule before;
            before.endpoint = FakeEndpoint::OrderCreate;
            before.kind = FaultKind::DelayBeforeAccept;
            before.count = -1;
            before.probability = 0.5;
            before.seed = static_cast<quint32>(m_round + 1);
            before.delayMs = 15;
            m_fake->injectFault(before);
            FaultRule after = before;
            after.kind = FaultKind::DelayAfterAccept;
            after.probability = 1.0;
            m_fake->injectFault(after);
            // Three executions per order, each a tick worse: more fills that must not be lost.
            m_fake->setFillModel(QString(), 3, Decimal::fromInt(1), dec("0.001"));
            if (m_round % 3 == 2) {
                // Every third plan: thin books, so some orders end expired, partially filled,
                // and the buys are re-sized to what the sells raised.
                for (int i = 0; i < 3; ++i) {
                    m_fake->setFillModel(sells()[i] + QStringLiteral("USDT"), 2, dec("0.6"), dec("0.001"));
                    m_fake->setFillModel(buys()[i + 3] + QStringLiteral("USDT"), 2, dec("0.6"), dec("0.001"));
                }
            }
        });
    }

    /// The round is over: requests still held are dropped (the next round resets the rest).
    void stopFake()
    {
        onFake([this] { m_fake->dropHeldRequests(); });
    }

    /// The stage gate: kills the CLI at the armed event and drops the request there.
    GateVerdict spring(const FakeRequest &request, RequestStage stage)
    {
        if (!m_trap.armed || stage != m_trap.stage
            || (m_trap.endpoint != FakeEndpoint::Any && request.endpoint != m_trap.endpoint))
            return GateVerdict::Continue;
        if (++m_trap.seen < m_trap.occurrence)
            return GateVerdict::Continue;
        qint64 pid = 0;
        while ((pid = m_pid.load()) == 0)
            QThread::yieldCurrentThread(); // stored right after the start, before the CLI can send anything
        ::kill(static_cast<pid_t>(pid), SIGKILL);
        m_trap.armed = false;
        m_trap.fired = true;
        return GateVerdict::Drop;
    }

    /// A random moment of a run: every other one over the whole run, the rest while orders go out.
    int randomDelay()
    {
        if (m_random.bounded(2) == 0)
            return static_cast<int>(m_random.bounded(static_cast<quint32>(m_fullRunMs) + 1U));
        return static_cast<int>(
            m_random.bounded(static_cast<quint32>(m_firstOrderMs), static_cast<quint32>(m_lastOrderMs) + 1U));
    }

    /// A fresh database on the current fake, synced, with a 20-order plan; returns its id.
    ///
    /// The first call makes it with the CLI (init, accounts add, sync, targets set, plan: five
    /// processes, two of them deriving the vault key) as a template; every later call copies the
    /// template's files (the database and its vault) to the round's own file. Each round starts
    /// with a fake reset to the same markets, prices and balances at the same address, so the copy
    /// is the very database the five commands would make again; what the round executes, kills and
    /// verifies is unchanged.
    QString preparePlan()
    {
        m_db = m_dir.filePath(QStringLiteral("crash-%1.sqlite").arg(m_round));
        if (m_templatePlanId.isEmpty()) {
            const QString made = makePlan(m_templateDb);
            if (made.isEmpty())
                return {};
            m_templatePlanId = made;
        }
        for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral(".vault")}) {
            QFile::remove(m_db + suffix);
            if (QFile::exists(m_templateDb + suffix) && !QFile::copy(m_templateDb + suffix, m_db + suffix)) {
                qWarning("cannot copy %s to %s", qPrintable(m_templateDb + suffix), qPrintable(m_db + suffix));
                return {};
            }
        }
        return m_templatePlanId;
    }

    /// Makes a database at @p path with the CLI: init, the account, a sync, targets and a plan; returns the
    /// plan's id (empty on failure).
    QString makePlan(const QString &path)
    {
        const QString round = m_db;
        m_db = path;
        const auto restore = qScopeGuard([this, round] { m_db = round; });
        if (cli({QStringLiteral("init")}).exitCode != 0)
            return {};
        // Retried with a longer gap between the key and the secret if the CLI read them together.
        Run added;
        for (int gap = 300; gap <= 2400; gap *= 2) {
            added = cli({QStringLiteral("accounts"), QStringLiteral("add"), QStringLiteral("--exchange"),
                         QStringLiteral("binance"), QStringLiteral("--name"), QStringLiteral("bn"),
                         QStringLiteral("--base-url"), m_url},
                        {FakeBinance::docsApiKey(), FakeBinance::docsSecretKey()}, gap);
            if (added.exitCode == 0 || !added.err.contains(QStringLiteral("got nothing")))
                break;
        }
        if (added.exitCode != 0) {
            qWarning("accounts add: %s", qPrintable(added.err));
            return {};
        }
        const Run synced = cli({QStringLiteral("sync")});
        if (synced.exitCode != 0) {
            qWarning("sync: %s", qPrintable(synced.err));
            return {};
        }
        QStringList targets{QStringLiteral("targets"), QStringLiteral("set"), QStringLiteral("--band"),
                            QStringLiteral("1pp")};
        for (const QString &asset : sells() + buys())
            targets << asset + QStringLiteral("=0.0475");
        targets << QStringLiteral("USDT=0.05");
        const Run set = cli(targets);
        if (set.exitCode != 0) {
            qWarning("targets set: %s", qPrintable(set.err));
            return {};
        }
        const Run plan = cli({QStringLiteral("plan"), QStringLiteral("--json")});
        const QJsonObject object = plan.json();
        const int orders = static_cast<int>(object.value(QStringLiteral("orders")).toArray().size());
        if (orders < 18) {
            qWarning("plan has %d orders: %s %s", orders, qPrintable(plan.out), qPrintable(plan.err));
            return {};
        }
        return object.value(QStringLiteral("plan_id")).toString();
    }

    struct Snapshot
    {
        qint64 lastEvent = 0;
        int entries = 0;
        QStringList inFlight; ///< client order ids journalled as submitting or unknown
        QStringList newDetails; ///< details of the events after a given id
    };

    Snapshot snapshot(const QString &planId, qint64 sinceEvent = -1)
    {
        Snapshot result;
        auto db = Database::open(m_db, Database::Mode::ReadWriteExisting);
        if (!db)
            qFatal("cannot open %s", qPrintable(m_db));
        Statement last(**db, "SELECT coalesce(max(id), 0) FROM journal_events");
        if (last.step())
            result.lastEvent = last.int64(0);
        Statement entries(**db, "SELECT client_order_id, status FROM journal WHERE plan_id = ?");
        entries.bind(1, planId);
        while (entries.step()) {
            ++result.entries;
            const QString status = entries.text(1);
            if (status == QLatin1String("submitting") || status == QLatin1String("unknown"))
                result.inFlight << entries.text(0);
        }
        if (sinceEvent >= 0) {
            Statement events(**db, "SELECT detail FROM journal_events WHERE id > ? ORDER BY id");
            events.bind(1, sinceEvent);
            while (events.step())
                result.newDetails << events.text(0);
        }
        return result;
    }

    Phase classify(const QString &planId, const Snapshot &before)
    {
        const Snapshot after = snapshot(planId, before.lastEvent);
        if (after.entries == 0)
            return Startup;
        const bool onlyReconciling =
            std::all_of(after.newDetails.cbegin(), after.newDetails.cend(),
                        [](const QString &detail) { return detail.startsWith(QLatin1String("reconciled")); });
        if (!before.inFlight.isEmpty() && onlyReconciling)
            return Reconciling;
        if (!after.inFlight.isEmpty()) {
            int onExchange = 0;
            onFake([&] {
                for (const QString &id : after.inFlight)
                    onExchange += static_cast<int>(m_fake->ordersWithClientId(id).size());
            });
            return onExchange > 0 ? InFlightSent : InFlightNotSent;
        }
        if (after.newDetails.isEmpty())
            return Startup;
        return AfterAnswer;
    }

    /// Everything the exchange did for the plan against what the database says.
    QStringList verify(const QString &planId)
    {
        QStringList problems;
        auto opened = Database::open(m_db, Database::Mode::ReadWriteExisting);
        if (!opened)
            return {QStringLiteral("cannot open the database: ") + opened.error().message};
        Database &db = **opened;
        const QString integrity = db.scalar("PRAGMA integrity_check");
        if (integrity != QLatin1String("ok"))
            problems << QStringLiteral("integrity_check: ") + integrity;

        struct Line
        {
            QString status;
            Decimal filled;
            Decimal recorded;
        };
        QHash<QString, Line> journal;
        Statement entries(db, "SELECT client_order_id, status, filled_quantity FROM journal WHERE plan_id = ?");
        entries.bind(1, planId);
        while (entries.step())
            journal.insert(entries.text(0), Line{entries.text(1), entries.decimal(2), {}});
        if (journal.size() < 18)
            problems << QStringLiteral("only %1 journal lines").arg(journal.size());

        QHash<QString, int> tradeCount;
        QHash<QString, QString> tradeOrder;
        Statement fills(db, "SELECT trade_id, client_order_id, quantity FROM fills");
        while (fills.step()) {
            const QString trade = fills.text(0);
            ++tradeCount[trade];
            tradeOrder.insert(trade, fills.text(1));
            if (journal.contains(fills.text(1)))
                journal[fills.text(1)].recorded += fills.decimal(2);
        }
        Statement plan(db, "SELECT status FROM plans WHERE id = ?");
        plan.bind(1, planId);
        if (!plan.step() || plan.text(0) != QLatin1String("executed"))
            problems << QStringLiteral("plan status is not executed");

        QList<BookOrder> orders;
        onFake([&] { orders = m_fake->allOrders(); });
        QHash<QString, QList<BookOrder>> byClient;
        int exchangeFills = 0;
        for (const BookOrder &order : orders) {
            byClient[order.clientOrderId].append(order);
            if (!journal.contains(order.clientOrderId))
                problems << QStringLiteral("order %1 on the exchange is not in the journal").arg(order.clientOrderId);
            for (const BookFill &fill : order.fills) {
                ++exchangeFills;
                const QString trade = fill.tradeRef.isEmpty() ? QString::number(fill.tradeId) : fill.tradeRef;
                if (tradeCount.value(trade) != 1) {
                    problems << QStringLiteral("fill %1 of %2 is in the database %3 times")
                                    .arg(trade, order.clientOrderId)
                                    .arg(tradeCount.value(trade));
                } else if (tradeOrder.value(trade) != order.clientOrderId) {
                    problems << QStringLiteral("fill %1 is booked to %2, not %3")
                                    .arg(trade, tradeOrder.value(trade), order.clientOrderId);
                }
            }
        }
        int databaseFills = 0;
        for (const int count : tradeCount)
            databaseFills += count;
        if (exchangeFills < journal.size())
            problems << QStringLiteral("only %1 fills on the exchange").arg(exchangeFills);
        if (databaseFills != exchangeFills)
            problems
                << QStringLiteral("%1 fills in the database, %2 on the exchange").arg(databaseFills).arg(exchangeFills);

        for (auto it = journal.cbegin(); it != journal.cend(); ++it) {
            const QString &id = it.key();
            const Line &line = it.value();
            const QList<BookOrder> placed = byClient.value(id);
            if (placed.size() > 1)
                problems << QStringLiteral("DUPLICATE: %1 was placed %2 times").arg(id).arg(placed.size());
            if (!ballast::domain::isFinal(ballast::domain::orderStatusFromString(line.status)))
                problems << QStringLiteral("%1 ended %2, not in a final state").arg(id, line.status);
            if (line.recorded != line.filled) {
                problems << QStringLiteral("%1: fills add up to %2, the journal says %3")
                                .arg(id, line.recorded.toString(), line.filled.toString());
            }
            if (placed.isEmpty()) {
                if (line.filled.isPositive() || line.status == QLatin1String("filled"))
                    problems << QStringLiteral("%1 is %2 in the journal but not on the exchange").arg(id, line.status);
                continue;
            }
            const BookOrder &order = placed.first();
            if (exchangeStatus(order.status) != line.status || order.executedQty != line.filled) {
                problems << QStringLiteral("%1: exchange %2 %3, journal %4 %5")
                                .arg(id, exchangeStatus(order.status), order.executedQty.toString(), line.status,
                                     line.filled.toString());
            }
        }
        return problems;
    }

    /// The ledger's holdings of the Binance account against the fake's balances, asset by asset.
    QStringList ledgerProblems()
    {
        QStringList problems;
        auto opened = Database::open(m_db, Database::Mode::ReadWriteExisting);
        if (!opened)
            return {QStringLiteral("cannot open the database: ") + opened.error().message};
        QHash<QString, Decimal> ledger;
        Statement holdings(**opened,
                           "SELECT h.asset, h.quantity FROM holdings h JOIN accounts a ON a.id = "
                           "h.account_id WHERE a.name = 'bn'");
        while (holdings.step())
            ledger[holdings.text(0)] += holdings.decimal(1);
        onFake([&] {
            for (const QString &asset : m_fake->book().assets()) {
                const Decimal total = m_fake->book().total(asset);
                if (ledger.value(asset) != total) {
                    problems << QStringLiteral("%1: ledger %2, exchange %3")
                                    .arg(asset, ledger.value(asset).toString(), total.toString());
                }
            }
        });
        return problems;
    }

    /// Starts @p arguments in two ballast-cli processes at once; their runs.
    QList<Run> twoAtOnce(const QList<QStringList> &arguments)
    {
        QList<QProcess *> processes;
        for (const QStringList &args : arguments) {
            auto *process = new QProcess;
            startCli(*process, args);
            processes.append(process);
        }
        QList<Run> runs;
        for (QProcess *process : processes) {
            if (!process->waitForFinished(180000))
                qFatal("ballast-cli did not finish");
            runs.append(Run{process->exitStatus() == QProcess::NormalExit ? process->exitCode() : -1,
                            QString::fromUtf8(process->readAllStandardOutput()),
                            QString::fromUtf8(process->readAllStandardError())});
            delete process;
        }
        return runs;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(!qEnvironmentVariable("BALLAST_CLI").isEmpty(), "BALLAST_CLI is not set (run through ctest)");
        const quint32 seed = qEnvironmentVariableIsSet("BALLAST_CRASH_SEED")
            ? qEnvironmentVariable("BALLAST_CRASH_SEED").toUInt()
            : 20261121U;
        qInfo("seed %u (set BALLAST_CRASH_SEED to repeat another)", seed);
        m_random.seed(seed);
        m_anchor = new QObject;
        m_anchor->moveToThread(&m_thread);
        connect(&m_thread, &QThread::finished, m_anchor, &QObject::deleteLater);
        m_thread.start();
        m_templateDb = m_dir.filePath(QStringLiteral("template.sqlite"));
        onFake([this] {
            m_fake = new FakeBinance;
            m_fake->setWeightLimit(1000000);
            m_fake->setStageGate(
                [this](const FakeRequest &request, RequestStage stage) { return spring(request, stage); });
            if (m_fake->listenLocal())
                m_url = m_fake->baseUrl().toString();
        });
        QVERIFY(!m_url.isEmpty());
    }

    void cleanupTestCase()
    {
        onFake([this] {
            delete m_fake;
            m_fake = nullptr;
        });
        m_thread.quit(); // deletes m_anchor (deleteLater on finished)
        m_anchor = nullptr;
        m_thread.wait();
    }

    /// The trades endpoint answers 503 for a whole run: every line is still
    /// sent, the CLI says fills are pending and exits 1 with one line naming
    /// `ballast-cli reconcile`; sync refuses to store balances it could not
    /// square with the journal. Once the endpoint is back, `sync` then
    /// `reconcile` record every trade exactly once and the ledger equals the
    /// exchange, asset by asset.
    void tradesDownThenSyncAndReconcile()
    {
        const int round = m_round;
        const auto restore = qScopeGuard([this, round] { m_round = round; }); // its own database file
        m_round = 900;
        startFake();
        QVERIFY(!m_url.isEmpty());
        const QString planId = preparePlan();
        QVERIFY(!planId.isEmpty());
        onFake([this] {
            FaultRule down;
            down.endpoint = FakeEndpoint::Trades;
            down.kind = FaultKind::Http5xxBeforeAccept;
            down.count = -1;
            down.httpStatus = 503;
            m_fake->injectFault(down);
        });
        const Run run = cli({QStringLiteral("execute"), planId, QStringLiteral("--yes")});
        QVERIFY2(run.exitCode == 1, qPrintable(run.out + run.err));
        QVERIFY2(run.out.contains(QStringLiteral("fills pending")), qPrintable(run.out));
        QVERIFY2(run.out.contains(QStringLiteral("run `ballast-cli reconcile`")), qPrintable(run.out));
        QVERIFY2(!run.out.contains(QStringLiteral("not sent")), qPrintable(run.out));
        qInfo().noquote() << QStringLiteral("execute with the trades endpoint down: exit %1, last line: %2")
                                 .arg(run.exitCode)
                                 .arg(run.out.trimmed().section(QLatin1Char('\n'), -1));
        QVERIFY(cli({QStringLiteral("sync")}).exitCode != 0);

        onFake([this] { m_fake->clearFaults(); });
        const Run synced = cli({QStringLiteral("sync")});
        QVERIFY2(synced.exitCode == 0, qPrintable(synced.err));
        const Run reconciled = cli({QStringLiteral("reconcile")});
        QVERIFY2(reconciled.exitCode == 0, qPrintable(reconciled.out + reconciled.err));
        const QStringList problems = verify(planId);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
        QStringList differences;
        {
            auto opened = Database::open(m_db, Database::Mode::ReadWriteExisting);
            QVERIFY(opened.ok());
            QHash<QString, Decimal> held;
            Statement holdings(**opened,
                               "SELECT h.asset, h.quantity FROM holdings h JOIN accounts a ON "
                               "a.id = h.account_id WHERE a.name = 'bn'");
            while (holdings.step())
                held[holdings.text(0)] += holdings.decimal(1);
            QHash<QString, Decimal> exchange;
            onFake([&] {
                for (const QString &asset : m_fake->book().assets())
                    exchange.insert(asset, m_fake->book().total(asset));
            });
            for (auto it = exchange.cbegin(); it != exchange.cend(); ++it) {
                if (held.value(it.key()) != it.value())
                    differences << QStringLiteral("%1: ledger %2, exchange %3")
                                       .arg(it.key(), held.value(it.key()).toString(), it.value().toString());
            }
            for (auto it = held.cbegin(); it != held.cend(); ++it) {
                if (!exchange.contains(it.key()) && !it.value().isZero())
                    differences
                        << QStringLiteral("%1: ledger %2, not on the exchange").arg(it.key(), it.value().toString());
            }
        }
        QVERIFY2(differences.isEmpty(), qPrintable(differences.join(QLatin1Char('\n'))));
        stopFake();
    }

    /// One plan executed without a kill: the baseline, and how long a whole run takes.
    void fullRunWithoutKill()
    {
        startFake();
        QVERIFY(!m_url.isEmpty());
        const QString planId = preparePlan();
        QVERIFY(!planId.isEmpty());
        qint64 startedAt = 0;
        onFake([&] { startedAt = m_fake->serverTimeMs(); });
        QElapsedTimer timer;
        timer.start();
        const Run run = cli({QStringLiteral("execute"), planId, QStringLiteral("--yes"), QStringLiteral("--json")});
        m_fullRunMs = timer.elapsed();
        onFake([&] {
            for (const RequestRecord &record : m_fake->requestLog()) {
                if (record.endpoint != FakeEndpoint::OrderCreate || record.receivedMs < startedAt)
                    continue;
                if (m_firstOrderMs == 0)
                    m_firstOrderMs = record.receivedMs - startedAt;
                m_lastOrderMs = record.receivedMs - startedAt;
            }
        });
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const QJsonObject summary = run.json();
        QCOMPARE(summary.value(QStringLiteral("unknown")).toInt(), 0);
        QVERIFY(summary.value(QStringLiteral("filled")).toInt() >= 18);
        const QStringList problems = verify(planId);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
        QVERIFY(m_lastOrderMs > m_firstOrderMs);
        qInfo("a full execution of %lld orders takes %lld ms, its orders go out from %lld to %lld ms",
              static_cast<long long>(summary.value(QStringLiteral("orders")).toArray().size()),
              static_cast<long long>(m_fullRunMs), static_cast<long long>(m_firstOrderMs),
              static_cast<long long>(m_lastOrderMs));
        stopFake();
    }

    /// Two processes execute the same plan at once: it reaches the exchange once.
    void twoProcessesExecutingOnePlan()
    {
        ++m_round;
        startFake();
        const QString planId = preparePlan();
        QVERIFY(!planId.isEmpty());
        const QStringList execute{QStringLiteral("execute"), planId, QStringLiteral("--yes")};
        const QList<Run> runs = twoAtOnce({execute, execute});
        int succeeded = 0;
        for (const Run &run : runs) {
            if (run.exitCode == 0) {
                ++succeeded;
                continue;
            }
            QCOMPARE(run.exitCode, 1);
            QVERIFY2(run.err.contains(QStringLiteral("another execution is running"))
                         || run.err.contains(QStringLiteral("executed already")),
                     qPrintable(run.err));
            QCOMPARE(run.err.trimmed().count(QLatin1Char('\n')), 0);
        }
        QCOMPARE(succeeded, 1);
        const QStringList problems = verify(planId) + ledgerProblems();
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
        stopFake();
    }

    /// The whole proposal and an approved part of it, started at once: one runs,
    /// the other is refused (busy, or superseded by the one that ran).
    void twoVersionsOfOnePlanAtOnce()
    {
        ++m_round;
        startFake();
        const QString planId = preparePlan();
        QVERIFY(!planId.isEmpty());
        // Lines 0 to 4 approved as a plan of their own (stored before the race).
        const Run part = cli({QStringLiteral("execute"), planId, QStringLiteral("--lines"), QStringLiteral("1,2,3,4,5"),
                              QStringLiteral("--dry-run")});
        QVERIFY2(part.exitCode == 0, qPrintable(part.err));
        const QString partId = part.out.section(QStringLiteral("as plan "), 1).section(QLatin1Char('.'), 0, 0);
        QVERIFY2(partId.startsWith(QLatin1Char('P')) && partId != planId, qPrintable(part.out));
        const QList<Run> runs = twoAtOnce({{QStringLiteral("execute"), planId, QStringLiteral("--yes")},
                                           {QStringLiteral("execute"), partId, QStringLiteral("--yes")}});
        QList<int> ran;
        for (int i = 0; i < 2; ++i) {
            if (runs[i].exitCode == 0) {
                ran.append(i);
                continue;
            }
            QCOMPARE(runs[i].exitCode, 1);
            QVERIFY2(runs[i].err.contains(QStringLiteral("another execution is running"))
                         || runs[i].err.contains(QStringLiteral("superseded")),
                     qPrintable(runs[i].err));
        }
        QCOMPARE(ran.size(), 1);
        const QString winner = ran.first() == 0 ? planId : partId;
        const QString loser = ran.first() == 0 ? partId : planId;
        // Nothing of the other version reached the exchange.
        onFake([&] {
            for (const BookOrder &order : m_fake->allOrders())
                QVERIFY2(!order.clientOrderId.startsWith(loser + QLatin1Char('-')), qPrintable(order.clientOrderId));
        });
        QStringList problems = ledgerProblems();
        if (winner == planId)
            problems += verify(planId);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
        stopFake();
    }

    /// A plan made before a sync that changed a balance is stale: refused, nothing sent.
    void aPlanIsStaleAfterASync()
    {
        ++m_round;
        startFake();
        const QString planId = preparePlan();
        QVERIFY(!planId.isEmpty());
        onFake([&] { m_fake->setBalance(sells()[0], dec("1")); }); // a withdrawal elsewhere
        QCOMPARE(cli({QStringLiteral("sync")}).exitCode, 0);
        const Run refused = cli({QStringLiteral("execute"), planId, QStringLiteral("--yes")});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains(QStringLiteral("is stale")) && refused.err.contains(sells()[0]),
                 qPrintable(refused.err));
        int orders = -1;
        onFake([&] { orders = static_cast<int>(m_fake->allOrders().size()); });
        QCOMPARE(orders, 0);
        stopFake();
    }

    /// Killed after its first orders, then prices move past --max-move: the resume sends nothing.
    void resumeAfterAPriceMoveSendsNothing()
    {
        ++m_round;
        startFake();
        const QString planId = preparePlan();
        QVERIFY(!planId.isEmpty());
        QProcess process;
        startCli(process, {QStringLiteral("execute"), planId, QStringLiteral("--yes")});
        QVERIFY(process.waitForStarted());
        int placed = 0;
        for (int wait = 0; wait < 30000 && placed < 3 && process.state() != QProcess::NotRunning; wait += 2) {
            QThread::msleep(2);
            onFake([&] { placed = static_cast<int>(m_fake->allOrders().size()); });
        }
        QVERIFY2(process.state() != QProcess::NotRunning, "the run ended before it could be killed");
        process.kill();
        QVERIFY(process.waitForFinished(30000));
        // Prices halve.
        onFake([&] {
            for (int i = 0; i < sells().size(); ++i) {
                const Decimal half = dec(prices()[i].toLatin1().constData()) / Decimal::fromInt(2);
                m_fake->setPrice(sells()[i] + QStringLiteral("USDT"), half);
                m_fake->setPrice(buys()[i] + QStringLiteral("USDT"), half);
            }
        });
        QList<BookOrder> before;
        onFake([&] { before = m_fake->allOrders(); });
        const Run resumed = cli({QStringLiteral("execute"), planId, QStringLiteral("--yes"),
                                 QStringLiteral("--max-move"), QStringLiteral("0.1%"), QStringLiteral("--json")});
        QCOMPARE(resumed.exitCode, 1);
        const QJsonObject summary = resumed.json();
        QVERIFY2(summary.value(QStringLiteral("aborted")).toBool(), qPrintable(resumed.out + resumed.err));
        QVERIFY(summary.value(QStringLiteral("resumed")).toBool());
        QVERIFY(!summary.value(QStringLiteral("replan_id")).toString().isEmpty());
        QList<BookOrder> after;
        onFake([&] { after = m_fake->allOrders(); });
        QCOMPARE(after.size(), before.size()); // nothing more was sent
        // After reconcile and sync the ledger equals the exchange.
        QCOMPARE(cli({QStringLiteral("reconcile")}).exitCode, 0);
        const QStringList problems = ledgerProblems();
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
        stopFake();
    }

    /// Plans executed under SIGKILL, each kill at a chosen protocol event (or,
    /// one in five, at a random moment), until the schedule is through.
    void killedAtChosenPoints()
    {
        QVERIFY(m_fullRunMs > 0);
        QElapsedTimer total;
        total.start();
        int completedByItself = 0;
        int randomKills = 0;
        int offTarget = 0; ///< chosen kills that the journal placed in another phase than aimed at
        QSet<int> linesHit; ///< plan lines that were in flight at a kill
        const int kills = qEnvironmentVariableIsSet("BALLAST_CRASH_KILLS")
            ? qEnvironmentVariableIntValue("BALLAST_CRASH_KILLS")
            : kDefaultKills;
        QList<KillSpec> schedule = killSchedule(kills);
        qsizetype next = 0;
        while (next < schedule.size()) {
            ++m_round;
            startFake();
            QVERIFY(!m_url.isEmpty());
            const QString planId = preparePlan();
            QVERIFY2(!planId.isEmpty(), "could not prepare a plan");
            bool finished = false;
            for (int kill = 0; kill < kMaxKillsPerPlan && next < schedule.size(); ++kill) {
                const Snapshot before = snapshot(planId);
                // A start-up kill needs a journal with nothing in flight (else the run starts by
                // reconciling), a reconciliation kill one with something in flight; the others fit
                // anywhere. The first entry that fits goes next, so that every kill lands where aimed.
                const auto fits = [&before](const KillSpec &s) {
                    if (s.random || (s.phase != Startup && s.phase != Reconciling))
                        return true;
                    return (s.phase == Reconciling) != before.inFlight.isEmpty();
                };
                const auto fitting = std::find_if(schedule.cbegin() + next, schedule.cend(), fits);
                QVERIFY2(fitting != schedule.cend() || kill > 0, "no kill of the schedule fits a fresh plan");
                if (fitting == schedule.cend())
                    break;
                schedule.swapItemsAt(next, fitting - schedule.cbegin());
                KillSpec spec = schedule.at(next);
                // Up to two orders further on than the cycle says, so that the plans do not all
                // repeat the same lines.
                if (spec.endpoint == FakeEndpoint::OrderCreate || spec.endpoint == FakeEndpoint::Trades)
                    spec.occurrence += static_cast<int>(m_random.bounded(3));
                const int delay = spec.random ? randomDelay() : 0;
                if (!spec.random) {
                    onFake([this, &spec] {
                        m_trap = Trap{};
                        m_trap.armed = true;
                        m_trap.endpoint = spec.endpoint;
                        m_trap.stage = spec.stage;
                        m_trap.occurrence = spec.occurrence;
                    });
                }
                m_pid.store(0);
                QElapsedTimer ran;
                ran.start();
                QProcess process;
                startCli(process, {QStringLiteral("execute"), planId, QStringLiteral("--yes")});
                QVERIFY(process.waitForStarted());
                m_pid.store(process.processId());
                const bool ended = spec.random ? process.waitForFinished(delay) : process.waitForFinished(180000);
                bool trapped = false;
                onFake([this, &trapped] {
                    trapped = m_trap.fired;
                    m_trap = Trap{};
                });
                if (ended && !trapped) {
                    // It finished before the kill: the plan is done.
                    const QString output = QString::fromUtf8(process.readAllStandardOutput())
                        + QString::fromUtf8(process.readAllStandardError());
                    // Killed after the plan was marked executed, a restart finds nothing left to do.
                    QVERIFY2(process.exitCode() == 0 || output.contains(QStringLiteral("was executed already")),
                             qPrintable(QStringLiteral("a restart that ended by itself failed:\n") + output));
                    finished = true;
                    ++completedByItself;
                    break;
                }
                if (!ended) {
                    process.kill(); // SIGKILL at a random moment
                    QVERIFY(process.waitForFinished(30000));
                }
                if (trapped)
                    QCOMPARE(process.exitStatus(), QProcess::CrashExit);
                ++m_kills;
                ++next;
                const Phase phase = classify(planId, before);
                ++m_phases[phase];
                if (spec.random)
                    ++randomKills;
                else if (phase != spec.phase)
                    ++offTarget;
                for (const QString &id : snapshot(planId).inFlight)
                    linesHit.insert(id.section(QLatin1Char('-'), -1).toInt());
                // The restart comes later: the exchange's clock has moved on by the request window,
                // less up to a quarter second that the restart still waits out for real.
                const ballast::execution::ExecutionOptions defaults;
                const qint64 later = defaults.requestWindowMs + defaults.settleMarginMs
                    - static_cast<qint64>(m_random.bounded(kRealWaitMs + 1));
                onFake([this, later] { m_fake->advanceClock(later); });
                qInfo("round %d kill %d %s (after %lld ms): %s", m_round, m_kills,
                      qPrintable(spec.random ? QStringLiteral("at %1 ms").arg(delay) : spec.describe()),
                      static_cast<long long>(ran.elapsed()), kPhaseNames[phase]);
            }
            if (!finished) {
                const Run last =
                    cli({QStringLiteral("execute"), planId, QStringLiteral("--yes"), QStringLiteral("--json")});
                QVERIFY2(last.exitCode == 0 || last.err.contains(QStringLiteral("was executed already")),
                         qPrintable(last.out + last.err));
            }
            const Run reconciled = cli({QStringLiteral("reconcile"), QStringLiteral("--json")});
            QVERIFY2(reconciled.exitCode == 0, qPrintable(reconciled.out + reconciled.err));
            const QStringList problems = verify(planId);
            QVERIFY2(problems.isEmpty(),
                     qPrintable(QStringLiteral("round %1 (plan %2):\n").arg(m_round).arg(planId)
                                + problems.join(QLatin1Char('\n'))));
            stopFake();
        }
        QString phases;
        for (int i = 0; i < PhaseCount; ++i)
            phases += QStringLiteral("\n  %1: %2")
                          .arg(QString::fromLatin1(kPhaseNames[static_cast<size_t>(i)]))
                          .arg(m_phases[static_cast<size_t>(i)]);
        QList<int> lines(linesHit.cbegin(), linesHit.cend());
        std::sort(lines.begin(), lines.end());
        QStringList lineNames;
        for (const int line : lines)
            lineNames << QString::number(line);
        qInfo("%d kills (%d at random moments, %d chosen ones landed in another phase) over %d plans in %lld ms "
              "(%d restarts finished before their kill); lines in flight at a kill: %s%s",
              m_kills, randomKills, offTarget, m_round, static_cast<long long>(total.elapsed()), completedByItself,
              qPrintable(lineNames.join(QLatin1Char(' '))), qPrintable(phases));
        QCOMPARE(m_kills, static_cast<int>(schedule.size()));
        for (int i = 0; i < PhaseCount; ++i)
            QVERIFY2(m_phases[static_cast<size_t>(i)] >= kMinKillsPerPhase, kPhaseNames[static_cast<size_t>(i)]);
        QVERIFY2(lines.size() >= kMinLinesInFlight, "the kills in flight did not spread over the plan's lines");
    }
};

QTEST_GUILESS_MAIN(TestCrash)
#include "tst_crash.moc"
