#include "views/performancepanel.h"

#include "models/decimaltext.h"
#include "models/drawdownsmodel.h"
#include "models/monthlyreturnsmodel.h"
#include "models/numberformat.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMap>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <cmath>

namespace ballast::ui {

namespace {

QString signedPercent(double fraction)
{
    if (!std::isfinite(fraction))
        return QStringLiteral("—");
    const QString text = NumberFormat().percent(fraction, 2);
    return fraction > 0 && !text.startsWith(QLatin1Char('+')) ? QStringLiteral("+") + text : text;
}

QTableView *makeTable(QAbstractItemModel *model, const QString &name, const QString &accessible, QWidget *parent)
{
    auto *table = new QTableView(parent);
    table->setObjectName(name);
    table->setAccessibleName(accessible);
    table->setModel(model);
    table->setSelectionBehavior(QAbstractItemView::SelectItems);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setWordWrap(false);
    table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    return table;
}

} // namespace

PerformancePanel::PerformancePanel(QWidget *parent)
    : QWidget(parent)
    , m_monthly(new MonthlyReturnsModel(this))
    , m_drawdowns(new DrawdownsModel(this))
{
    auto *figures = new QHBoxLayout;
    figures->setSpacing(8);
    m_twr = addFigure(figures, QStringLiteral("twr"), tr("Time-weighted return"),
                      tr("Daily linked returns: what the holdings earned, whatever was deposited or withdrawn"));
    m_irr = addFigure(figures, QStringLiteral("irr"), tr("Money-weighted return"),
                      tr("XIRR, a year: the rate that discounts every deposit and withdrawal to the value reached"));
    m_invested = addFigure(figures, QStringLiteral("net_invested"), tr("Net invested"),
                           tr("Deposits minus withdrawals at their value, up to the end of the range"));
    m_value = addFigure(figures, QStringLiteral("value"), tr("Value"), tr("The value at the end of the range"));

    m_range = new QLabel(this);
    m_range->setObjectName(QStringLiteral("perf_range"));
    m_range->setForegroundRole(QPalette::PlaceholderText);
    m_missing = new QLabel(this);
    m_missing->setObjectName(QStringLiteral("perf_missing"));
    m_missing->setWordWrap(true);

    m_monthlyTable = makeTable(m_monthly, QStringLiteral("monthlyReturns"), tr("Monthly time-weighted returns"), this);
    m_monthlyTable->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_monthlyTable->horizontalHeader()->setMinimumSectionSize(64);
    m_drawdownsTable = makeTable(m_drawdowns, QStringLiteral("drawdowns"), tr("Drawdown periods"), this);
    m_drawdownsTable->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_drawdownsTable->verticalHeader()->hide();

    auto *monthlyBox = new QWidget(this);
    auto *monthlyLayout = new QVBoxLayout(monthlyBox);
    monthlyLayout->setContentsMargins(0, 0, 0, 0);
    auto *monthlyTitle = new QLabel(tr("Monthly returns (time-weighted)"), monthlyBox);
    monthlyTitle->setBuddy(m_monthlyTable);
    monthlyLayout->addWidget(monthlyTitle);
    monthlyLayout->addWidget(m_monthlyTable, 1);

    auto *drawdownBox = new QWidget(this);
    auto *drawdownLayout = new QVBoxLayout(drawdownBox);
    drawdownLayout->setContentsMargins(0, 0, 0, 0);
    m_drawdownsTitle = new QLabel(tr("Drawdown periods, deepest first"), drawdownBox);
    m_drawdownsTitle->setObjectName(QStringLiteral("perf_drawdowns_title"));
    m_drawdownsTitle->setBuddy(m_drawdownsTable);
    drawdownLayout->addWidget(m_drawdownsTitle);
    drawdownLayout->addWidget(m_drawdownsTable, 1);

    // One above the other: the thirteen columns of the heat map need the
    // whole width to show "+140.5 %" unclipped.
    auto *tables = new QSplitter(Qt::Vertical, this);
    tables->setChildrenCollapsible(false);
    tables->addWidget(monthlyBox);
    tables->addWidget(drawdownBox);
    tables->setStretchFactor(0, 1);
    tables->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->setSpacing(6);
    layout->addLayout(figures);
    layout->addWidget(m_range);
    layout->addWidget(tables, 1);
    layout->addWidget(m_missing);
}

QLabel *PerformancePanel::addFigure(QLayout *row, const QString &key, const QString &title, const QString &help)
{
    auto *card = new QFrame(this);
    card->setFrameShape(QFrame::StyledPanel);
    card->setToolTip(help);
    auto *layout = new QVBoxLayout(card);
    layout->setContentsMargins(10, 4, 10, 4);
    layout->setSpacing(1);
    auto *caption = new QLabel(title, card);
    caption->setForegroundRole(QPalette::PlaceholderText);
    auto *value = new QLabel(QStringLiteral("—"), card);
    value->setObjectName(QStringLiteral("perf_") + key);
    value->setAccessibleName(title);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont big = value->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() > 0 ? big.pointSizeF() * 1.25 : 12.0);
    value->setFont(big);
    layout->addWidget(caption);
    layout->addWidget(value);
    row->addWidget(card);
    return value;
}

