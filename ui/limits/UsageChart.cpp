#include "UsageChart.h"

#include <QChart>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QLineSeries>
#include <QValueAxis>

namespace lb::ui {

UsageChart::UsageChart(QWidget *parent)
    : QChartView(parent)
{
    setObjectName(QStringLiteral("usageChart"));
    setAccessibleName(tr("API usage over the last 24 hours"));
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(220);
    // The view made a chart of its own and owns it (replacing it would leak the first one).
    QChart *c = chart();
    c->legend()->setAlignment(Qt::AlignBottom);
    c->setTheme(QChart::ChartThemeLight);
}

void UsageChart::setData(const QList<Line> &lines, qint64 fromMs, qint64 toMs, double pauseAt)
{
    QChart *c = chart();
    c->removeAllSeries();
    for (QAbstractAxis *axis : c->axes()) {
        c->removeAxis(axis); // gives the axis back to us
        delete axis;
    }
    m_points = 0;

    auto *x = new QDateTimeAxis;
    x->setFormat(QStringLiteral("HH:mm"));
    x->setRange(QDateTime::fromMSecsSinceEpoch(fromMs), QDateTime::fromMSecsSinceEpoch(toMs));
    x->setTickCount(9);
    auto *y = new QValueAxis;
    y->setRange(0, 100);
    y->setLabelFormat(QStringLiteral("%d%%"));
    y->setTitleText(tr("of the limit"));
    c->addAxis(x, Qt::AlignBottom);
    c->addAxis(y, Qt::AlignLeft);

    for (const Line &line : lines) {
        auto *series = new QLineSeries;
        series->setName(line.name);
        for (const ApiUsageStore::Sample &s : line.samples) {
            if (s.max <= 0 || s.used < 0)
                continue;
            series->append(double(s.at), 100.0 * double(s.used) / double(s.max));
            ++m_points;
        }
        c->addSeries(series);
        series->attachAxis(x);
        series->attachAxis(y);
    }
    auto *threshold = new QLineSeries;
    threshold->setName(tr("Pause threshold"));
    threshold->append(double(fromMs), pauseAt * 100);
    threshold->append(double(toMs), pauseAt * 100);
    QPen pen(QColor(200, 40, 40));
    pen.setStyle(Qt::DashLine);
    threshold->setPen(pen);
    c->addSeries(threshold);
    threshold->attachAxis(x);
    threshold->attachAxis(y);
}

} // namespace lb::ui
