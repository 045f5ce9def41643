#pragma once

#include <QJsonDocument>
#include <QList>
#include <QString>
#include <QStringList>

namespace ballast::cli {

/// Writes what ballast-cli prints: aligned text tables for people, compact
/// JSON for scripts, and one-line errors on stderr.
class CliOutput
{
public:
    static void line(const QString &text);
    static void json(const QJsonDocument &document);
    static void error(const QString &message);
    /// A plain text table; columns whose header starts with '>' are right-aligned.
    static void table(const QStringList &header, const QList<QStringList> &rows);
    static QString percent(double fraction, int decimals = 2);
};

} // namespace ballast::cli
