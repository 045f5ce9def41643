#include "storage/schema.h"

#include <array>

namespace ballast::storage {

namespace {

// Exact values (quantities, prices, fees, weights, valuations) are TEXT holding
// a Decimal string; STRICT tables make SQLite refuse a REAL in those columns.
// Times are INTEGER milliseconds since the epoch, UTC.

constexpr const char *kV1Ledger = R"sql(
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
CREATE TABLE assets (
    symbol   TEXT PRIMARY KEY,
    name     TEXT NOT NULL DEFAULT '',
    decimals INTEGER NOT NULL DEFAULT 8,
    kind     TEXT NOT NULL DEFAULT 'crypto' CHECK (kind IN ('crypto', 'stablecoin', 'fiat')),
    networks TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE TABLE accounts (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL CHECK (kind IN ('paper', 'exchange', 'wallet')),
    exchange   TEXT NOT NULL,
    base_url   TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
) STRICT;
CREATE TABLE holdings (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    asset      TEXT NOT NULL REFERENCES assets(symbol),
    network    TEXT NOT NULL DEFAULT '',
    quantity   TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, asset, network)
) STRICT;
CREATE TABLE prices (
    asset  TEXT NOT NULL,
    quote  TEXT NOT NULL,
    ts     INTEGER NOT NULL,
    price  TEXT NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (asset, quote, ts)
) STRICT, WITHOUT ROWID;
)sql";

constexpr const char *kV2Portfolios = R"sql(
CREATE TABLE portfolios (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    quote      TEXT NOT NULL,
    band       TEXT NOT NULL DEFAULT '5pp',
    policy     TEXT NOT NULL DEFAULT 'threshold:5pp',
    created_at INTEGER NOT NULL
) STRICT;
CREATE TABLE targets (
    portfolio_id INTEGER NOT NULL REFERENCES portfolios(id) ON DELETE CASCADE,
    asset        TEXT NOT NULL,
    weight       TEXT NOT NULL,
    band         TEXT,
    PRIMARY KEY (portfolio_id, asset)
) STRICT;
CREATE TABLE valuations (
    portfolio_id INTEGER NOT NULL REFERENCES portfolios(id) ON DELETE CASCADE,
    ts           INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('daily', 'sync', 'trade', 'manual')),
    value        TEXT NOT NULL,
    quote        TEXT NOT NULL,
    simulated    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (portfolio_id, ts, kind)
) STRICT;
)sql";

// Price history feeds analytics and backtests, which work in doubles, so the
// candle columns are REAL by design; the ledger tables above stay exact.
constexpr const char *kV3MarketAndPaper = R"sql(
CREATE TABLE candles (asset TEXT NOT NULL, quote TEXT NOT NULL, interval TEXT NOT NULL, ts INTEGER NOT NULL, open REAL NOT NULL, high REAL NOT NULL, low REAL NOT NULL, close REAL NOT NULL, volume REAL NOT NULL DEFAULT 0, source TEXT NOT NULL, PRIMARY KEY (asset, quote, interval, ts)) STRICT, WITHOUT ROWID;
CREATE TABLE paper_balances (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    asset      TEXT NOT NULL,
    free       TEXT NOT NULL,
    locked     TEXT NOT NULL DEFAULT '0',
    PRIMARY KEY (account_id, asset)
) STRICT;
CREATE TABLE paper_orders (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    client_order_id TEXT NOT NULL,
    symbol          TEXT NOT NULL,
    side            TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
    type            TEXT NOT NULL CHECK (type IN ('market', 'limit')),
    quantity        TEXT NOT NULL,
    price           TEXT NOT NULL,
    filled_quantity TEXT NOT NULL DEFAULT '0',
    filled_quote    TEXT NOT NULL DEFAULT '0',
    status          TEXT NOT NULL,
    reason          TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX paper_orders_by_client_id ON paper_orders(account_id, client_order_id);
CREATE TABLE paper_fills (
    id        INTEGER PRIMARY KEY,
    order_id  INTEGER NOT NULL REFERENCES paper_orders(id) ON DELETE CASCADE,
    quantity  TEXT NOT NULL,
    price     TEXT NOT NULL,
    fee       TEXT NOT NULL,
    fee_asset TEXT NOT NULL,
    ts        INTEGER NOT NULL
) STRICT;
)sql";

