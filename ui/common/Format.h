#pragma once

#include <QString>

namespace lb::ui::format {

// Words for the console's labels.
QString ago(qint64 epochMs, qint64 nowMs); // "never", "just now", "3 min ago", "2 h ago"
QString in(qint64 epochMs, qint64 nowMs); // "in 12 min", "due"
QString duration(qint64 ms); // "850 ms", "42 s", "3 min", "2 h 5 min"
QString number(qint64 n); // locale grouping
QString percent(double share); // "82%"

} // namespace lb::ui::format
