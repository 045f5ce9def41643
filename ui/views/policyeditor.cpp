#include "views/policyeditor.h"

#include "appcontext.h"
#include "services/policyservice.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QUndoCommand>
#include <QUndoStack>
#include <QVBoxLayout>

#include <array>
#include <cmath>

namespace ballast::ui {

namespace {

constexpr QLatin1String kRuleKind("ruleKind");
constexpr QLatin1String kRulePeriod("rulePeriod");
constexpr QLatin1String kRuleBand("ruleBand");
constexpr QLatin1String kBand("band");
constexpr QLatin1String kModeKind("modeKind");
constexpr QLatin1String kModeAmount("modeAmount");
constexpr QLatin1String kMinTrade("minTrade");
constexpr QLatin1String kMaxTurnover("maxTurnover");
constexpr QLatin1String kExcluded("excluded");
constexpr QLatin1String kFallingGuard("fallingGuard");
constexpr QLatin1String kLotSelection("lotSelection");
constexpr QLatin1String kLongTermDays("longTermDays");
constexpr QLatin1String kMaxRealizedGain("maxRealizedGain");
constexpr QLatin1String kMinLotAgeDays("minLotAgeDays");
constexpr QLatin1String kYoungLotOverride("youngLotOverride");
constexpr QLatin1String kCashFirst("cashFirst");
constexpr QLatin1String kHarvestLossThreshold("harvestLossThreshold");
constexpr QLatin1String kSyncInterval("syncInterval");

/// One edit of the policy form: the whole form before and after.
class EditPolicyCommand : public QUndoCommand
{
public:
    EditPolicyCommand(PolicyEditor *editor, PolicyEditor::FormState before, PolicyEditor::FormState after,
                      const QString &text)
        : QUndoCommand(text)
        , m_editor(editor)
        , m_before(std::move(before))
        , m_after(std::move(after))
    {
    }
    void undo() override { m_editor->setState(m_before); }
    void redo() override { m_editor->setState(m_after); }

private:
    PolicyEditor *m_editor;
    PolicyEditor::FormState m_before;
    PolicyEditor::FormState m_after;
};

/// A number as typed for a percentage field: "25" for 0.25.
QString percentText(double fraction)
{
    return QString::number(fraction * 100.0, 'g', 12);
}

/// The field of the form that a RebalancePolicy error names ("tax.cashFirst: ..." -> cashFirst).
QString fieldOfError(const QString &message)
{
    QString name = message.section(QLatin1Char(':'), 0, 0).trimmed();
    if (name.startsWith(QLatin1String("tax.")))
        name = name.mid(4);
    if (name.startsWith(QLatin1String("excluded")))
        return kExcluded;
    if (name == QLatin1String("rule"))
        return kRuleBand;
    if (name == QLatin1String("mode"))
        return kModeAmount;
    if (name == QLatin1String("syncIntervalSeconds"))
        return kSyncInterval;
    return name;
}

/// The text after "field: " of a RebalancePolicy error.
QString errorText(const QString &message)
{
    const qsizetype colon = message.indexOf(QLatin1String(": "));
    return colon < 0 ? message : message.mid(colon + 2);
}

/// A percentage typed in a field (empty = none), as a fraction; the
/// problem goes to @p problems under @p field.
std::optional<double> percentField(const QString &text, const QString &field, bool hundredAllowed,
                                   QHash<QString, QString> &problems)
{
    QString trimmed = text.trimmed();
    if (trimmed.endsWith(QLatin1Char('%')))
        trimmed.chop(1);
    trimmed = trimmed.trimmed();
    if (trimmed.isEmpty())
        return std::nullopt;
    bool ok = false;
    const double value = trimmed.toDouble(&ok);
    if (!ok || !std::isfinite(value) || value <= 0.0 || value > 100.0 || (!hundredAllowed && value >= 100.0)) {
        problems.insert(field,
                        hundredAllowed ? PolicyEditor::tr("expected a percentage above 0 and at most 100")
                                       : PolicyEditor::tr("expected a percentage above 0 and below 100"));
        return std::nullopt;
    }
    return value / 100.0;
}

} // namespace

PolicyEditor::PolicyEditor(AppContext &context, QUndoStack *undo, QWidget *parent)
    : QWidget(parent)
    , m_context(context)
    , m_undo(undo)
{
    auto combo = [this](const QString &name, const QString &accessible,
                        const QList<std::pair<QString, QString>> &items) {
        auto *box = new QComboBox(this);
        box->setObjectName(name);
        box->setAccessibleName(accessible);
        for (const auto &[text, value] : items)
            box->addItem(text, value);
        connect(box, &QComboBox::activated, this, &PolicyEditor::recordEdit);
        return box;
    };
    auto line = [this](const QString &name, const QString &accessible, const QString &placeholder, const QString &tip) {
        auto *edit = new QLineEdit(this);
        edit->setObjectName(name);
        edit->setAccessibleName(accessible);
        edit->setPlaceholderText(placeholder);
        edit->setToolTip(tip);
        connect(edit, &QLineEdit::editingFinished, this, &PolicyEditor::recordEdit);
        return edit;
    };
    auto days = [this](const QString &name, const QString &accessible, int value) {
        auto *spin = new QSpinBox(this);
        spin->setObjectName(name);
        spin->setAccessibleName(accessible);
        spin->setRange(0, 36500);
        spin->setValue(value);
        spin->setSuffix(tr(" days"));
        connect(spin, &QSpinBox::editingFinished, this, &PolicyEditor::recordEdit);
        return spin;
    };

    m_ruleKind = combo(kRuleKind, tr("Rebalancing rule"),
                       {{tr("None (never automatically)"), QStringLiteral("none")},
                        {tr("Calendar"), QStringLiteral("calendar")},
                        {tr("Threshold (band)"), QStringLiteral("threshold")},
                        {tr("Hybrid (period end, if off band)"), QStringLiteral("hybrid")}});
    m_rulePeriod = combo(kRulePeriod, tr("Calendar period of the rule"),
                         {{tr("Daily"), QStringLiteral("day")},
                          {tr("Weekly"), QStringLiteral("week")},
                          {tr("Monthly"), QStringLiteral("month")},
                          {tr("Quarterly"), QStringLiteral("quarter")}});
    m_ruleBand = line(kRuleBand, tr("Band of the rule"), tr("the bands below"),
                      tr("\"5pp\" (percentage points) or \"25%\" (of the target); empty: the band below"));
    m_band = line(kBand, tr("Band override"), tr("each target's own band"),
                  tr("Replaces every asset's band when the rule has none: \"5pp\" or \"25%\"; empty: the bands of "
                     "the Targets tab"));
    m_modeKind = combo(kModeKind, tr("Plan mode"),
                       {{tr("Back to the targets"), QStringLiteral("target")},
                        {tr("To the band edge"), QStringLiteral("band-edge")},
                        {tr("Invest an amount"), QStringLiteral("invest")},
                        {tr("Withdraw an amount"), QStringLiteral("withdraw")}});
    m_modeAmount =
        line(kModeAmount, tr("Amount to invest or withdraw"), tr("amount"), tr("In the portfolio's quote currency"));
    m_minTrade =
        line(kMinTrade, tr("Minimum trade"), QStringLiteral("0"), tr("Smallest trade in the quote currency; 0: none"));
    m_maxTurnover = line(kMaxTurnover, tr("Maximum turnover in percent"), tr("no limit"),
                         tr("One-way turnover cap of a plan, percent of the portfolio's value"));
    m_excluded = line(kExcluded, tr("Excluded assets"), tr("none"),
                      tr("Held but never traded, and never a reason to rebalance: symbols separated by commas"));
    m_fallingGuard = line(kFallingGuard, tr("Falling-asset guard in percent"), tr("off"),
                          tr("No more buying of an asset this many percent below its peak"));
    m_lotSelection = combo(kLotSelection, tr("Lot selection"),
                           {{tr("Highest cost first (HIFO)"), QStringLiteral("hifo")},
                            {tr("First in, first out (FIFO)"), QStringLiteral("fifo")},
                            {tr("Least gain first"), QStringLiteral("least-gain")},
                            {tr("Long-term lots first"), QStringLiteral("long-term")}});
    m_longTermDays = days(kLongTermDays, tr("Long-term after"), 365);
    m_maxRealizedGain = line(kMaxRealizedGain, tr("Realized gain budget"), tr("no budget"),
                             tr("The most gain one plan may realize, in the quote currency"));
    m_minLotAgeDays = days(kMinLotAgeDays, tr("Minimum lot age"), 0);
    m_youngLotOverride = line(kYoungLotOverride, tr("Young-lot override in percentage points"), QStringLiteral("0"),
                              tr("Young lots are sold anyway when their asset is this many percentage points beyond "
                                 "its band"));
    m_cashFirst = new QCheckBox(tr("Buy with the cash held before selling"), this);
    m_cashFirst->setObjectName(QString(kCashFirst));
    m_cashFirst->setAccessibleName(tr("Cash first"));
    connect(m_cashFirst, &QCheckBox::clicked, this, &PolicyEditor::recordEdit);
    m_harvestLossThreshold = line(kHarvestLossThreshold, tr("Harvest threshold"), tr("no list"),
                                  tr("List lots whose sale would realize a loss above this amount (quote currency)"));
    m_syncInterval = line(kSyncInterval, tr("Sync interval"), tr("off"),
                          tr("Read-only sync of the exchange accounts: \"15m\", \"1h\", \"1d\" (1 minute to 7 days); "
                             "empty or \"off\": no automatic sync"));

    // The label's mnemonic focuses the input itself, not the box that holds it and its problem.
    auto addRow = [this](QFormLayout *form, const QString &text, QWidget *input, const QString &name) {
        auto *label = new QLabel(text, this);
        label->setBuddy(input);
        form->addRow(label, field(input, name));
    };
    auto *rule = new QGroupBox(tr("When to rebalance"), this);
    auto *ruleForm = new QFormLayout(rule);
    addRow(ruleForm, tr("&Rule:"), m_ruleKind, kRuleKind);
    addRow(ruleForm, tr("P&eriod:"), m_rulePeriod, kRulePeriod);
    addRow(ruleForm, tr("Rule &band:"), m_ruleBand, kRuleBand);
    addRow(ruleForm, tr("Band &override:"), m_band, kBand);
    addRow(ruleForm, tr("E&xcluded assets:"), m_excluded, kExcluded);

    auto *plan = new QGroupBox(tr("The plan it prepares"), this);
    auto *planForm = new QFormLayout(plan);
    addRow(planForm, tr("&Mode:"), m_modeKind, kModeKind);
    addRow(planForm, tr("Amou&nt:"), m_modeAmount, kModeAmount);
    addRow(planForm, tr("M&inimum trade:"), m_minTrade, kMinTrade);
    addRow(planForm, tr("Maximum t&urnover (%):"), m_maxTurnover, kMaxTurnover);
    addRow(planForm, tr("&Falling-asset guard (%):"), m_fallingGuard, kFallingGuard);

    auto *tax = new QGroupBox(tr("Tax preferences"), this);
    auto *taxForm = new QFormLayout(tax);
    addRow(taxForm, tr("&Lot selection:"), m_lotSelection, kLotSelection);
    addRow(taxForm, tr("Long-term &after:"), m_longTermDays, kLongTermDays);
    addRow(taxForm, tr("&Gain budget:"), m_maxRealizedGain, kMaxRealizedGain);
    addRow(taxForm, tr("Minimum lot age:"), m_minLotAgeDays, kMinLotAgeDays);
    addRow(taxForm, tr("Young-lot o&verride (pp):"), m_youngLotOverride, kYoungLotOverride);
    addRow(taxForm, tr("&Cash first:"), m_cashFirst, kCashFirst);
    addRow(taxForm, tr("&Harvest threshold:"), m_harvestLossThreshold, kHarvestLossThreshold);

    auto *sync = new QGroupBox(tr("Exchange accounts"), this);
    auto *syncForm = new QFormLayout(sync);
    addRow(syncForm, tr("&Sync every:"), m_syncInterval, kSyncInterval);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("policyMessage"));
    m_message->setWordWrap(true);
    m_message->setAccessibleName(tr("Policy message"));
    m_save = new QPushButton(tr("Save polic&y"), this);
    m_save->setObjectName(QStringLiteral("savePolicy"));
    m_save->setAccessibleName(tr("Save the rebalancing policy"));
    m_revert = new QPushButton(tr("Revert policy"), this);
    m_revert->setObjectName(QStringLiteral("revertPolicy"));
    m_revert->setAccessibleName(tr("Back to the stored rebalancing policy"));
    connect(m_save, &QPushButton::clicked, this, &PolicyEditor::save);
    connect(m_revert, &QPushButton::clicked, this, &PolicyEditor::revert);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_message, 1);
    buttons->addWidget(m_revert);
    buttons->addWidget(m_save);

    // Two columns of groups: the page stays usable on a 1024-pixel screen.
    auto *left = new QVBoxLayout;
    left->addWidget(rule);
    left->addWidget(plan);
    left->addStretch(1);
    auto *right = new QVBoxLayout;
    right->addWidget(tax);
    right->addWidget(sync);
    right->addStretch(1);
    auto *columns = new QHBoxLayout;
    columns->addLayout(left, 1);
    columns->addLayout(right, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(columns, 1);
    layout->addLayout(buttons);

    connect(&m_context, &AppContext::ledgerChanged, this, &PolicyEditor::refresh);
    connect(&m_context, &AppContext::executingChanged, this, &PolicyEditor::updateControls);
    refresh();
}

