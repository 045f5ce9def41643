#pragma once

// A deterministic random ledger for property tests and benchmarks: every kind
// of transaction (trades against the quote asset and crypto-vs-crypto, fees in
// the quote, the base or a third asset, deposits with and without a price,
// withdrawals, linked transfers with fees, income, fee transactions,
// adjustments) over several accounts and networks, never taking more than is
// held. Prices are daily closes with at most 4 decimals and quantities have at
// most 8, so every value the tests compare is exact.

#include "domain/transaction.h"
#include "money/decimal.h"

#include <QDate>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QRandomGenerator>
#include <QString>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <tuple>
#include <vector>

namespace ballast::testsupport {

struct RandomHistoryOptions
{
    quint32 seed = 1;
    int transactions = 300;
    int assets = 4;
    int accounts = 2;
    int days = 400;
    QDate start{2020, 1, 1};
};

class RandomHistory
{
public:
    static QString quote() { return QStringLiteral("USDT"); }

    explicit RandomHistory(const RandomHistoryOptions &options)
        : m_options(options)
        , m_rng(options.seed)
    {
        for (int a = 0; a < options.assets; ++a) {
            m_assets.append(QStringLiteral("A%1").arg(a, 2, 10, QLatin1Char('0')));
            m_assetIndex.insert(m_assets.back(), a);
        }
        makePrices();
        makeTransactions();
    }

    [[nodiscard]] const QList<domain::Transaction> &transactions() const { return m_txs; }
    [[nodiscard]] const QList<QString> &assets() const { return m_assets; }
    [[nodiscard]] QDate lastDay() const { return m_options.start.addDays(m_options.days - 1); }

    /// The close of @p asset on @p day (4 decimals); nullopt outside the history.
    [[nodiscard]] std::optional<money::Decimal> close(const QString &asset, QDate day) const
    {
        if (asset == quote())
            return money::Decimal::fromInt(1);
        const qsizetype a = m_assetIndex.value(asset, -1);
        const qint64 d = m_options.start.daysTo(day);
        if (a < 0 || d < 0 || d >= m_options.days)
            return std::nullopt;
        return m_prices[static_cast<std::size_t>(a)][static_cast<std::size_t>(d)];
    }

    /// Every asset's close on the last day.
    [[nodiscard]] QHash<QString, money::Decimal> lastCloses() const
    {
        QHash<QString, money::Decimal> out;
        for (const QString &asset : m_assets)
            out.insert(asset, *close(asset, lastDay()));
        return out;
    }

private:
    using Decimal = money::Decimal;
    using Key = std::tuple<qint64, QString, QString>;

    static Decimal toDecimal(double value, int decimals)
    {
        return Decimal::fromDouble(value, decimals, money::RoundingMode::Down).valueOr(Decimal());
    }

    void makePrices()
    {
        m_prices.resize(static_cast<std::size_t>(m_assets.size()));
        for (auto &series : m_prices) {
            double p = std::exp(m_rng.generateDouble() * 8.0 - 2.0); // about 0.14 to 400
            for (int d = 0; d < m_options.days; ++d) {
                p *= std::exp((m_rng.generateDouble() - 0.5) * 0.08);
                p = std::max(p, 0.01);
                series.push_back(toDecimal(p, 4));
            }
        }
    }

    Decimal &balance(qint64 account, const QString &network, const QString &asset)
    {
        return m_balances[Key{account, network, asset}];
    }

    QString network() { return m_rng.bounded(3) == 0 ? QStringLiteral("base") : QString(); }
    qint64 account() { return 1 + m_rng.bounded(m_options.accounts); }
    QString asset() { return m_assets[m_rng.bounded(static_cast<int>(m_assets.size()))]; }

    /// A fraction (1 % to 60 %) of @p held, at 8 decimals.
    Decimal part(const Decimal &held) { return toDecimal(held.toDouble() * (0.01 + 0.59 * m_rng.generateDouble()), 8); }

    domain::Transaction base(domain::TransactionKind kind, qint64 account, const QString &network, const QString &asset)
    {
        domain::Transaction tx;
        tx.id = ++m_id;
        tx.kind = kind;
        tx.time = m_now;
        tx.accountId = account;
        tx.network = network;
        tx.asset = asset;
        return tx;
    }

    void push(const domain::Transaction &tx)
    {
        for (const auto &c : domain::balanceChanges(tx))
            balance(c.accountId, c.network, c.asset) += c.delta;
        m_txs.append(tx);
    }

    void makeTransactions()
    {
        // Qt::UTC, as ISO 8601 text with a Z parses (QTimeZone::utc() would
        // carry a time-zone object in every time).
        const QDateTime start(m_options.start, QTime(0, 0), Qt::UTC);
        const double span = static_cast<double>(m_options.days) * 86400000.0;
        for (int i = 0; i < m_options.transactions; ++i) {
            m_now =
                start.addMSecs(static_cast<qint64>(span * (i + m_rng.generateDouble() * 0.5) / m_options.transactions));
            m_day = m_options.start.daysTo(m_now.date());
            step();
        }
    }

    Decimal price(const QString &asset) const { return *close(asset, m_options.start.addDays(m_day)); }

