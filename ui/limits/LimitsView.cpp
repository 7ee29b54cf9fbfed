#include "LimitsView.h"

#include "LimitGauge.h"
#include "UsageChart.h"
#include "common/Format.h"
#include "store/Store.h"
#include "sync/SyncController.h"
#include "util/Clock.h"

#include <QDateTime>
#include <QGridLayout>
#include <QLabel>
#include <QTimer>
#include <QVBoxLayout>

namespace lb::ui {
namespace {

constexpr qint64 Day = 24 * 3600 * 1000LL;
const QString BulkCounter = QStringLiteral("DailyBulkApiBatches");

} // namespace

LimitsView::LimitsView(const ConsoleContext &context, QWidget *parent)
    : QWidget(parent)
    , m_context(context)
{
    setAccessibleName(tr("API limits"));
    auto *layout = new QVBoxLayout(this);
    auto *gauges = new QGridLayout;
    m_sfApi
        = new LimitGauge(tr("Salesforce daily API requests"), QStringLiteral("sfApiGauge"), this);
    m_sfBulk = new LimitGauge(tr("Salesforce Bulk API batches (24 h)"),
                              QStringLiteral("sfBulkGauge"), this);
    m_platform = new LimitGauge(tr("Lead platform rate limit (current window)"),
                                QStringLiteral("platformGauge"), this);
    const double pauseAt = m_context.profile.sync.apiUsagePauseAt;
    for (LimitGauge *g : {m_sfApi, m_sfBulk, m_platform})
        g->setThresholds(std::min(0.7, pauseAt - 0.1), pauseAt);
    gauges->addWidget(m_sfApi, 0, 0);
    gauges->addWidget(m_sfBulk, 0, 1);
    gauges->addWidget(m_platform, 0, 2);
    layout->addLayout(gauges);
    auto *note = new QLabel(tr("Non-urgent work pauses at %1 of an allowance (profile: "
                               "sync.api_usage_pause_at).")
                                .arg(format::percent(pauseAt)),
                            this);
    note->setAccessibleName(tr("Pause threshold"));
    note->setWordWrap(true);
    layout->addWidget(note);
    m_chart = new UsageChart(this);
    layout->addWidget(m_chart, 1);

    m_reload = new QTimer(this);
    m_reload->setInterval(60'000);
    connect(m_reload, &QTimer::timeout, this, [this] {
        m_historyStale = true;
        if (isVisible())
            reloadHistory();
    });
    m_reload->start();
    if (SyncController *c = m_context.controller) {
        connect(c, &SyncController::limitsObserved, this, &LimitsView::showLimits);
        const SyncStatus last = c->lastStatus();
        if (last.salesforceLimits.isKnown())
            showLimits(last.salesforceLimits);
        if (last.platformLimits.isKnown())
            showLimits(last.platformLimits);
    }
    if (m_context.store)
        loadLatestFromStore();
}

LimitGauge *LimitsView::gauge(const QString &objectName) const
{
    return findChild<LimitGauge *>(objectName);
}

void LimitsView::showLimits(const ApiLimits &limits)
{
    if (limits.system == QLatin1String("salesforce")) {
        m_sfApi->setUsage(
            limits.used, limits.max,
            limits.observedAt > 0
                ? tr("Reported %1.")
                      .arg(format::ago(limits.observedAt, m_context.clockOrSystem().nowMs()))
                : QString());
        const auto bulk = limits.counters.constFind(BulkCounter);
        if (bulk != limits.counters.constEnd())
            m_sfBulk->setUsage(bulk->used, bulk->max);
    } else if (limits.system == QLatin1String("platform")) {
        m_platform->setUsage(limits.used, limits.max,
                             limits.resetAt > 0
                                 ? tr("Window resets %1.")
                                       .arg(QDateTime::fromSecsSinceEpoch(limits.resetAt)
                                                .toString(QStringLiteral("HH:mm:ss")))
                                 : QString());
    }
}

void LimitsView::loadLatestFromStore()
{
    // Before the engine reports, the last recorded observation is the best there is.
    const qint64 now = m_context.clockOrSystem().nowMs();
    auto latest = [&](const QString &system, const QString &metric) {
        auto h = m_context.store->apiUsage().history(system, metric, now - Day, now + 1);
        return h && !h->isEmpty() ? std::optional(h->last()) : std::nullopt;
    };
    if (auto s = latest(QStringLiteral("salesforce"), QStringLiteral("api")))
        m_sfApi->setUsage(s->used, s->max, tr("Recorded %1.").arg(format::ago(s->at, now)));
    if (auto s = latest(QStringLiteral("salesforce"), BulkCounter))
        m_sfBulk->setUsage(s->used, s->max);
    if (auto s = latest(QStringLiteral("platform"), QStringLiteral("api")))
        m_platform->setUsage(s->used, s->max, tr("Recorded %1.").arg(format::ago(s->at, now)));
}

void LimitsView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_historyStale)
        reloadHistory();
}

void LimitsView::reloadHistory()
{
    m_historyStale = false;
    const qint64 now = m_context.clockOrSystem().nowMs();
    QList<UsageChart::Line> lines;
    if (m_context.store) {
        ApiUsageStore &usage = m_context.store->apiUsage();
        const struct
        {
            QString name, system, metric;
        } wanted[] = {
            {tr("Salesforce API"), QStringLiteral("salesforce"), QStringLiteral("api")},
            {tr("Salesforce Bulk"), QStringLiteral("salesforce"), BulkCounter},
            {tr("Platform rate"), QStringLiteral("platform"), QStringLiteral("api")},
        };
        for (const auto &w : wanted) {
            auto samples = usage.history(w.system, w.metric, now - Day, now + 1);
            lines.append({w.name, samples ? *samples : QList<ApiUsageStore::Sample>()});
        }
    }
    m_chart->setData(lines, now - Day, now, m_context.profile.sync.apiUsagePauseAt);
}

} // namespace lb::ui