QWidget *PolicyEditor::field(QWidget *input, const QString &name)
{
    auto *box = new QWidget(this);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(input);
    auto *problem = new QLabel(box);
    problem->setObjectName(name + QStringLiteral("Problem"));
    problem->setWordWrap(true);
    problem->setStyleSheet(QStringLiteral("color: #b03a2e;"));
    problem->setAccessibleName(tr("Problem with %1").arg(input->accessibleName()));
    problem->hide();
    layout->addWidget(problem);
    m_problems.insert(name, problem);
    return box;
}

PolicyEditor::FormState PolicyEditor::stateOf(const rebalance::RebalancePolicy &policy)
{
    FormState state;
    static const std::array kKinds{QStringLiteral("none"), QStringLiteral("calendar"), QStringLiteral("threshold"),
                                   QStringLiteral("hybrid")};
    const rebalance::Trigger &rule = policy.rule;
    state[kRuleKind] = kKinds.at(static_cast<std::size_t>(rule.kind()));
    state[kRulePeriod] = rebalance::toText(rule.period());
    state[kRuleBand] = rule.band() ? rule.band()->toString() : QString();
    state[kBand] = policy.band ? policy.band->toString() : QString();
    const QString mode = policy.mode.toString();
    state[kModeKind] = mode.section(QLatin1Char(':'), 0, 0);
    state[kModeAmount] = mode.contains(QLatin1Char(':')) ? mode.section(QLatin1Char(':'), 1) : QString();
    state[kMinTrade] = policy.minTrade.toString();
    state[kMaxTurnover] = policy.maxTurnover ? percentText(*policy.maxTurnover) : QString();
    state[kExcluded] = policy.excluded.join(QStringLiteral(", "));
    state[kFallingGuard] = policy.fallingGuard ? percentText(*policy.fallingGuard) : QString();
    state[kLotSelection] = rebalance::lotSelectionName(policy.tax.lotSelection);
    state[kLongTermDays] = policy.tax.longTermDays;
    state[kMaxRealizedGain] = policy.tax.maxRealizedGain ? policy.tax.maxRealizedGain->toString() : QString();
    state[kMinLotAgeDays] = policy.tax.minLotAgeDays;
    state[kYoungLotOverride] = percentText(policy.tax.youngLotOverride);
    state[kCashFirst] = policy.tax.cashFirst;
    state[kHarvestLossThreshold] =
        policy.tax.harvestLossThreshold ? policy.tax.harvestLossThreshold->toString() : QString();
    state[kSyncInterval] = policy.syncIntervalSeconds > 0
        ? rebalance::durationText(static_cast<qint64>(policy.syncIntervalSeconds) * 1000)
        : QStringLiteral("off");
    return state;
}

