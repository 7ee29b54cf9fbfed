#pragma once

#include <QWidget>

class QLabel;
class QProgressBar;

namespace lb::ui {

// One API allowance as a bar: used of limit, coloured by how close it is to the pause
// threshold (normal below the warning share, amber up to the threshold, red beyond).
class LimitGauge : public QWidget
{
    Q_OBJECT
public:
    enum class Level { Unknown, Normal, Warning, Critical };

    LimitGauge(const QString &title, const QString &objectName, QWidget *parent = nullptr);

    void setThresholds(double warnAt, double pauseAt);
    // used/max < 0: unknown. `detail` adds e.g. when the window resets.
    void setUsage(qint64 used, qint64 max, const QString &detail = {});

    Level level() const { return m_level; }
    static Level levelFor(double share, double warnAt, double pauseAt);
    QProgressBar *bar() const { return m_bar; }

private:
    QLabel *m_title = nullptr;
    QProgressBar *m_bar = nullptr;
    QLabel *m_detail = nullptr;
    double m_warnAt = 0.7;
    double m_pauseAt = 0.9;
    Level m_level = Level::Unknown;
};

} // namespace lb::ui
