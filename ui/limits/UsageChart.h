#pragma once

#include "store/ApiUsageStore.h"

#include <QChartView>

namespace lb::ui {

// API usage over the last 24 hours as a share of each limit, one line per allowance, with the
// pause threshold drawn across (Qt Charts).
class UsageChart : public QChartView
{
    Q_OBJECT
public:
    struct Line
    {
        QString name;
        QList<ApiUsageStore::Sample> samples;
    };

    explicit UsageChart(QWidget *parent = nullptr);

    void setData(const QList<Line> &lines, qint64 fromMs, qint64 toMs, double pauseAt);
    int pointCount() const { return m_points; }

private:
    int m_points = 0;
};

} // namespace lb::ui
