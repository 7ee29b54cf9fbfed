#include "PlaceholderView.h"

#include <QLabel>
#include <QVBoxLayout>

namespace lb::ui {

PlaceholderView::PlaceholderView(const QString &title, const QString &purpose, QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    auto *heading = new QLabel(title, this);
    QFont font = heading->font();
    font.setPointSizeF(font.pointSizeF() * 1.4);
    font.setBold(true);
    heading->setFont(font);
    auto *text = new QLabel(purpose, this);
    text->setWordWrap(true);
    layout->addWidget(heading);
    layout->addWidget(text);
    layout->addStretch(1);
    setAccessibleName(title);
}

} // namespace lb::ui