PolicyEditor::FormState PolicyEditor::state() const
{
    FormState state;
    for (const auto &[key, box] : {std::pair{kRuleKind, m_ruleKind}, std::pair{kRulePeriod, m_rulePeriod},
                                   std::pair{kModeKind, m_modeKind}, std::pair{kLotSelection, m_lotSelection}})
        state[key] = box->currentData().toString();
    for (const auto &[key, edit] :
         {std::pair{kRuleBand, m_ruleBand}, std::pair{kBand, m_band}, std::pair{kModeAmount, m_modeAmount},
          std::pair{kMinTrade, m_minTrade}, std::pair{kMaxTurnover, m_maxTurnover}, std::pair{kExcluded, m_excluded},
          std::pair{kFallingGuard, m_fallingGuard}, std::pair{kMaxRealizedGain, m_maxRealizedGain},
          std::pair{kYoungLotOverride, m_youngLotOverride}, std::pair{kHarvestLossThreshold, m_harvestLossThreshold},
          std::pair{kSyncInterval, m_syncInterval}})
        state[key] = edit->text();
    state[kLongTermDays] = m_longTermDays->value();
    state[kMinLotAgeDays] = m_minLotAgeDays->value();
    state[kCashFirst] = m_cashFirst->isChecked();
    return state;
}

