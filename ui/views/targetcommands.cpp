#include "views/targetcommands.h"

#include <QCoreApplication>

namespace ballast::ui {

namespace {

/// The translation context of this file's texts.
struct TargetCommands
{
    Q_DECLARE_TR_FUNCTIONS(ballast::ui::TargetCommands)
};

} // namespace

EditTargetCommand::EditTargetCommand(TargetsModel *model, int row, int column, QString before, QString after,
                                     int session)
    : m_model(model)
    , m_row(row)
    , m_column(column)
    , m_session(session)
    , m_before(std::move(before))
    , m_after(std::move(after))
{
    describe();
}

int EditTargetCommand::id() const
{
    return m_session > 0 ? 1 : -1;
}

bool EditTargetCommand::mergeWith(const QUndoCommand *other)
{
    const auto *edit = dynamic_cast<const EditTargetCommand *>(other);
    if (!edit || edit->m_session != m_session || edit->m_row != m_row || edit->m_column != m_column)
        return false;
    m_after = edit->m_after;
    describe();
    return true;
}

void EditTargetCommand::describe()
{
    const QString asset = m_column == TargetsModel::Asset ? QString() : m_model->rows().value(m_row).asset;
    switch (m_column) {
    case TargetsModel::Asset:
        setText(TargetCommands::tr("Rename %1 to %2").arg(m_before, m_after));
        break;
    case TargetsModel::Weight:
        setText(TargetCommands::tr("Set target of %1 to %2 %").arg(asset, m_after));
        break;
    default:
        setText(TargetCommands::tr("Set band of %1 to %2")
                    .arg(asset, m_after.isEmpty() ? TargetCommands::tr("default") : m_after));
        break;
    }
}

void EditTargetCommand::undo()
{
    m_model->setCell(m_row, m_column, m_before);
}

void EditTargetCommand::redo()
{
    m_model->setCell(m_row, m_column, m_after);
}

ReplaceTargetsCommand::ReplaceTargetsCommand(TargetsModel *model, QList<TargetRow> before, QList<TargetRow> after,
                                             const QString &text)
    : m_model(model)
    , m_before(std::move(before))
    , m_after(std::move(after))
{
    setText(text);
}

void ReplaceTargetsCommand::undo()
{
    m_model->setRows(m_before);
}

void ReplaceTargetsCommand::redo()
{
    m_model->setRows(m_after);
}

AddTargetCommand::AddTargetCommand(TargetsModel *model, int row, TargetRow target)
    : m_model(model)
    , m_row(row)
    , m_target(std::move(target))
{
    setText(TargetCommands::tr("Add %1").arg(m_target.asset));
}

void AddTargetCommand::undo()
{
    m_model->removeTarget(m_row);
}

void AddTargetCommand::redo()
{
    m_model->insertTarget(m_row, m_target);
}

RemoveTargetCommand::RemoveTargetCommand(TargetsModel *model, int row)
    : m_model(model)
    , m_row(row)
    , m_target(model->rows().value(row))
{
    setText(TargetCommands::tr("Remove %1").arg(m_target.asset));
}

void RemoveTargetCommand::undo()
{
    m_model->insertTarget(m_row, m_target);
}

void RemoveTargetCommand::redo()
{
    m_model->removeTarget(m_row);
}

SetDefaultBandCommand::SetDefaultBandCommand(TargetsModel *model, QString before, QString after)
    : m_model(model)
    , m_before(std::move(before))
    , m_after(std::move(after))
{
    setText(TargetCommands::tr("Set default band to %1").arg(m_after));
}

void SetDefaultBandCommand::undo()
{
    m_model->setDefaultBand(m_before);
}

void SetDefaultBandCommand::redo()
{
    m_model->setDefaultBand(m_after);
}

} // namespace ballast::ui
