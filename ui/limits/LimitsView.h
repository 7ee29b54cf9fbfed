#pragma once

#include "ConsoleContext.h"
#include "model/ApiLimits.h"

#include <QWidget>

class QTimer;

namespace lb::ui {

class LimitGauge;
class UsageChart;

// API allowances: Salesforce daily requests, Bulk API batches and the platform's rate window,
// each coloured by threshold, over a 24-hour history chart. Gauges follow every observation;
// the chart reloads from the store at most once a minute.
class LimitsView : public QWidget
{
    Q_OBJECT
public:
    explicit LimitsView(const ConsoleContext &context, QWidget *parent = nullptr);

    void showLimits(const ApiLimits &limits);
    void reloadHistory();
    LimitGauge *gauge(const QString &objectName) const;

protected:
    void showEvent(QShowEvent *event) override;

private:
    void loadLatestFromStore();

    ConsoleContext m_context;
    LimitGauge *m_sfApi = nullptr;
    LimitGauge *m_sfBulk = nullptr;
    LimitGauge *m_platform = nullptr;
    UsageChart *m_chart = nullptr;
    QTimer *m_reload = nullptr;
    bool m_historyStale = true;
};

} // namespace lb::ui