void PolicyEditor::setState(const FormState &state)
{
    m_applying = true;
    for (QComboBox *box : {m_ruleKind, m_rulePeriod, m_modeKind, m_lotSelection})
        box->setCurrentIndex(std::max(0, box->findData(state.value(box->objectName()).toString())));
    for (QLineEdit *edit : {m_ruleBand, m_band, m_modeAmount, m_minTrade, m_maxTurnover, m_excluded, m_fallingGuard,
                            m_maxRealizedGain, m_youngLotOverride, m_harvestLossThreshold, m_syncInterval})
        edit->setText(state.value(edit->objectName()).toString());
    m_longTermDays->setValue(state.value(kLongTermDays).toInt());
    m_minLotAgeDays->setValue(state.value(kMinLotAgeDays).toInt());
    m_cashFirst->setChecked(state.value(kCashFirst).toBool());
    m_recorded = this->state();
    m_applying = false;
    QHash<QString, QString> problems;
    (void)policy(&problems);
    showProblems(problems);
    updateControls();
}

Result<rebalance::RebalancePolicy> PolicyEditor::policy(QHash<QString, QString> *problemsOut) const
{
    QHash<QString, QString> problems;
    const FormState form = state();
    QJsonObject json;
    const QString kind = form.value(kRuleKind).toString();
    const QString period = form.value(kRulePeriod).toString();
    const QString ruleBand = form.value(kRuleBand).toString().trimmed();
    QString rule = kind;
    if (kind == QLatin1String("calendar"))
        rule += QLatin1Char(':') + period;
    else if (kind == QLatin1String("threshold") && !ruleBand.isEmpty())
        rule += QLatin1Char(':') + ruleBand;
    else if (kind == QLatin1String("hybrid"))
        rule += QLatin1Char(':') + period + (ruleBand.isEmpty() ? QString() : QString(QLatin1Char(',') + ruleBand));
    json.insert(QStringLiteral("rule"), rule);
    const QString band = form.value(kBand).toString().trimmed();
    json.insert(QStringLiteral("band"), band.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(band));
    const QString mode = form.value(kModeKind).toString();
    const QString amount = form.value(kModeAmount).toString().trimmed();
    if (mode == QLatin1String("invest") || mode == QLatin1String("withdraw")) {
        if (amount.isEmpty())
            problems.insert(kModeAmount, tr("the amount to %1 is missing").arg(mode));
        json.insert(QStringLiteral("mode"), QString(mode + QLatin1Char(':') + amount));
    } else {
        json.insert(QStringLiteral("mode"), mode);
    }
    const QString minTrade = form.value(kMinTrade).toString().trimmed();
    json.insert(QStringLiteral("minTrade"), minTrade.isEmpty() ? QStringLiteral("0") : minTrade);
    if (auto turnover = percentField(form.value(kMaxTurnover).toString(), kMaxTurnover, true, problems))
        json.insert(QStringLiteral("maxTurnover"), *turnover);
    if (auto guard = percentField(form.value(kFallingGuard).toString(), kFallingGuard, false, problems))
        json.insert(QStringLiteral("fallingGuard"), *guard);
    QJsonArray excluded;
    for (const QString &symbol : form.value(kExcluded).toString().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!symbol.trimmed().isEmpty())
            excluded.append(symbol.trimmed());
    }
    json.insert(QStringLiteral("excluded"), excluded);

    QJsonObject tax;
    tax.insert(QStringLiteral("lotSelection"), form.value(kLotSelection).toString());
    tax.insert(QStringLiteral("longTermDays"), form.value(kLongTermDays).toInt());
    tax.insert(QStringLiteral("minLotAgeDays"), form.value(kMinLotAgeDays).toInt());
    tax.insert(QStringLiteral("cashFirst"), form.value(kCashFirst).toBool());
    for (const QLatin1String key : {kMaxRealizedGain, kHarvestLossThreshold}) {
        const QString text = form.value(key).toString().trimmed();
        if (!text.isEmpty())
            tax.insert(key, text);
    }
    QString young = form.value(kYoungLotOverride).toString().trimmed();
    if (young.endsWith(QLatin1String("pp")))
        young.chop(2);
    if (!young.trimmed().isEmpty()) {
        bool ok = false;
        const double points = young.trimmed().toDouble(&ok);
        if (!ok || !std::isfinite(points) || points < 0.0 || points > 100.0)
            problems.insert(kYoungLotOverride, tr("expected percentage points from 0 to 100"));
        else
            tax.insert(kYoungLotOverride, points / 100.0);
    }
    json.insert(QStringLiteral("tax"), tax);

    const QString sync = form.value(kSyncInterval).toString().trimmed();
    if (!sync.isEmpty() && sync.compare(QLatin1String("off"), Qt::CaseInsensitive) != 0) {
        auto ms = rebalance::parseDuration(sync, tr("sync interval"));
        if (!ms)
            problems.insert(kSyncInterval, errorText(ms.error().message));
        else if (*ms % 1000 != 0)
            problems.insert(kSyncInterval, tr("expected whole seconds, such as 90s, 15m or 1h"));
        else
            json.insert(QStringLiteral("syncIntervalSeconds"), static_cast<qint64>(*ms / 1000));
    }

    // The policy's own checks name the field of the first problem they find.
    auto parsed = rebalance::RebalancePolicy::fromJson(json);
    if (!parsed) {
        const QString key = fieldOfError(parsed.error().message);
        if (!problems.contains(key))
            problems.insert(m_problems.contains(key) ? key : kRuleKind, errorText(parsed.error().message));
    }
    if (problemsOut)
        *problemsOut = problems;
    if (!problems.isEmpty()) {
        QStringList all;
        for (auto it = problems.cbegin(); it != problems.cend(); ++it)
            all.append(it.key() + QStringLiteral(": ") + it.value());
        all.sort();
        return makeError(QStringLiteral("policy.form"), all.join(QStringLiteral("; ")));
    }
    return parsed;
}

