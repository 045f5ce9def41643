#include "clioutput.h"

#include <QTextStream>

#include <cstdio>

namespace ballast::cli {

void CliOutput::line(const QString &text)
{
    QTextStream out(stdout);
    out << text << '\n';
}

void CliOutput::json(const QJsonDocument &document)
{
    QTextStream out(stdout);
    out << QString::fromUtf8(document.toJson(QJsonDocument::Compact)) << '\n';
}

void CliOutput::error(const QString &message)
{
    QTextStream err(stderr);
    err << "ballast-cli: " << message.simplified() << '\n';
}

void CliOutput::table(const QStringList &header, const QList<QStringList> &rows)
{
    QList<qsizetype> widths;
    QList<bool> right;
    QStringList titles;
    for (const QString &title : header) {
        right.append(title.startsWith(QLatin1Char('>')));
        titles.append(right.last() ? title.mid(1) : title);
        widths.append(titles.last().size());
    }
    for (const auto &row : rows) {
        for (qsizetype i = 0; i < row.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], row[i].size());
    }
    auto format = [&](const QStringList &cells) {
        QStringList padded;
        for (qsizetype i = 0; i < cells.size() && i < widths.size(); ++i) {
            const auto width = static_cast<int>(widths[i]);
            padded.append(right[i] ? cells[i].rightJustified(width) : cells[i].leftJustified(width));
        }
        QString row = padded.join(QStringLiteral("  "));
        while (row.endsWith(QLatin1Char(' ')))
            row.chop(1);
        return row;
    };
    line(format(titles));
    for (const auto &row : rows)
        line(format(row));
}

QString CliOutput::percent(double fraction, int decimals)
{
    QString text = QString::number(fraction * 100.0, 'f', decimals);
    if (text.startsWith(QLatin1Char('-')) && text.mid(1).remove(QLatin1Char('0')) == QLatin1String("."))
        text.remove(0, 1); // no "-0.00"
    return text + QLatin1Char('%');
}

} // namespace ballast::cli