// A plan is stored whole (its JSON, exact amounts as strings) so that a later
// command executes exactly what the person approved.
constexpr const char *kV4Plans = R"sql(
CREATE TABLE plans (
    id           TEXT PRIMARY KEY,
    portfolio_id INTEGER NOT NULL REFERENCES portfolios(id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    mode         TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'proposed'
                 CHECK (status IN ('proposed', 'approved', 'executing', 'executed', 'cancelled', 'superseded')),
    body         TEXT NOT NULL
) STRICT;
CREATE INDEX plans_by_portfolio ON plans(portfolio_id, created_at);
)sql";

// Market capitalisation per candle, for market-cap weighting (CoinGecko exports carry it).
constexpr const char *kV5MarketCaps = R"sql(
ALTER TABLE candles ADD COLUMN market_cap REAL NOT NULL DEFAULT 0;
)sql";

// The execution journal: every order intent and every state change is
// committed here before the request that depends on it is sent; fills are
// unique per exchange trade, so a fill is never counted twice.
constexpr const char *kV6Journal = R"sql(
CREATE TABLE executions (
    id          INTEGER PRIMARY KEY,
    plan_id     TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER NOT NULL DEFAULT 0,
    dry_run     INTEGER NOT NULL DEFAULT 0,
    status      TEXT NOT NULL CHECK (status IN ('running', 'finished', 'aborted', 'cancelled', 'failed')),
    summary     TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE TABLE journal (
    client_order_id   TEXT PRIMARY KEY,
    plan_id           TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    line              INTEGER NOT NULL,
    account_id        INTEGER NOT NULL REFERENCES accounts(id),
    symbol            TEXT NOT NULL,
    side              TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
    type              TEXT NOT NULL CHECK (type IN ('market', 'limit')),
    quantity          TEXT NOT NULL,
    price             TEXT NOT NULL,
    status            TEXT NOT NULL,
    exchange_order_id TEXT NOT NULL DEFAULT '',
    filled_quantity   TEXT NOT NULL DEFAULT '0',
    filled_quote      TEXT NOT NULL DEFAULT '0',
    attempts          INTEGER NOT NULL DEFAULT 0,
    deadline          INTEGER NOT NULL DEFAULT 0,
    reason            TEXT NOT NULL DEFAULT '',
    updated_at        INTEGER NOT NULL,
    UNIQUE (plan_id, line)
) STRICT;
CREATE INDEX journal_open ON journal(status);
CREATE TABLE journal_events (
    id              INTEGER PRIMARY KEY,
    client_order_id TEXT NOT NULL REFERENCES journal(client_order_id) ON DELETE CASCADE,
    at              INTEGER NOT NULL,
    status          TEXT NOT NULL,
    detail          TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE TABLE fills (
    account_id        INTEGER NOT NULL REFERENCES accounts(id),
    symbol            TEXT NOT NULL,
    trade_id          TEXT NOT NULL,
    client_order_id   TEXT NOT NULL,
    exchange_order_id TEXT NOT NULL DEFAULT '',
    side              TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
    quantity          TEXT NOT NULL,
    price             TEXT NOT NULL,
    fee               TEXT NOT NULL,
    fee_asset         TEXT NOT NULL,
    ts                INTEGER NOT NULL,
    PRIMARY KEY (account_id, symbol, trade_id)
) STRICT;
CREATE INDEX fills_by_order ON fills(client_order_id);
)sql";

// Markets of exchange accounts as of the last sync, so that planning works
// offline with the real rules (lot step, tick, minimums, fees).
constexpr const char *kV7Markets = R"sql(
CREATE TABLE markets (
    account_id      INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    symbol          TEXT NOT NULL,
    exchange_symbol TEXT NOT NULL,
    base            TEXT NOT NULL,
    quote           TEXT NOT NULL,
    active          INTEGER NOT NULL,
    rules           TEXT NOT NULL,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (account_id, symbol)
) STRICT;
)sql";

// The plan lifecycle: what a plan was made from (holdings and the last
// execution, to refuse a stale plan), the constraints it was made with (to
// re-plan in one step), the proposal an approved subset derives from, and who
// holds a running execution (process id and host, for the person to read).
constexpr const char *kV8PlanLifecycle = R"sql(
ALTER TABLE plans ADD COLUMN basis TEXT NOT NULL DEFAULT '';
ALTER TABLE plans ADD COLUMN constraints TEXT NOT NULL DEFAULT '';
ALTER TABLE plans ADD COLUMN parent_id TEXT NOT NULL DEFAULT '';
ALTER TABLE executions ADD COLUMN owner TEXT NOT NULL DEFAULT '';
CREATE INDEX plans_by_parent ON plans(parent_id);
)sql";

