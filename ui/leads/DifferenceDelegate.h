#pragma once

#include <QStyledItemDelegate>

namespace lb::ui {

// Marks the cells a model flags with its DiffersRole: a soft highlight taken from the palette
// and bold text, so a difference stands out in any theme.
class DifferenceDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    DifferenceDelegate(int differsRole, QObject *parent = nullptr);

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;

private:
    int m_role;
};

} // namespace lb::ui