    void step()
    {
        using K = domain::TransactionKind;
        const qint64 acct = account();
        const QString net = network();
        const QString a = asset();
        const int roll = m_rng.bounded(100);
        Decimal &cash = balance(acct, net, quote());
        Decimal &held = balance(acct, net, a);
        if (roll < 12 || cash < Decimal::fromInt(50)) {
            auto tx = base(K::Deposit, acct, net, quote());
            tx.quantity = toDecimal(200.0 + m_rng.generateDouble() * 5000.0, 2);
            push(tx);
        } else if (roll < 40) { // buy with the quote asset
            const Decimal p = price(a);
            const Decimal spend = part(cash);
            auto tx = base(K::Trade, acct, net, a);
            tx.side = domain::Side::Buy;
            tx.quote = quote();
            tx.price = p;
            tx.quantity = toDecimal(spend.toDouble() / p.toDouble() * 0.98, 8);
            if (!tx.quantity.isPositive())
                return;
            const int feeKind = m_rng.bounded(4);
            if (feeKind == 1) {
                tx.fee = toDecimal(tx.tradeQuote().toDouble() * 0.001, 8);
                tx.feeAsset = quote();
            } else if (feeKind == 2) {
                tx.fee = toDecimal(tx.quantity.toDouble() * 0.001, 8);
                tx.feeAsset = a;
            }
            if (tx.fee.isZero())
                tx.feeAsset.clear();
            push(tx);
        } else if (roll < 58 && held.isPositive()) { // sell for the quote asset
            auto tx = base(K::Trade, acct, net, a);
            tx.side = domain::Side::Sell;
            tx.quote = quote();
            tx.price = price(a);
            tx.quantity = part(held);
            if (!tx.quantity.isPositive())
                return;
            tx.fee = toDecimal(tx.tradeQuote().toDouble() * 0.001, 8);
            tx.feeAsset = tx.fee.isZero() ? QString() : quote();
            // A fee in a third asset, when there is one to pay with.
            const QString other = asset();
            if (other != a && m_rng.bounded(4) == 0 && balance(acct, net, other) > Decimal::fromInt(1)) {
                tx.fee = toDecimal(0.5 / price(other).toDouble(), 8);
                tx.feeAsset = tx.fee.isZero() || tx.fee > balance(acct, net, other) ? QString() : other;
                if (tx.feeAsset.isEmpty())
                    tx.fee = Decimal();
            }
            push(tx);
        } else if (roll < 66 && held.isPositive()) { // crypto-vs-crypto: pay `a`, get another asset
            const QString b = asset();
            if (b == a)
                return;
            auto tx = base(K::Trade, acct, net, a);
            tx.side = domain::Side::Sell;
            tx.quote = b;
            tx.price = toDecimal(price(a).toDouble() / price(b).toDouble(), 6);
            tx.quantity = part(held);
            if (!tx.quantity.isPositive() || !tx.price.isPositive())
                return;
            push(tx);
        } else if (roll < 72) { // deposit of an asset, sometimes without a price
            auto tx = base(K::Deposit, acct, net, a);
            tx.quantity = toDecimal(m_rng.generateDouble() * 50.0 / price(a).toDouble() + 0.0001, 8);
            tx.price = m_rng.bounded(5) == 0 ? Decimal() : price(a);
            push(tx);
        } else if (roll < 77 && held.isPositive()) {
            auto tx = base(K::Withdrawal, acct, net, a);
            tx.quantity = part(held);
            tx.price = price(a);
            if (tx.quantity.isPositive())
                push(tx);
        } else if (roll < 87 && held.isPositive()) { // a transfer to another account or network
            const qint64 toAcct = account();
            const QString toNet = network();
            if (toAcct == acct && toNet == net)
                return;
            auto out = base(K::TransferOut, acct, net, a);
            out.quantity = part(held);
            if (!out.quantity.isPositive())
                return;
            const Decimal rest = held - out.quantity;
            if (m_rng.bounded(3) == 0) {
                out.fee = Decimal::min(toDecimal(out.quantity.toDouble() * 0.002, 8), rest);
                out.feeAsset = out.fee.isZero() ? QString() : a;
            }
            out.price = price(a);
            auto in = base(K::TransferIn, toAcct, toNet, a);
            in.quantity = out.quantity;
            if (m_rng.bounded(4) == 0) // something lost on the way
                in.quantity = toDecimal(out.quantity.toDouble() * 0.995, 8);
            in.price = price(a);
            out.linkId = in.id;
            in.linkId = out.id;
            in.time = m_now.addMSecs(1);
            push(out);
            if (in.quantity.isPositive())
                push(in);
        } else if (roll < 92) {
            auto tx = base(K::Income, acct, net, a);
            tx.subkind = QStringLiteral("staking");
            tx.quantity = toDecimal(m_rng.generateDouble() * 5.0 / price(a).toDouble() + 0.00000001, 8);
            tx.price = m_rng.bounded(6) == 0 ? Decimal() : price(a);
            push(tx);
        } else if (roll < 95 && held.isPositive()) {
            auto tx = base(K::Fee, acct, net, a);
            tx.quantity = toDecimal(held.toDouble() * 0.001, 8);
            tx.price = price(a);
            if (tx.quantity.isPositive())
                push(tx);
        } else if (roll < 100) {
            auto tx = base(K::Adjustment, acct, net, a);
            tx.price = price(a);
            tx.quantity = m_rng.bounded(2) == 0 || !held.isPositive() ? toDecimal(m_rng.generateDouble(), 8)
                                                                      : -toDecimal(held.toDouble() * 0.01, 8);
            if (!tx.quantity.isZero())
                push(tx);
        }
    }

    RandomHistoryOptions m_options;
    QRandomGenerator m_rng;
    QList<QString> m_assets;
    QHash<QString, int> m_assetIndex;
    std::vector<std::vector<money::Decimal>> m_prices;
    std::map<Key, money::Decimal> m_balances;
    QList<domain::Transaction> m_txs;
    QDateTime m_now;
    qint64 m_day = 0;
    qint64 m_id = 0;
};

} // namespace ballast::testsupport
