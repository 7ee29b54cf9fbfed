#pragma once

#include "ConsoleContext.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QTableView;

namespace lb::ui {

class MappingTableModel;

// The field mapping: field pairs, transforms and who owns each field, for leads and for the
// roster. Edits are checked as a whole (FieldMapping's own rules) before anything is saved;
// saving writes the mapping file the profile names (creating one beside the profile when it
// uses the built-in mapping) and tells the engine through mappingSaved().
class MappingView : public QWidget
{
    Q_OBJECT
public:
    explicit MappingView(const ConsoleContext &context, QWidget *parent = nullptr);

    // Checks the edits; returns the mapping or the first problem (with its JSON path).
    Result<FieldMapping> check() const;
    void save();
    void revert();
    MappingTableModel *leadModel() const { return m_lead; }
    MappingTableModel *rosterModel() const { return m_roster; }
    QString savePath() const;

signals:
    void mappingSaved(const lb::FieldMapping &mapping);

private:
    void showObject();
    void setStatus(const QString &text);

    ConsoleContext m_context;
    FieldMapping m_saved;
    MappingTableModel *m_lead = nullptr;
    MappingTableModel *m_roster = nullptr;
    QComboBox *m_object = nullptr;
    QLabel *m_key = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_save = nullptr;
};

} // namespace lb::ui