void PerformancePanel::setReport(const services::PerformanceReport &report, const QString &rangeName)
{
    const QLocale locale;
    QString twr = signedPercent(report.twr.total);
    if (report.twr.days > 365)
        twr += tr(" (%1 a year)").arg(signedPercent(report.twr.annualised));
    m_twr->setText(twr);
    m_irr->setText(report.irr ? tr("%1 a year").arg(signedPercent(*report.irr)) : QStringLiteral("—"));
    m_irr->setToolTip(report.irr ? QString() : report.irrError);
    m_invested->setText(decimalText(report.netInvested, 2) + QLatin1Char(' ') + report.quote);
    m_value->setText(decimalText(report.value, 2) + QLatin1Char(' ') + report.quote);
    m_range->setText(tr("Range %1: close of %2 to close of %3")
                         .arg(rangeName, locale.toString(report.from, QLocale::ShortFormat),
                              locale.toString(report.to, QLocale::ShortFormat)));
    m_monthly->setReturns(report.monthly);
    m_drawdowns->setPeriods(report.drawdowns);
    m_drawdownsTitle->setText(report.drawdowns.isEmpty() ? tr("Drawdown periods: none in this range")
                                                         : tr("Drawdown periods, deepest first"));
    if (report.missing.isEmpty()) {
        m_missing->clear();
        m_missing->hide();
    } else {
        // Per asset: how many days, the first and the last.
        struct Span
        {
            int days = 0;
            QDate first;
            QDate last;
            bool zero = false;
        };
        QMap<QString, Span> spans;
        for (const analytics::MissingPrice &m : report.missing) {
            Span &span = spans[m.asset];
            if (span.days++ == 0)
                span.first = m.date;
            span.last = m.date;
            span.zero = span.zero || !m.carried;
        }
        QStringList parts;
        for (auto it = spans.cbegin(); it != spans.cend(); ++it) {
            parts.append(tr("%1 on %n day(s) from %2 to %3%4", nullptr, it->days)
                             .arg(it.key(), locale.toString(it->first, QLocale::ShortFormat),
                                  locale.toString(it->last, QLocale::ShortFormat),
                                  it->zero ? tr(" (some at zero: no earlier price)") : QString()));
        }
        m_missing->setText(tr("Valued without a price of their own (carried from the last one): %1")
                               .arg(parts.join(QStringLiteral("; "))));
        m_missing->show();
    }
}

void PerformancePanel::clear(const QString &reason)
{
    for (QLabel *label : {m_twr, m_irr, m_invested, m_value})
        label->setText(QStringLiteral("—"));
    m_range->setText(reason);
    m_missing->hide();
    m_monthly->setReturns({});
    m_drawdowns->setPeriods({});
}

} // namespace ballast::ui
