#pragma once

#include "models/targetsmodel.h"

#include <QUndoCommand>

namespace ballast::ui {

/// Changes the text of one cell (asset, target or band) of the targets editor.
class EditTargetCommand : public QUndoCommand
{
public:
    /// Commands of one editing session (@p session > 0) of the same cell merge.
    EditTargetCommand(TargetsModel *model, int row, int column, QString before, QString after, int session = 0);
    void undo() override;
    void redo() override;
    int id() const override;
    bool mergeWith(const QUndoCommand *other) override;

private:
    void describe();

    TargetsModel *m_model;
    int m_row;
    int m_column;
    int m_session;
    QString m_before;
    QString m_after;
};

/// Replaces every row at once: applying an allocation model, or reverting.
class ReplaceTargetsCommand : public QUndoCommand
{
public:
    ReplaceTargetsCommand(TargetsModel *model, QList<TargetRow> before, QList<TargetRow> after, const QString &text);
    void undo() override;
    void redo() override;

private:
    TargetsModel *m_model;
    QList<TargetRow> m_before;
    QList<TargetRow> m_after;
};

/// Adds an asset to the targets, at @p row.
class AddTargetCommand : public QUndoCommand
{
public:
    AddTargetCommand(TargetsModel *model, int row, TargetRow target);
    void undo() override;
    void redo() override;

private:
    TargetsModel *m_model;
    int m_row;
    TargetRow m_target;
};

/// Removes the asset at @p row from the targets.
class RemoveTargetCommand : public QUndoCommand
{
public:
    RemoveTargetCommand(TargetsModel *model, int row);
    void undo() override;
    void redo() override;

private:
    TargetsModel *m_model;
    int m_row;
    TargetRow m_target;
};

/// Changes the portfolio's default band.
class SetDefaultBandCommand : public QUndoCommand
{
public:
    SetDefaultBandCommand(TargetsModel *model, QString before, QString after);
    void undo() override;
    void redo() override;

private:
    TargetsModel *m_model;
    QString m_before;
    QString m_after;
};

} // namespace ballast::ui
