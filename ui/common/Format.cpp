#include "Format.h"

#include <QCoreApplication>
#include <QLocale>

namespace lb::ui::format {
namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("lb::ui::format", text);
}

} // namespace

QString duration(qint64 ms)
{
    if (ms < 1000)
        return tr("%1 ms").arg(qMax<qint64>(0, ms));
    const qint64 s = ms / 1000;
    if (s < 60)
        return tr("%1 s").arg(s);
    const qint64 min = s / 60;
    if (min < 60)
        return tr("%1 min").arg(min);
    const qint64 h = min / 60;
    if (h < 48)
        return min % 60 ? tr("%1 h %2 min").arg(h).arg(min % 60) : tr("%1 h").arg(h);
    return tr("%1 days").arg(h / 24);
}

QString ago(qint64 epochMs, qint64 nowMs)
{
    if (epochMs <= 0)
        return tr("never");
    const qint64 d = nowMs - epochMs;
    if (d < 5'000)
        return tr("just now");
    return tr("%1 ago").arg(duration(d));
}

QString in(qint64 epochMs, qint64 nowMs)
{
    if (epochMs <= 0)
        return tr("not scheduled");
    const qint64 d = epochMs - nowMs;
    if (d <= 0)
        return tr("due now");
    return tr("in %1").arg(duration(d));
}

QString number(qint64 n)
{
    return QLocale().toString(n);
}

QString percent(double share)
{
    return QLocale().toString(share * 100.0, 'f', share < 0.1 ? 1 : 0) + u'%';
}

} // namespace lb::ui::format
