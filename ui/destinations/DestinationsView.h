#pragma once

#include "ConsoleContext.h"
#include "sync/SyncStatus.h"

#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace lb::ui {

// Destinations (hub and spoke): each receiver of lead events with its lane's state, and a form
// to add one. Adding, testing ("send a test event") and switching one off are asked of the
// engine through the controller; this view sends no request and runs no SQL itself.
class DestinationsView : public QWidget
{
    Q_OBJECT
public:
    explicit DestinationsView(const ConsoleContext &context, QWidget *parent = nullptr);

    void showStatus(const SyncStatus &status);
    QString selectedName() const;

private:
    QWidget *buildForm();
    void add();
    void testSelected();
    void toggleSelected();
    void checkRule();
    void updateButtons();
    void say(const QString &message, bool ok);

    ConsoleContext m_context;
    QList<SyncStatus::Destination> m_destinations;
    QTableWidget *m_table = nullptr;
    QPushButton *m_test = nullptr;
    QPushButton *m_toggle = nullptr;
    QLabel *m_message = nullptr;
    QLineEdit *m_name = nullptr;
    QLineEdit *m_url = nullptr;
    QLineEdit *m_rule = nullptr;
    QLabel *m_ruleState = nullptr;
    QList<QCheckBox *> m_events;
    QPushButton *m_add = nullptr;
};

} // namespace lb::ui