void PolicyEditor::showProblems(const QHash<QString, QString> &problems)
{
    for (auto it = m_problems.cbegin(); it != m_problems.cend(); ++it) {
        const QString text = problems.value(it.key());
        it.value()->setText(text);
        it.value()->setVisible(!text.isEmpty());
    }
}

QString PolicyEditor::problem(const QString &field) const
{
    const QLabel *label = m_problems.value(field);
    return label != nullptr ? label->text() : QString();
}

bool PolicyEditor::isDirty() const
{
    return state() != m_stored;
}

void PolicyEditor::recordEdit()
{
    if (m_applying)
        return;
    const FormState now = state();
    if (now != m_recorded) {
        const FormState before = m_recorded;
        m_undo->push(new EditPolicyCommand(this, before, now, tr("Edit rebalancing policy")));
    }
    QHash<QString, QString> problems;
    (void)policy(&problems);
    showProblems(problems);
    m_message->clear();
    updateControls();
}

void PolicyEditor::updateControls()
{
    const QString kind = m_ruleKind->currentData().toString();
    m_rulePeriod->setEnabled(kind == QLatin1String("calendar") || kind == QLatin1String("hybrid"));
    m_ruleBand->setEnabled(kind == QLatin1String("threshold") || kind == QLatin1String("hybrid"));
    const QString mode = m_modeKind->currentData().toString();
    m_modeAmount->setEnabled(mode == QLatin1String("invest") || mode == QLatin1String("withdraw"));
    const bool dirty = isDirty();
    const bool executing = m_context.isExecuting();
    m_save->setEnabled(dirty && !executing);
    m_save->setToolTip(executing ? tr("An execution is running; save when it has finished") : QString());
    m_revert->setEnabled(dirty);
}

