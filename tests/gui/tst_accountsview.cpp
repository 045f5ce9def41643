// The Accounts page against real parts: a real ledger file, real dialogs on the
// offscreen platform, the key vault on disk, and the real Binance connector
// talking HTTP over loopback to the in-process fake Binance.

#include "appcontext.h"
#include "chain/bitcoinkeys.h"
#include "chain/evmchains.h"
#include "dialogs/addaccountdialog.h"
#include "dialogs/tokenlistdialog.h"
#include "fakebinance.h"
#include "fakeesplora.h"
#include "fakeevmrpc.h"
#include "fakekraken.h"
#include "fakesolanarpc.h"
#include "models/accountsmodel.h"
#include "models/holdingstreemodel.h"
#include "security/keystore.h"
#include "security/vault.h"
#include "services/ledger.h"
#include "services/walletservice.h"
#include "storage/accountrepo.h"
#include "storage/holdingsrepo.h"
#include "testsupport.h"
#include "views/accountsview.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QTimer>

#include <functional>

using ballast::money::dec;
using ballast::test::TempDatabase;
using ballast::test::fake::FakeBinance;
using ballast::test::fake::FakeEndpoint;
using ballast::test::fake::FakeEsplora;
using ballast::test::fake::FakeEvmRpc;
using ballast::test::fake::FakeKraken;
using ballast::test::fake::FakeSolanaRpc;
using ballast::test::fake::FaultKind;
using ballast::ui::AccountsModel;
using ballast::ui::AccountsView;
using ballast::ui::AddAccountDialog;
using ballast::ui::AppContext;
using ballast::ui::TokenListDialog;

namespace {

QString passphrase()
{
    return QStringLiteral("correct horse battery staple");
}

/// A ledger with a portfolio in USDT, a context on it and the Accounts page.
struct Fixture
{
    TempDatabase tmp;
    std::unique_ptr<AppContext> context;
    std::unique_ptr<AccountsView> view;
    QStringList asked; ///< the reasons the page gave when asking for the passphrase
    QString answer = passphrase();

    Fixture()
    {
        if (!ballast::services::Ledger(tmp.db()).init(QStringLiteral("main"), QStringLiteral("USDT")))
            qFatal("cannot create the portfolio");
        context = std::make_unique<AppContext>(tmp.db(), tmp.path());
        context->setPassphraseProvider([this](const QString &reason) -> std::optional<QString> {
            asked.append(reason);
            return answer;
        });
        view = std::make_unique<AccountsView>(*context);
        view->resize(1000, 500);
        view->show();
    }

    QPushButton *button(const char *name) const { return view->findChild<QPushButton *>(QString::fromLatin1(name)); }
    QString message() const { return view->findChild<QLabel *>(QStringLiteral("message"))->text(); }

    void select(const QString &accountName) const
    {
        auto *table = view->findChild<QTableView *>(QStringLiteral("accountsTable"));
        for (int row = 0; row < table->model()->rowCount(); ++row) {
            if (table->model()->index(row, AccountsModel::Name).data().toString() == accountName) {
                table->selectRow(row);
                return;
            }
        }
        QFAIL(qPrintable(QStringLiteral("no row for %1").arg(accountName)));
    }

    /// Clicks @p name and waits for the worker's answer.
    bool clickAndWait(const char *name, QString *message = nullptr) const
    {
        QSignalSpy done(view.get(), &AccountsView::finished);
        QPushButton *target = button(name);
        if (!target || !target->isEnabled())
            return false;
        QTest::mouseClick(target, Qt::LeftButton);
        if (!done.wait(30000))
            return false;
        if (message)
            *message = done.first().at(1).toString();
        return done.first().at(0).toBool();
    }

    /// Opens the Add dialog through the page's button, fills it with @p fill and
    /// presses Add; returns what the worker answered.
    bool addThroughDialog(const std::function<void(AddAccountDialog *)> &fill, QString *message = nullptr)
    {
        QSignalSpy done(view.get(), &AccountsView::finished);
        bool filled = false;
        QTimer::singleShot(0, view.get(), [&fill, &filled] {
            auto *dialog = qobject_cast<AddAccountDialog *>(QApplication::activeModalWidget());
            if (!dialog)
                return;
            fill(dialog);
            filled = true;
            auto *ok = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
            if (ok->isEnabled())
                QTest::mouseClick(ok, Qt::LeftButton);
            else
                dialog->reject();
        });
        QTest::mouseClick(button("addAccount"), Qt::LeftButton);
        if (!filled || (done.isEmpty() && !done.wait(30000)))
            return false;
        if (message)
            *message = done.first().at(1).toString();
        return done.first().at(0).toBool();
    }
};

void type(AddAccountDialog *dialog, const char *field, const QString &text)
{
    auto *edit = dialog->findChild<QLineEdit *>(QString::fromLatin1(field));
    edit->clear();
    QTest::keyClicks(edit, text);
}

void choose(AddAccountDialog *dialog, const char *exchange)
{
    auto *kind = dialog->findChild<QComboBox *>(QStringLiteral("kind"));
    kind->setCurrentIndex(kind->findData(QString::fromLatin1(exchange)));
}

/// Sets cell (@p row, @p column) of @p table as its item delegate does when
/// an edit is committed (the item's text through the model).
void typeCell(QTableWidget *table, int row, int column, const QString &text)
{
    table->setCurrentCell(row, column);
    table->item(row, column)->setText(text);
}

QList<ballast::domain::Holding> holdingsOf(ballast::storage::Database &db, const QString &name)
{
    auto account = ballast::storage::AccountRepo(db).byName(name);
    if (!account)
        return {};
    return ballast::storage::HoldingsRepo(db).listForAccount(account->id).valueOr({});
}

} // namespace

