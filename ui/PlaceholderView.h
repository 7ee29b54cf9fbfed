#pragma once

#include <QWidget>

namespace lb::ui {

// Stands in for a view that a later release fills in; says so plainly instead of showing an
// empty page.
class PlaceholderView : public QWidget
{
    Q_OBJECT
public:
    PlaceholderView(const QString &title, const QString &purpose, QWidget *parent = nullptr);
};

} // namespace lb::ui