void PolicyEditor::refresh()
{
    auto info = services::PolicyService(m_context.db(), m_context.clock()).load();
    if (!info) {
        m_message->setText(tr("No policy to edit: %1").arg(info.error().message));
        setEnabled(false);
        return;
    }
    setEnabled(true);
    const bool editing = isDirty() && !m_stored.isEmpty();
    m_portfolio = info->portfolio;
    m_stored = stateOf(info->policy);
    // The form follows the stored policy unless it holds edits not yet saved.
    if (!editing)
        setState(m_stored);
    updateControls();
}

bool PolicyEditor::save()
{
    if (m_context.isExecuting()) {
        m_message->setText(tr("Not saved: an execution is running; save the policy when it has finished."));
        return false;
    }
    QHash<QString, QString> problems;
    auto built = policy(&problems);
    showProblems(problems);
    if (!built) {
        m_message->setText(tr("Not saved: fix the fields marked in red."));
        return false;
    }
    if (auto stored = services::PolicyService(m_context.db(), m_context.clock()).save(m_portfolio, *built); !stored) {
        const QString key = fieldOfError(stored.error().message);
        if (m_problems.contains(key))
            showProblems({{key, errorText(stored.error().message)}});
        m_message->setText(tr("Not saved: %1").arg(stored.error().message));
        return false;
    }
    m_stored = stateOf(*built);
    setState(m_stored);
    m_message->setText(tr("Policy of %1 saved: %2.").arg(m_portfolio, built->rule.toString()));
    m_context.showStatus(tr("Rebalancing policy of %1 saved.").arg(m_portfolio));
    emit saved();
    m_context.notifyLedgerChanged();
    return true;
}

void PolicyEditor::revert()
{
    const FormState now = state();
    if (now == m_stored)
        return;
    m_undo->push(new EditPolicyCommand(this, now, m_stored, tr("Revert rebalancing policy")));
}

} // namespace ballast::ui
