#include "LimitGauge.h"

#include "common/Format.h"

#include <QLabel>
#include <QProgressBar>
#include <QVBoxLayout>

namespace lb::ui {

LimitGauge::LimitGauge(const QString &title, const QString &objectName, QWidget *parent)
    : QWidget(parent)
{
    setObjectName(objectName);
    setAccessibleName(title);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_title = new QLabel(title, this);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_bar = new QProgressBar(this);
    m_bar->setObjectName(objectName + QStringLiteral("Bar"));
    m_bar->setAccessibleName(title);
    m_bar->setRange(0, 1000);
    m_bar->setTextVisible(true);
    m_detail = new QLabel(this);
    m_detail->setObjectName(objectName + QStringLiteral("Detail"));
    m_detail->setAccessibleName(title + tr(" detail"));
    layout->addWidget(m_title);
    layout->addWidget(m_bar);
    layout->addWidget(m_detail);
    setUsage(-1, -1);
}

void LimitGauge::setThresholds(double warnAt, double pauseAt)
{
    m_warnAt = warnAt;
    m_pauseAt = pauseAt;
}

LimitGauge::Level LimitGauge::levelFor(double share, double warnAt, double pauseAt)
{
    if (share < 0)
        return Level::Unknown;
    if (share >= pauseAt)
        return Level::Critical;
    if (share >= warnAt)
        return Level::Warning;
    return Level::Normal;
}

void LimitGauge::setUsage(qint64 used, qint64 max, const QString &detail)
{
    const bool known = used >= 0 && max > 0;
    const double share = known ? double(used) / double(max) : -1;
    m_level = levelFor(share, m_warnAt, m_pauseAt);
    m_bar->setValue(known ? int(std::min(1.0, share) * 1000) : 0);
    m_bar->setFormat(
        known ? tr("%1 of %2 (%3)")
                    .arg(format::number(used), format::number(max), format::percent(share))
              : tr("not reported yet"));
    // The gauges are the one place the console colours things: green, amber, red.
    QPalette palette = m_bar->palette();
    switch (m_level) {
    case Level::Critical:
        palette.setColor(QPalette::Highlight, QColor(200, 40, 40));
        break;
    case Level::Warning:
        palette.setColor(QPalette::Highlight, QColor(220, 150, 0));
        break;
    case Level::Normal:
        palette.setColor(QPalette::Highlight, QColor(40, 150, 60));
        break;
    case Level::Unknown:
        palette = QPalette();
        break;
    }
    m_bar->setPalette(palette);
    const QString state = m_level == Level::Critical ? tr("At or over the pause threshold (%1): "
                                                          "non-urgent work waits.")
                                                           .arg(format::percent(m_pauseAt))
        : m_level == Level::Warning
        ? tr("Approaching the pause threshold (%1).").arg(format::percent(m_pauseAt))
        : QString();
    m_detail->setText(QStringList {detail, state}.join(u' ').trimmed());
    m_bar->setAccessibleDescription(m_bar->format() + u' ' + m_detail->text());
}

} // namespace lb::ui
