#include "DifferenceDelegate.h"

#include <QApplication>
#include <QPalette>

namespace lb::ui {

DifferenceDelegate::DifferenceDelegate(int differsRole, QObject *parent)
    : QStyledItemDelegate(parent)
    , m_role(differsRole)
{ }

void DifferenceDelegate::initStyleOption(QStyleOptionViewItem *option,
                                         const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    if (!index.data(m_role).toBool())
        return;
    // Amber over the base colour: visible on light and dark palettes alike.
    QColor highlight(255, 176, 0);
    highlight.setAlpha(110);
    option->backgroundBrush = highlight;
    option->font.setBold(true);
}

} // namespace lb::ui