class TestAccountsView : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { qputenv("BALLAST_NO_KEYCHAIN", "1"); }

    void modelPassesTheTesterThroughReloads()
    {
        Fixture f;
        AccountsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(model.reload(f.tmp.db(), nullptr).ok());
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(f.context->ledger().addAccount(QStringLiteral("paper"), QStringLiteral("paper")).ok());
        QVERIFY(f.context->ledger().addAccount(QStringLiteral("cold"), QStringLiteral("manual")).ok());
        QVERIFY(f.context->ledger()
                    .setHoldings(QStringLiteral("cold"),
                                 {{0, QStringLiteral("cold"), QStringLiteral("BTC"), {}, dec("0.25")}})
                    .ok());
        auto snapshot = f.context->snapshot();
        QVERIFY(snapshot.ok());
        QVERIFY(model.reload(f.tmp.db(), &*snapshot).ok());
        QCOMPARE(model.rowCount(), 2);
        const int cold = model.names().indexOf(QStringLiteral("cold"));
        QVERIFY(cold >= 0);
        QCOMPARE(model.index(cold, AccountsModel::Kind).data().toString(), QStringLiteral("Wallet"));
        QCOMPARE(model.index(cold, AccountsModel::Holdings).data(AccountsModel::SortRole).toInt(), 1);
        model.setActivity(model.row(cold).account.id, QStringLiteral("busy"));
        QCOMPARE(model.index(cold, AccountsModel::Activity).data().toString(), QStringLiteral("busy"));
    }

    void addsAPaperAccountThroughTheDialog()
    {
        Fixture f;
        QString message;
        QVERIFY(f.addThroughDialog(
            [](AddAccountDialog *dialog) {
                choose(dialog, "paper");
                type(dialog, "name", QStringLiteral("practice"));
            },
            &message));
        QVERIFY2(message.contains(QStringLiteral("practice")), qPrintable(message));
        auto stored = ballast::storage::AccountRepo(f.tmp.db()).byName(QStringLiteral("practice"));
        QVERIFY(stored.ok());
        QCOMPARE(stored->kind, ballast::domain::AccountKind::Paper);
        QCOMPARE(f.view->model()->rowCount(), 1);
        QVERIFY(f.asked.isEmpty()); // no keys, no passphrase
        QVERIFY(!QFile::exists(f.context->vaultPath()));
    }

    void theDialogRefusesEmptyAndTakenNames()
    {
        AddAccountDialog dialog({QStringLiteral("binance-main")});
        auto *ok = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        QVERIFY(!ok->isEnabled());
        QVERIFY(dialog.problem().contains(QStringLiteral("name")));
        type(&dialog, "name", QStringLiteral("binance-main"));
        QVERIFY(!ok->isEnabled());
        QVERIFY2(dialog.problem().contains(QStringLiteral("exists already")), qPrintable(dialog.problem()));
        type(&dialog, "name", QStringLiteral("binance-2"));
        QVERIFY(ok->isEnabled()); // paper needs nothing else
        choose(&dialog, "binance");
        QVERIFY(!ok->isEnabled());
        QCOMPARE(dialog.findChild<QLineEdit *>(QStringLiteral("apiSecret"))->echoMode(), QLineEdit::Password);
        QCOMPARE(dialog.findChild<QLineEdit *>(QStringLiteral("apiKey"))->echoMode(), QLineEdit::Password);
        type(&dialog, "apiKey", QStringLiteral("k"));
        type(&dialog, "apiSecret", QStringLiteral("s"));
        QVERIFY(ok->isEnabled());
        dialog.findChild<QGroupBox *>(QStringLiteral("advanced"))->setChecked(true);
        type(&dialog, "baseUrl", QStringLiteral("not a url"));
        QVERIFY(!ok->isEnabled());
        type(&dialog, "baseUrl", QStringLiteral("http://127.0.0.1:9"));
        QVERIFY(ok->isEnabled());
        QCOMPARE(dialog.baseUrl(), QStringLiteral("http://127.0.0.1:9"));
        dialog.grab().save(QDir::temp().filePath(QStringLiteral("ballast-addaccount.png")));
    }

    void theDialogRefusesUnsafeBaseUrlsNextToTheField()
    {
        AddAccountDialog dialog({});
        dialog.show();
        auto *ok = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        auto *why = dialog.findChild<QLabel *>(QStringLiteral("baseUrlProblem"));
        QVERIFY(why);
        type(&dialog, "name", QStringLiteral("bn"));
        choose(&dialog, "binance");
        type(&dialog, "apiKey", QStringLiteral("k"));
        type(&dialog, "apiSecret", QStringLiteral("s"));
        dialog.findChild<QGroupBox *>(QStringLiteral("advanced"))->setChecked(true);
        QVERIFY(ok->isEnabled());
        QVERIFY(!why->isVisible());
        const struct
        {
            const char *url;
            const char *words;
        } refused[] = {
            {"http://api.example.com", "in clear"},    {"file:///etc/passwd", "https://"},
            {"javascript:alert(1)", "https://"},       {"https://user:pw@api.example.com", "user name or password"},
            {"https://api.example.com/?x=1", "query"}, {"https://api.example.com/#top", "fragment"},
        };
        for (const auto &item : refused) {
            type(&dialog, "baseUrl", QString::fromLatin1(item.url));
            QVERIFY2(!ok->isEnabled(), item.url);
            QVERIFY2(why->isVisible(), item.url);
            QVERIFY2(why->text().contains(QLatin1String(item.words)), qPrintable(why->text()));
            QCOMPARE(dialog.problem(), why->text());
        }
        for (const char *url : {"https://testnet.binance.vision", "http://localhost:8080", "http://[::1]:9"}) {
            type(&dialog, "baseUrl", QString::fromLatin1(url));
            QVERIFY2(ok->isEnabled(), url);
            QVERIFY(!why->isVisible());
        }
    }

    void aSecondKeyWithAnotherPassphraseIsRefused()
    {
        Fixture f;
        auto fill = [](const QString &name) {
            return [name](AddAccountDialog *dialog) {
                choose(dialog, "binance");
                type(dialog, "name", name);
                type(dialog, "apiKey", FakeBinance::docsApiKey());
                type(dialog, "apiSecret", FakeBinance::docsSecretKey());
                dialog->findChild<QGroupBox *>(QStringLiteral("advanced"))->setChecked(true);
                type(dialog, "baseUrl", QStringLiteral("http://127.0.0.1:9"));
            };
        };
        QString message;
        QVERIFY2(f.addThroughDialog(fill(QStringLiteral("bn-1")), &message), qPrintable(message));
        QFile vaultFile(f.context->vaultPath());
        QVERIFY(vaultFile.open(QIODevice::ReadOnly));
        const QByteArray vaultBefore = vaultFile.readAll();
        vaultFile.close();
        const QByteArray rowsBefore = ballast::test::contentDigest(f.tmp.db());

        // The core check refuses the mistyped passphrase: no key sealed, no account added.
        f.answer = QStringLiteral("correct horse battery stapel");
        QVERIFY(!f.addThroughDialog(fill(QStringLiteral("bn-2")), &message));
        QVERIFY2(f.message().contains(QStringLiteral("does not open the key vault")), qPrintable(f.message()));
        QVERIFY(vaultFile.open(QIODevice::ReadOnly));
        QCOMPARE(vaultFile.readAll(), vaultBefore);
        vaultFile.close();
        QCOMPARE(ballast::test::contentDigest(f.tmp.db()), rowsBefore);

        f.answer = passphrase();
        QVERIFY2(f.addThroughDialog(fill(QStringLiteral("bn-2")), &message), qPrintable(message));
    }

    void binanceAccountKeysConnectionAndSync()
    {
        FakeBinance fake;
        QVERIFY(fake.listenLocal());
        fake.setBalance(QStringLiteral("BTC"), dec("0.5"));
        fake.setBalance(QStringLiteral("USDT"), dec("1250"));
        Fixture f;

        QString message;
        QVERIFY2(f.addThroughDialog(
                     [&fake](AddAccountDialog *dialog) {
                         choose(dialog, "binance");
                         type(dialog, "name", QStringLiteral("binance-main"));
                         type(dialog, "apiKey", FakeBinance::docsApiKey());
                         type(dialog, "apiSecret", FakeBinance::docsSecretKey());
                         dialog->findChild<QGroupBox *>(QStringLiteral("advanced"))->setChecked(true);
                         type(dialog, "baseUrl", fake.baseUrl().toString());
                     },
                     &message),
                 qPrintable(message));
        // A new vault: the passphrase was asked twice, to confirm it.
        QCOMPARE(f.asked.size(), 2);
        ballast::security::Vault vault(f.context->vaultPath(), f.tmp.db().databaseId());
        auto keys = vault.load(QStringLiteral("binance-main"), passphrase());
        QVERIFY2(keys.ok(), qPrintable(keys.ok() ? QString() : keys.error().message));
        QCOMPARE(keys->apiKey, FakeBinance::docsApiKey());
        QCOMPARE(keys->secret, FakeBinance::docsSecretKey());
        QVERIFY(!vault.load(QStringLiteral("binance-main"), QStringLiteral("wrong")).ok());
        auto account = ballast::storage::AccountRepo(f.tmp.db()).byName(QStringLiteral("binance-main"));
        QVERIFY(account.ok());
        QCOMPARE(account->baseUrl, fake.baseUrl().toString());

        // Test connection: accepted, then refused with the exchange's own words.
        f.select(QStringLiteral("binance-main"));
        QVERIFY2(f.clickAndWait("testConnection", &message), qPrintable(message));
        QVERIFY2(f.message().contains(QStringLiteral("Connected")), qPrintable(f.message()));
        fake.setCredentials(FakeBinance::docsApiKey(), QStringLiteral("another-secret-than-the-stored-one"));
        QVERIFY(!f.clickAndWait("testConnection", &message));
        QVERIFY2(f.message().contains(QStringLiteral("Signature for this request is not valid")),
                 qPrintable(f.message()));
        fake.setCredentials(FakeBinance::docsApiKey(), FakeBinance::docsSecretKey());

        // A wrong passphrase unlocks nothing and says so.
        f.answer = QStringLiteral("not the passphrase");
        QVERIFY(!f.clickAndWait("testConnection", &message));
        QVERIFY2(!f.message().isEmpty() && !f.message().contains(QStringLiteral("Connected")), qPrintable(f.message()));
        f.answer = passphrase();

        // Sync brings the fake's balances into the holdings.
        QSignalSpy changed(f.context.get(), &AppContext::ledgerChanged);
        QVERIFY2(f.clickAndWait("sync", &message), qPrintable(message));
        QCOMPARE(changed.size(), 1);
        QHash<QString, QString> held;
        for (const auto &holding : holdingsOf(f.tmp.db(), QStringLiteral("binance-main")))
            held.insert(holding.asset, holding.quantity.toString());
        QCOMPARE(held.value(QStringLiteral("BTC")), QStringLiteral("0.5"));
        QCOMPARE(held.value(QStringLiteral("USDT")), QStringLiteral("1250"));
        const int row = f.view->model()->rowOf(account->id);
        QCOMPARE(f.view->model()->index(row, AccountsModel::Holdings).data(AccountsModel::SortRole).toInt(), 2);
        QVERIFY(!f.view->model()->index(row, AccountsModel::LastSync).data().toString().isEmpty());
        QVERIFY(f.view->model()->index(row, AccountsModel::Value).data(AccountsModel::SortRole).toDouble() > 1250.0);
        f.view->grab().save(QDir::temp().filePath(QStringLiteral("ballast-accounts.png")));

        // A sync that fails half-way (the ticker call) changes nothing at all.
        fake.setBalance(QStringLiteral("BTC"), dec("0.75"));
        fake.injectFault(FakeEndpoint::Ticker, FaultKind::ServiceUnavailable, 20);
        const QByteArray before = ballast::test::contentDigest(f.tmp.db());
        QVERIFY(!f.clickAndWait("sync", &message));
        QVERIFY2(message.contains(QStringLiteral("binance-main")), qPrintable(message));
        QCOMPARE(ballast::test::contentDigest(f.tmp.db()), before);
        QCOMPARE(f.view->model()->index(row, AccountsModel::Activity).data().toString(), QStringLiteral("Sync failed"));
        QVERIFY(f.message().contains(QStringLiteral("what failed was left as it was")));
    }

    // The dialog checks each line as typed: a private key or recovery phrase
    // is refused with the reason (never shown back), a typo names its line.
    void theDialogRefusesSecretsForABitcoinWallet()
    {
        AddAccountDialog dialog({});
        choose(&dialog, "bitcoin");
        type(&dialog, "name", QStringLiteral("cold"));
        auto *ok = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        auto *watch = dialog.findChild<QPlainTextEdit *>(QStringLiteral("watched"));
        QVERIFY(watch->isVisible() || !dialog.isVisible());
        QVERIFY(!ok->isEnabled());
        QVERIFY2(dialog.problem().contains(QStringLiteral("Paste an account key")), qPrintable(dialog.problem()));
        watch->setPlainText(QStringLiteral("xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUt"
                                           "g6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi"));
        QVERIFY(!ok->isEnabled());
        QVERIFY2(dialog.problem().startsWith(QStringLiteral("Line 1: this is an extended private key")),
                 qPrintable(dialog.problem()));
        QVERIFY(!dialog.problem().contains(QStringLiteral("xprv9s21")));
        watch->setPlainText(
            QStringLiteral("bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu\nabandon abandon abandon abandon "
                           "abandon abandon abandon abandon abandon abandon abandon about"));
        QVERIFY2(dialog.problem().startsWith(QStringLiteral("Line 2: this looks like a recovery phrase of 12 words")),
                 qPrintable(dialog.problem()));
        watch->setPlainText(QStringLiteral("bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyv"));
        QVERIFY2(dialog.problem().startsWith(QStringLiteral("Line 1: not a Bitcoin address")),
                 qPrintable(dialog.problem()));
        watch->setPlainText(QStringLiteral("bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"));
        QVERIFY2(ok->isEnabled(), qPrintable(dialog.problem()));
        dialog.adjustSize();
        dialog.grab().save(QDir::temp().filePath(QStringLiteral("ballast-add-bitcoin-wallet.png")));
        type(&dialog, "esploraUrl", QStringLiteral("http://esplora.example.com/api"));
        QVERIFY(!ok->isEnabled());
        QVERIFY2(dialog.problem().contains(QStringLiteral("addresses would travel in clear")),
                 qPrintable(dialog.problem()));
    }

    // A watch-only wallet added through the dialog and synced on the account
    // worker against FakeEsplora: the balance lands as BTC on network bitcoin.
    void bitcoinWalletThroughTheDialogSyncs()
    {
        FakeEsplora fake;
        QVERIFY(fake.listenLocal());
        const QString zpub =
            QStringLiteral("zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCTo"
                           "UG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs");
        fake.setAddress(*ballast::chain::ExtendedPublicKey::parse(zpub)->address(0, 0), {42'000'000, 0, 1, 0, 0, 0});
        Fixture f;
        QString message;
        QVERIFY2(f.addThroughDialog(
                     [&](AddAccountDialog *dialog) {
                         choose(dialog, "bitcoin");
                         type(dialog, "name", QStringLiteral("cold"));
                         dialog->findChild<QPlainTextEdit *>(QStringLiteral("watched"))->setPlainText(zpub);
                         type(dialog, "esploraUrl", fake.baseUrl().toString());
                     },
                     &message),
                 qPrintable(message));
        QVERIFY(f.asked.isEmpty()); // no key, no vault
        auto account = ballast::storage::AccountRepo(f.tmp.db()).byName(QStringLiteral("cold"));
        QVERIFY(account.ok());
        QCOMPARE(account->exchange, QStringLiteral("bitcoin"));
        f.select(QStringLiteral("cold"));
        QVERIFY(!f.button("testConnection")->isEnabled());
        QSignalSpy changed(f.context.get(), &AppContext::ledgerChanged);
        QVERIFY2(f.clickAndWait("sync", &message), qPrintable(message));
        QCOMPARE(changed.size(), 1);
        const auto held = holdingsOf(f.tmp.db(), QStringLiteral("cold"));
        QCOMPARE(held.size(), 1);
        QCOMPARE(held.first().asset, QStringLiteral("BTC"));
        QCOMPARE(held.first().network, QStringLiteral("bitcoin"));
        QCOMPARE(held.first().quantity, dec("0.42"));
        const int row = f.view->model()->rowOf(account->id);
        QCOMPARE(f.view->model()->index(row, AccountsModel::Activity).data().toString(), QStringLiteral("Synced"));
        QCOMPARE(fake.requests().size(), 21 + 20);
    }

    // EVM: the address, a checkbox per chain and each chain's RPC URL, each
    // checked as typed; Solana: the address and one RPC URL.
    void theDialogChecksEvmAndSolanaWallets()
    {
        AddAccountDialog dialog({});
        choose(&dialog, "evm");
        type(&dialog, "name", QStringLiteral("hot"));
        auto *ok = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        QVERIFY(!ok->isEnabled());
        QVERIFY2(dialog.problem().startsWith(QStringLiteral("Paste the wallet's address (0x")),
                 qPrintable(dialog.problem()));
        type(&dialog, "walletAddress",
             QStringLiteral("0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"));
        QVERIFY2(dialog.problem().startsWith(QStringLiteral("Address: 64 hex digits are a private key")),
                 qPrintable(dialog.problem()));
        QVERIFY(!dialog.problem().contains(QStringLiteral("4c0883a6")));
        type(&dialog, "walletAddress", QStringLiteral("0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045"));
        // Ethereum alone, checked by default, reads through the public default.
        QVERIFY2(ok->isEnabled(), qPrintable(dialog.problem()));
        QCOMPARE(dialog.chains(), QStringList{QStringLiteral("ethereum")});
        QVERIFY(dialog.rpcUrls().isEmpty());
        dialog.findChild<QCheckBox *>(QStringLiteral("chain_base"))->setChecked(true);
        QVERIFY(!ok->isEnabled());
        QVERIFY2(dialog.problem().startsWith(QStringLiteral("Give the RPC URL for Base")),
                 qPrintable(dialog.problem()));
        type(&dialog, "rpc_base", QStringLiteral("http://base.example.com/key"));
        QVERIFY2(dialog.problem().startsWith(QStringLiteral("The RPC URL for Base must start with https://")),
                 qPrintable(dialog.problem()));
        type(&dialog, "rpc_base", QStringLiteral("https://base.example.com/key"));
        QVERIFY2(ok->isEnabled(), qPrintable(dialog.problem()));
        QCOMPARE(dialog.chains(), (QStringList{QStringLiteral("ethereum"), QStringLiteral("base")}));
        QCOMPARE(dialog.rpcUrls().value(QStringLiteral("base")), QStringLiteral("https://base.example.com/key"));
        QVERIFY(dialog.baseUrl().isEmpty());
        dialog.findChild<QCheckBox *>(QStringLiteral("chain_ethereum"))->setChecked(false);
        dialog.findChild<QCheckBox *>(QStringLiteral("chain_base"))->setChecked(false);
        QCOMPARE(dialog.problem(), QStringLiteral("Choose at least one chain."));

        choose(&dialog, "solana");
        QVERIFY2(dialog.problem().startsWith(QStringLiteral("Address: ")), qPrintable(dialog.problem()));
        type(&dialog, "walletAddress", QStringLiteral("9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM"));
        QVERIFY2(ok->isEnabled(), qPrintable(dialog.problem()));
        QVERIFY(dialog.chains().isEmpty());
        type(&dialog, "esploraUrl", QStringLiteral("http://solana.example.com"));
        QVERIFY2(dialog.problem().startsWith(QStringLiteral("The RPC URL must start with https://")),
                 qPrintable(dialog.problem()));
    }

    // An EVM wallet on Ethereum and Base added through the dialog and synced on
    // the account worker: USDC lands on both networks, and the Holdings tree
    // shows one USDC row split into them.
    void evmWalletThroughTheDialogSyncsAndHoldingsSplit()
    {
        const QString owner = QStringLiteral("0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045");
        FakeEvmRpc ethereum;
        FakeEvmRpc base;
        QVERIFY(ethereum.listenLocal() && base.listenLocal());
        QString usdcEthereum;
        QString usdcBase;
        for (auto [fake, key, usdc] : {std::tuple{&ethereum, "ethereum", &usdcEthereum}, {&base, "base", &usdcBase}}) {
            const auto *evmChain = ballast::chain::evmChainByKey(QString::fromLatin1(key));
            fake->setChainId(evmChain->chainId);
            for (const auto &token : evmChain->defaultTokens) {
                fake->addToken(token.contract, token.decimals);
                if (token.symbol == QLatin1String("USDC"))
                    *usdc = token.contract;
            }
        }
        ethereum.setBalance(owner, QStringLiteral("1000000000000000000"));
        ethereum.setTokenBalance(usdcEthereum, owner, QStringLiteral("250000000"));
        base.setTokenBalance(usdcBase, owner, QStringLiteral("75000000"));
        Fixture f;
        QString message;
        QVERIFY2(f.addThroughDialog(
                     [&](AddAccountDialog *dialog) {
                         choose(dialog, "evm");
                         type(dialog, "name", QStringLiteral("hot"));
                         type(dialog, "walletAddress", owner);
                         dialog->findChild<QCheckBox *>(QStringLiteral("chain_base"))->setChecked(true);
                         type(dialog, "rpc_ethereum", ethereum.url().toString());
                         type(dialog, "rpc_base", base.url().toString());
                     },
                     &message),
                 qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("Added EVM wallet \"hot\"")), qPrintable(message));
        auto account = ballast::storage::AccountRepo(f.tmp.db()).byName(QStringLiteral("hot"));
        QVERIFY(account.ok());
        QCOMPARE(account->exchange, QStringLiteral("evm"));
        f.select(QStringLiteral("hot"));
        QVERIFY2(f.clickAndWait("sync", &message), qPrintable(message));
        QStringList held;
        for (const auto &holding : holdingsOf(f.tmp.db(), QStringLiteral("hot")))
            held.append(QStringLiteral("%1@%2=%3").arg(holding.asset, holding.network, holding.quantity.toString()));
        held.sort();
        QCOMPARE(held,
                 (QStringList{QStringLiteral("ETH@ethereum=1"), QStringLiteral("USDC@base=75"),
                              QStringLiteral("USDC@ethereum=250")}));
        const int row = f.view->model()->rowOf(account->id);
        QCOMPARE(f.view->model()->index(row, AccountsModel::Activity).data().toString(), QStringLiteral("Synced"));

        // The Holdings page's model: USDC once, 325 in all, split by network.
        auto snapshot = ballast::services::Ledger(f.tmp.db()).snapshot();
        QVERIFY(snapshot);
        ballast::ui::HoldingsTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setSnapshot(*snapshot);
        QModelIndex usdc;
        for (int r = 0; r < model.rowCount(); ++r) {
            if (model.index(r, ballast::ui::HoldingsTreeModel::Name).data().toString() == QLatin1String("USDC"))
                usdc = model.index(r, ballast::ui::HoldingsTreeModel::Name);
        }
        QVERIFY(usdc.isValid());
        QCOMPARE(model.index(usdc.row(), ballast::ui::HoldingsTreeModel::Quantity)
                     .data(ballast::ui::HoldingsTreeModel::RawValueRole)
                     .toDouble(),
                 325.0);
        QCOMPARE(model.index(usdc.row(), ballast::ui::HoldingsTreeModel::Network).data().toString(),
                 QStringLiteral("2 networks"));
        QCOMPARE(model.rowCount(usdc), 2);
        QStringList split;
        for (int child = 0; child < 2; ++child)
            split.append(model.index(child, ballast::ui::HoldingsTreeModel::Network, usdc).data().toString());
        split.sort();
        QCOMPARE(split, (QStringList{QStringLiteral("base"), QStringLiteral("ethereum")}));
    }

    // The token editor: a tab per chain, each row checked by the service's
    // own check as it is typed (the contract's EIP-55 checksum when in mixed
    // case, decimals 0 to 18), remove and reset to defaults.
    void theTokenEditorChecksEachRow()
    {
        using ballast::services::WalletService;
        const QString base = QStringLiteral("base");
        const QString ethereum = QStringLiteral("ethereum");
        QList<ballast::domain::WalletToken> stored = WalletService::defaultTokens(ethereum);
        stored.append(WalletService::defaultTokens(base));
        TokenListDialog dialog(QStringLiteral("hot"), {ethereum, base}, stored);
        auto *save = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save);
        QVERIFY2(save->isEnabled(), qPrintable(dialog.problem()));
        QCOMPARE(dialog.lists()->value(base), WalletService::defaultTokens(base));
        QTableWidget *table = dialog.table(base);
        QVERIFY(table);
        const int defaults = table->rowCount();

        dialog.showChain(base);
        QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("addToken")), Qt::LeftButton);
        QCOMPARE(table->rowCount(), defaults + 1);
        const int added = defaults;
        QVERIFY(!save->isEnabled());
        QCOMPARE(dialog.problem(),
                 QStringLiteral("base token %1: a symbol of 1 to 20 characters without spaces is "
                                "needed.")
                     .arg(added + 1));
        typeCell(table, added, TokenListDialog::Symbol, QStringLiteral("link"));
        // EIP-55's first example with its last letter's case flipped: the checksum fails.
        typeCell(table, added, TokenListDialog::Contract, QStringLiteral("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"));
        QVERIFY2(dialog.problem().startsWith(QStringLiteral("base token %1: contract: ").arg(added + 1)),
                 qPrintable(dialog.problem()));
        QVERIFY(!save->isEnabled());
        typeCell(table, added, TokenListDialog::Contract, QStringLiteral("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"));
        typeCell(table, added, TokenListDialog::Decimals, QStringLiteral("19"));
        QVERIFY2(dialog.problem().startsWith(QStringLiteral("base token %1: 19 decimals").arg(added + 1)),
                 qPrintable(dialog.problem()));
        typeCell(table, added, TokenListDialog::Decimals, QString());
        QVERIFY2(save->isEnabled(), qPrintable(dialog.problem()));
        const auto edited = dialog.lists()->value(base);
        QCOMPARE(edited.size(), defaults + 1);
        // Stored as the service stores it: upper-case symbol, EIP-55 contract, decimals read at sync.
        QCOMPARE(
            edited.last(),
            (ballast::domain::WalletToken{base, QStringLiteral("LINK"),
                                          QStringLiteral("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"), std::nullopt}));
        // Ethereum's tab is untouched.
        QCOMPARE(dialog.lists()->value(ethereum), WalletService::defaultTokens(ethereum));

        table->selectRow(0);
        QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("removeToken")), Qt::LeftButton);
        QCOMPARE(table->rowCount(), defaults);
        QCOMPARE(dialog.lists()->value(base).first().symbol, WalletService::defaultTokens(base).at(1).symbol);
        QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("resetTokens")), Qt::LeftButton);
        QCOMPARE(dialog.lists()->value(base), WalletService::defaultTokens(base));
        QVERIFY(save->isEnabled());
    }

    // Edit Tokens on the Accounts page: a token added to Ethereum's list is
    // saved through the service and read by the next sync, its decimals
    // asked of the contract.
    void editedTokensAreSavedAndReadBySync()
    {
        const QString owner = QStringLiteral("0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045");
        const QString link = QStringLiteral("0x514910771AF9Ca656af840dff83E8264EcF986CA");
        FakeEvmRpc ethereum;
        QVERIFY(ethereum.listenLocal());
        const auto *evmChain = ballast::chain::evmChainByKey(QStringLiteral("ethereum"));
        ethereum.setChainId(evmChain->chainId);
        for (const auto &token : evmChain->defaultTokens)
            ethereum.addToken(token.contract, token.decimals);
        ethereum.addToken(link, 18);
        ethereum.setTokenBalance(link, owner, QStringLiteral("12500000000000000000"));
        Fixture f;
        QString message;
        QVERIFY2(f.addThroughDialog(
                     [&](AddAccountDialog *dialog) {
                         choose(dialog, "evm");
                         type(dialog, "name", QStringLiteral("hot"));
                         type(dialog, "walletAddress", owner);
                         type(dialog, "rpc_ethereum", ethereum.url().toString());
                     },
                     &message),
                 qPrintable(message));
        f.select(QStringLiteral("hot"));
        QVERIFY(f.button("editTokens")->isEnabled());

        bool edited = false;
        QTimer::singleShot(0, f.view.get(), [&edited, &link] {
            auto *dialog = qobject_cast<TokenListDialog *>(QApplication::activeModalWidget());
            if (!dialog)
                return;
            QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("addToken")), Qt::LeftButton);
            QTableWidget *table = dialog->table(QStringLiteral("ethereum"));
            const int row = table->rowCount() - 1;
            typeCell(table, row, TokenListDialog::Symbol, QStringLiteral("LINK"));
            typeCell(table, row, TokenListDialog::Contract, link.toLower());
            auto *save = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save);
            edited = save->isEnabled();
            if (edited)
                QTest::mouseClick(save, Qt::LeftButton);
            else
                dialog->reject();
        });
        {
            // The dialog runs modal inside the click; the page answers before it returns.
            QSignalSpy done(f.view.get(), &AccountsView::finished);
            QTest::mouseClick(f.button("editTokens"), Qt::LeftButton);
            QVERIFY(edited);
            QCOMPARE(done.size(), 1);
            message = done.first().at(1).toString();
            QVERIFY2(done.first().at(0).toBool(), qPrintable(message));
        }
        QVERIFY2(message.contains(QStringLiteral("Saved the token lists of hot")), qPrintable(message));
        auto account = ballast::storage::AccountRepo(f.tmp.db()).byName(QStringLiteral("hot"));
        QVERIFY(account.ok());
        const auto tokens = ballast::services::WalletService(f.tmp.db()).tokens(*account);
        QVERIFY(tokens);
        QCOMPARE(tokens->size(), evmChain->defaultTokens.size() + 1);
        QCOMPARE(
            tokens->last(),
            (ballast::domain::WalletToken{QStringLiteral("ethereum"), QStringLiteral("LINK"), link, std::nullopt}));

        QVERIFY2(f.clickAndWait("sync", &message), qPrintable(message));
        QStringList held;
        for (const auto &holding : holdingsOf(f.tmp.db(), QStringLiteral("hot")))
            held.append(QStringLiteral("%1@%2=%3").arg(holding.asset, holding.network, holding.quantity.toString()));
        QVERIFY2(held.contains(QStringLiteral("LINK@ethereum=12.5")), qPrintable(held.join(u' ')));
    }

    // Solana through the dialog: SOL and USDC recorded; a chain that fails
    // (here the node refuses with HTTP 429) is said, and the sync reports failure.
    void solanaWalletThroughTheDialogSyncs()
    {
        const QString owner = QStringLiteral("9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM");
        FakeSolanaRpc fake;
        QVERIFY(fake.listenLocal());
        fake.setBalance(owner, 1'250'000'000);
        fake.addTokenAccount(owner,
                             {QStringLiteral("7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU"),
                              QStringLiteral("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"), QStringLiteral("3000000"),
                              6, false});
        Fixture f;
        QString message;
        QVERIFY2(f.addThroughDialog(
                     [&](AddAccountDialog *dialog) {
                         choose(dialog, "solana");
                         type(dialog, "name", QStringLiteral("sol"));
                         type(dialog, "walletAddress", owner);
                         type(dialog, "esploraUrl", fake.url().toString());
                     },
                     &message),
                 qPrintable(message));
        f.select(QStringLiteral("sol"));
        QVERIFY2(f.clickAndWait("sync", &message), qPrintable(message));
        QStringList held;
        for (const auto &holding : holdingsOf(f.tmp.db(), QStringLiteral("sol")))
            held.append(QStringLiteral("%1@%2=%3").arg(holding.asset, holding.network, holding.quantity.toString()));
        held.sort();
        QCOMPARE(held, (QStringList{QStringLiteral("SOL@solana=1.25"), QStringLiteral("USDC@solana=3")}));

        fake.setRequestLimit(1);
        QVERIFY(!f.clickAndWait("sync", &message));
        QVERIFY2(message.contains(QStringLiteral("sol (solana): 127.0.0.1:"))
                     && message.contains(QStringLiteral("HTTP 429")),
                 qPrintable(message));
    }

    void krakenAccountConnectsAndSyncs()
    {
        FakeKraken fake;
        QVERIFY(fake.listenLocal());
        fake.setBalance(QStringLiteral("XXBT"), dec("0.5"));
        fake.setBalance(QStringLiteral("ZUSD"), dec("1234.5"));
        Fixture f;
        QString message;
        QVERIFY2(f.addThroughDialog(
                     [&fake](AddAccountDialog *dialog) {
                         choose(dialog, "kraken");
                         type(dialog, "name", QStringLiteral("kraken-main"));
                         type(dialog, "apiKey", FakeKraken::docsApiKey());
                         type(dialog, "apiSecret", QString::fromLatin1(FakeKraken::docsSecret()));
                         dialog->findChild<QGroupBox *>(QStringLiteral("advanced"))->setChecked(true);
                         type(dialog, "baseUrl", fake.baseUrl().toString());
                     },
                     &message),
                 qPrintable(message));
        f.select(QStringLiteral("kraken-main"));
        QVERIFY2(f.clickAndWait("testConnection", &message), qPrintable(message));
        QVERIFY2(f.clickAndWait("sync", &message), qPrintable(message));
        QHash<QString, QString> held;
        for (const auto &holding : holdingsOf(f.tmp.db(), QStringLiteral("kraken-main")))
            held.insert(holding.asset, holding.quantity.toString());
        QCOMPARE(held.value(QStringLiteral("BTC")), QStringLiteral("0.5"));
        QCOMPARE(held.value(QStringLiteral("USD")), QStringLiteral("1234.5"));
    }

    void syncAllShowsWhoIsBusyAndCancelStopsBeforeTheNextAccount()
    {
        FakeBinance fake;
        QVERIFY(fake.listenLocal());
        fake.setBalance(QStringLiteral("ETH"), dec("2"));
        Fixture f;
        ballast::security::KeyStore keys(f.context->vaultPath(), f.tmp.db().databaseId());
        for (const QString &name : {QStringLiteral("a-first"), QStringLiteral("b-second")}) {
            QVERIFY(keys.store(name, {FakeBinance::docsApiKey(), FakeBinance::docsSecretKey()}, passphrase()).ok());
            QVERIFY(f.context->ledger().addAccount(name, QStringLiteral("binance"), fake.baseUrl().toString()).ok());
        }
        f.context->notifyLedgerChanged();
        // Every balance call answers late, so that the first account is caught busy.
        fake.injectFault(FakeEndpoint::Balance, FaultKind::DelayBeforeAccept, 10, 700);
        QSignalSpy done(f.view.get(), &AccountsView::finished);
        QTest::mouseClick(f.button("syncAll"), Qt::LeftButton);
        AccountsModel *model = f.view->model();
        const int first = model->names().indexOf(QStringLiteral("a-first"));
        const int second = model->names().indexOf(QStringLiteral("b-second"));
        QTRY_VERIFY_WITH_TIMEOUT(model->index(first, AccountsModel::Activity).data(AccountsModel::BusyRole).toBool(),
                                 60000);
        QVERIFY(!model->index(second, AccountsModel::Activity).data(AccountsModel::BusyRole).toBool());
        QVERIFY(f.view->findChild<QProgressBar *>(QStringLiteral("progress"))->isVisible());
        QVERIFY(!f.button("syncAll")->isEnabled());
        f.view->grab().save(QDir::temp().filePath(QStringLiteral("ballast-accounts-busy.png")));
        QTest::mouseClick(f.button("cancel"), Qt::LeftButton);
        QVERIFY(done.wait(30000));
        QVERIFY2(done.first().at(1).toString().contains(QStringLiteral("Cancelled")),
                 qPrintable(done.first().at(1).toString()));
        QCOMPARE(holdingsOf(f.tmp.db(), QStringLiteral("a-first")).size(), 1);
        QCOMPARE(holdingsOf(f.tmp.db(), QStringLiteral("b-second")).size(), 0);
        QCOMPARE(model->index(first, AccountsModel::Activity).data().toString(), QStringLiteral("Synced"));
        QCOMPARE(model->index(second, AccountsModel::Activity).data().toString(),
                 QStringLiteral("Not synced (cancelled)"));
        QVERIFY(!model->index(first, AccountsModel::Activity).data(AccountsModel::BusyRole).toBool());
    }

    void anExecutionBlocksWritesAndSaysWhy()
    {
        Fixture f;
        QVERIFY(f.context->ledger().addAccount(QStringLiteral("paper"), QStringLiteral("paper")).ok());
        f.context->notifyLedgerChanged();
        f.select(QStringLiteral("paper"));
        QVERIFY(f.button("sync")->isEnabled());
        f.context->setExecuting(true);
        QVERIFY(!f.button("sync")->isEnabled());
        QVERIFY(!f.button("syncAll")->isEnabled());
        QVERIFY(!f.button("addAccount")->isEnabled());
        QVERIFY(f.view->findChild<QLabel *>(QStringLiteral("executingNotice"))->isVisible());
        f.context->setExecuting(false);
        QVERIFY(f.button("syncAll")->isEnabled());
        QString message;
        QVERIFY2(f.clickAndWait("syncAll", &message), qPrintable(message));
    }

    void exportsTheAccountsTable()
    {
        Fixture f;
        QVERIFY(f.context->ledger().addAccount(QStringLiteral("paper"), QStringLiteral("paper")).ok());
        f.context->notifyLedgerChanged();
        const auto targets = f.view->exportTargets();
        QCOMPARE(targets.size(), 1);
        const QString path = f.tmp.dir() + QStringLiteral("/accounts.csv");
        QVERIFY(targets.first().write(path).ok());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(file.readAll());
        QVERIFY2(text.startsWith(QStringLiteral("Name,Kind,Exchange")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("paper,paper,paper")), qPrintable(text));
    }
};

QTEST_MAIN(TestAccountsView)
#include "tst_accountsview.moc"
