#pragma once

#include "ConsoleContext.h"

#include <QDialog>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace lb {
class LeadHistoryModel;
class RecordComparisonModel;
} // namespace lb

namespace lb::ui {

// One lead: the mirror's values beside live Salesforce and platform values (fetched on demand
// through the engine, differences highlighted), its sync history, and the raw mirror state.
class LeadDetailDialog : public QDialog
{
    Q_OBJECT
public:
    LeadDetailDialog(const ConsoleContext &context, QWidget *parent = nullptr);

    void showLead(const QString &platformId);
    QString platformId() const { return m_platformId; }
    void fetchLive();

private:
    void onLiveFetched(const QString &platformLeadId, const QJsonObject &salesforce,
                       const QJsonObject &platform, const QString &error);
    void updateSummary();

    ConsoleContext m_context;
    QString m_platformId;
    RecordComparisonModel *m_comparison = nullptr;
    LeadHistoryModel *m_history = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_liveState = nullptr;
    QPushButton *m_fetch = nullptr;
    QPushButton *m_forget = nullptr;
    QString m_email; // the lead's address, for "Forget this person…"
    QTableView *m_compareView = nullptr;
    QTableView *m_historyView = nullptr;
    QPlainTextEdit *m_raw = nullptr;
    bool m_fetching = false;
    bool m_liveLoaded = false;
};

} // namespace lb::ui