// The sync watermark of each exchange account: the exchange time (ms) that
// the balances stored by the last sync include every fill at or before. A
// fill recorded later with a time at or before it is stored (known once) but
// does not move holdings again. `applied` says whether a fill moved them;
// `quote_quantity` is the quote amount the exchange booked for the trade
// (its own rounding), empty when it gave none.
constexpr const char *kV9SyncWatermark = R"sql(
CREATE TABLE sync_watermarks (
    account_id   INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    watermark_ms INTEGER NOT NULL,
    synced_at    INTEGER NOT NULL
) STRICT;
ALTER TABLE fills ADD COLUMN applied INTEGER NOT NULL DEFAULT 1;
ALTER TABLE fills ADD COLUMN quote_quantity TEXT NOT NULL DEFAULT '';
)sql";

// Transactions are the ledger: holdings are the sum of their balance changes
// (domain::balanceChanges), and the `holdings` table stays as that sum
// materialised, written only by TransactionRepo in the transaction that
// writes the event (see docs/ledger.md). A deleted row keeps its place
// (`deleted_at` > 0) so that it can be restored and so that a re-import of
// the same external id does not bring it back. Today's holdings become
// opening balances: a deposit with source "opening" at the time the holding
// was last written (the account's creation when unknown), or a signed
// adjustment for a negative one; zero rows carry nothing.
constexpr const char *kV10Transactions = R"sql(
CREATE TABLE transactions (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('trade', 'deposit', 'withdrawal', 'transfer_out', 'transfer_in',
                                               'income', 'fee', 'adjustment')),
    ts           INTEGER NOT NULL,
    account_id   INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    network      TEXT NOT NULL DEFAULT '',
    side         TEXT NOT NULL DEFAULT '' CHECK (side IN ('', 'buy', 'sell')),
    asset        TEXT NOT NULL,
    quote        TEXT NOT NULL DEFAULT '',
    quantity     TEXT NOT NULL,
    price        TEXT NOT NULL DEFAULT '0',
    quote_amount TEXT NOT NULL DEFAULT '0',
    fee          TEXT NOT NULL DEFAULT '0',
    fee_asset    TEXT NOT NULL DEFAULT '',
    subkind      TEXT NOT NULL DEFAULT '',
    external_id  TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL CHECK (source IN ('manual', 'import', 'sync', 'execution', 'opening')),
    note         TEXT NOT NULL DEFAULT '',
    link_id      INTEGER NOT NULL DEFAULT 0,
    unexplained  INTEGER NOT NULL DEFAULT 0 CHECK (unexplained IN (0, 1)),
    created_at   INTEGER NOT NULL,
    deleted_at   INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX transactions_by_account ON transactions(account_id, ts);
CREATE INDEX transactions_by_time ON transactions(ts);
CREATE INDEX transactions_by_asset ON transactions(asset, ts);
CREATE UNIQUE INDEX transactions_external_id ON transactions(account_id, external_id) WHERE external_id <> '';
INSERT INTO transactions (kind, ts, account_id, network, asset, quantity, source, note, created_at)
SELECT CASE WHEN h.quantity GLOB '-*' THEN 'adjustment' ELSE 'deposit' END,
       CASE WHEN h.updated_at > 0 THEN h.updated_at ELSE a.created_at END,
       h.account_id, h.network, h.asset, h.quantity, 'opening', 'opening balance',
       CASE WHEN h.updated_at > 0 THEN h.updated_at ELSE a.created_at END
FROM holdings h JOIN accounts a ON a.id = h.account_id
WHERE trim(replace(replace(h.quantity, '-', ''), '.', ''), '0') <> ''
ORDER BY h.account_id, h.asset, h.network;
DELETE FROM holdings WHERE trim(replace(replace(quantity, '-', ''), '.', ''), '0') = '';
)sql";

// The cost-basis method (lots, gains) is the portfolio's, chosen by the person
// and changeable at any time: everything is recomputed from the transactions.
constexpr const char *kV11CostMethod = R"sql(
ALTER TABLE portfolios ADD COLUMN cost_method TEXT NOT NULL DEFAULT 'fifo'
    CHECK (cost_method IN ('fifo', 'lifo', 'hifo', 'average'));
)sql";

// Daily valuations are rebuilt from the transactions (PerformanceService):
// each daily row carries the net invested capital at that close (deposits
// minus withdrawals at their value) and the assets valued without their own
// close that day. Other kinds and older rows leave them NULL / empty.
constexpr const char *kV12ValuationFlows = R"sql(
ALTER TABLE valuations ADD COLUMN net_invested TEXT;
ALTER TABLE valuations ADD COLUMN missing TEXT NOT NULL DEFAULT '';
)sql";

// Where the last import from an exchange's API stopped, per account and
// stream ("binance:trades:BTC/USDT", "kraken:ledgers", ...): a trade id or a
// time, as the stream pages. Written in the SQLite transaction that stores
// what was read, so a failed import leaves it where it was.
constexpr const char *kV13ImportCursors = R"sql(
CREATE TABLE import_cursors (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    stream     TEXT NOT NULL,
    position   TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, stream)
) STRICT;
)sql";

// The holding period after which a disposal is long term (held MORE than this
// many days), the portfolio's like its cost-basis method: tax rules differ by
// country, and gains are recomputed from the transactions when it changes.
constexpr const char *kV14LongTermDays = R"sql(
ALTER TABLE portfolios ADD COLUMN long_term_days INTEGER NOT NULL DEFAULT 365
    CHECK (long_term_days BETWEEN 0 AND 36500);
)sql";

// A portfolio's rebalancing policy: the rule (the portfolio's old `policy`
// string, which stays in step with it for older readers) and the rest of the
// policy as JSON (mode, limits, tax preferences, sync interval; '{}' = the
// defaults). The last check is kept with it: when it ran, what it decided and
// the plan it prepared. A portfolio without a row has the defaults and its
// `policy` string as the rule.
constexpr const char *kV15RebalancePolicies = R"sql(
CREATE TABLE rebalance_policies (
    portfolio_id     INTEGER PRIMARY KEY REFERENCES portfolios(id) ON DELETE CASCADE,
    rule             TEXT NOT NULL,
    body             TEXT NOT NULL DEFAULT '{}',
    updated_at       INTEGER NOT NULL,
    last_check_at    INTEGER,
    last_fired       INTEGER NOT NULL DEFAULT 0 CHECK (last_fired IN (0, 1)),
    last_due         INTEGER NOT NULL DEFAULT 0 CHECK (last_due IN (0, 1)),
    last_why         TEXT NOT NULL DEFAULT '',
    last_plan_id     TEXT NOT NULL DEFAULT ''
) STRICT;
INSERT INTO rebalance_policies (portfolio_id, rule, updated_at)
SELECT id, policy, created_at FROM portfolios;
)sql";

// Specific identification: the lots each sell line of a plan is to take
// (written when the plan is executed), and the lots each sale transaction
// booked from its fills took, which the cost-basis pass follows instead of
// the portfolio's method. Lots are named by the transaction that opened them.
constexpr const char *kV16LotAssignments = R"sql(
CREATE TABLE planned_lots (
    client_order_id    TEXT NOT NULL,
    seq                INTEGER NOT NULL,
    lot_transaction_id INTEGER NOT NULL,
    quantity           TEXT NOT NULL,
    PRIMARY KEY (client_order_id, seq)
) STRICT;
CREATE TABLE lot_assignments (
    sale_transaction_id INTEGER NOT NULL REFERENCES transactions(id) ON DELETE CASCADE,
    seq                 INTEGER NOT NULL,
    lot_transaction_id  INTEGER NOT NULL,
    quantity            TEXT NOT NULL,
    client_order_id     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (sale_transaction_id, seq)
) STRICT;
CREATE INDEX lot_assignments_order ON lot_assignments (client_order_id);
)sql";

// Watch-only wallets: what each wallet account watches (an account key or an
// address, per network), the endpoint it asks per network (the person's own
// server, or a public one they chose), and the addresses its last sync looked
// at with what they held (shown by `wallets addresses` and the Accounts page
// without asking the network again).
constexpr const char *kV17WalletSources = R"sql(
CREATE TABLE wallet_sources (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    network    TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('xpub', 'address')),
    value      TEXT NOT NULL,
    script     TEXT NOT NULL DEFAULT '',
    UNIQUE (account_id, network, value)
) STRICT;
CREATE TABLE wallet_endpoints (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    network    TEXT NOT NULL,
    url        TEXT NOT NULL,
    PRIMARY KEY (account_id, network)
) STRICT;
CREATE TABLE wallet_addresses (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    network    TEXT NOT NULL,
    source_id  INTEGER NOT NULL REFERENCES wallet_sources(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    path       TEXT NOT NULL,
    address    TEXT NOT NULL,
    asset      TEXT NOT NULL,
    balance    TEXT NOT NULL,
    pending    TEXT NOT NULL,
    tx_count   INTEGER NOT NULL,
    scanned_at INTEGER NOT NULL,
    PRIMARY KEY (source_id, seq)
) STRICT;
)sql";

// The ERC-20 tokens an EVM wallet reads on each chain: the defaults of
// chain/evmchains copied when the wallet is added, so that the person can
// edit the list of their own wallet (decimals NULL: read from the contract).
constexpr const char *kV18WalletTokens = R"sql(
CREATE TABLE wallet_tokens (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    network    TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    symbol     TEXT NOT NULL,
    contract   TEXT NOT NULL,
    decimals   INTEGER,
    PRIMARY KEY (account_id, network, seq),
    UNIQUE (account_id, network, contract)
) STRICT;
)sql";

// The person's own name of an asset at a price-history source (a CoinGecko
// coin id, a Binance or Kraken pair) where the automatic one is wrong or
// missing: several coins share a symbol.
constexpr const char *kV19PriceSourceIds = R"sql(
CREATE TABLE price_source_ids (
    asset      TEXT NOT NULL,
    source     TEXT NOT NULL,
    id         TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (asset, source)
) STRICT;
)sql";

// One source of bands: a rule has no band of its own by default ("threshold"
// = outside the portfolio's bands), and a band the rule or the policy names
// replaces the portfolio's bands everywhere (the check, the plan, the drift
// bars). The old default rule, "threshold:5pp", is rewritten to "threshold"
// only where that changes no decision and cannot undo what a person chose:
// the rule was carried over and never saved since (the row's updated_at is
// still the portfolio's creation, or there is no row), the policy names no
// band of its own, and every band of the portfolio is 5pp (its default and
// each target's own). Anywhere else "threshold:5pp" stays as it is, so the
// check keeps deciding at 5pp; the portfolio's `policy` string follows.
constexpr const char *kV20OneSourceOfBands = R"sql(
CREATE TEMP TABLE v20_default_rule AS
SELECT p.id AS portfolio_id FROM portfolios p
LEFT JOIN rebalance_policies r ON r.portfolio_id = p.id
WHERE COALESCE(r.rule, p.policy) = 'threshold:5pp'
  AND (r.portfolio_id IS NULL
       OR (r.updated_at = p.created_at
           AND CASE WHEN json_valid(r.body) THEN json_extract(r.body, '$.band') IS NULL ELSE 0 END))
  AND p.band = '5pp'
  AND NOT EXISTS (SELECT 1 FROM targets t WHERE t.portfolio_id = p.id AND t.band IS NOT NULL AND t.band <> '5pp');
UPDATE rebalance_policies SET rule = 'threshold'
WHERE portfolio_id IN (SELECT portfolio_id FROM v20_default_rule);
UPDATE portfolios SET policy = 'threshold' WHERE id IN (SELECT portfolio_id FROM v20_default_rule);
DROP TABLE v20_default_rule;
)sql";

constexpr std::array<const char *, 20> kMigrations{
    kV1Ledger,          kV2Portfolios,      kV3MarketAndPaper, kV4Plans,           kV5MarketCaps,
    kV6Journal,         kV7Markets,         kV8PlanLifecycle,  kV9SyncWatermark,   kV10Transactions,
    kV11CostMethod,     kV12ValuationFlows, kV13ImportCursors, kV14LongTermDays,   kV15RebalancePolicies,
    kV16LotAssignments, kV17WalletSources,  kV18WalletTokens,  kV19PriceSourceIds, kV20OneSourceOfBands};

} // namespace

std::span<const char *const> migrations()
{
    return kMigrations;
}

} // namespace ballast::storage
