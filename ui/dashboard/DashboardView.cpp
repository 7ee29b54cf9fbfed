#include "DashboardView.h"

#include "common/Format.h"
#include "sync/SyncController.h"
#include "util/Clock.h"

#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace lb::ui {
namespace {

QLabel *value(QWidget *parent, const QString &name, const QString &accessible)
{
    auto *label = new QLabel(parent);
    label->setObjectName(name);
    label->setAccessibleName(accessible);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

QString DashboardView::stateText(SyncStatus::State state)
{
    switch (state) {
    case SyncStatus::State::Stopped:
        return tr("Stopped");
    case SyncStatus::State::Running:
        return tr("Running");
    case SyncStatus::State::Paused:
        return tr("Paused");
    case SyncStatus::State::PausedByLimits:
        return tr("Paused by API limits");
    case SyncStatus::State::Error:
        return tr("Error");
    }
    return {};
}

DashboardView::DashboardView(const ConsoleContext &context, QWidget *parent)
    : QWidget(parent)
    , m_context(context)
{
    setAccessibleName(tr("Dashboard"));
    auto *layout = new QVBoxLayout(this);

    auto *top = new QHBoxLayout;
    m_state = value(this, QStringLiteral("syncState"), tr("Sync state"));
    QFont big = m_state->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    m_state->setFont(big);
    top->addWidget(m_state, 1);
    m_start = new QPushButton(tr("&Start"), this);
    m_start->setObjectName(QStringLiteral("start"));
    m_start->setAccessibleName(tr("Start syncing"));
    m_pause = new QPushButton(tr("&Pause"), this);
    m_pause->setObjectName(QStringLiteral("pause"));
    m_pause->setAccessibleName(tr("Pause or resume syncing"));
    m_reconcile = new QPushButton(tr("&Reconcile now"), this);
    m_reconcile->setObjectName(QStringLiteral("reconcile"));
    m_reconcile->setAccessibleName(tr("Reconcile now"));
    m_reconcile->setToolTip(tr("Compare both systems now and queue what differs."));
    for (QPushButton *b : {m_start, m_pause, m_reconcile})
        top->addWidget(b);
    layout->addLayout(top);
    m_detail = value(this, QStringLiteral("syncDetail"), tr("State detail"));
    m_detail->setWordWrap(true);
    layout->addWidget(m_detail);

    auto *columns = new QHBoxLayout;
    auto *sync = new QGroupBox(tr("Deliveries"), this);
    auto *syncForm = new QFormLayout(sync);
    m_toSalesforce = value(sync, QStringLiteral("lastToSalesforce"),
                           tr("Last delivery platform to Salesforce"));
    m_toPlatform
        = value(sync, QStringLiteral("lastToPlatform"), tr("Last delivery Salesforce to platform"));
    m_polls = value(sync, QStringLiteral("lastPolls"), tr("Last polls"));
    m_throughput = value(sync, QStringLiteral("throughput"), tr("Throughput"));
    m_lag = value(sync, QStringLiteral("lag"), tr("Lag"));
    m_delivered = value(sync, QStringLiteral("delivered"), tr("Delivered since start"));
    syncForm->addRow(tr("Platform → Salesforce:"), m_toSalesforce);
    syncForm->addRow(tr("Salesforce → platform:"), m_toPlatform);
    syncForm->addRow(tr("Last polls:"), m_polls);
    syncForm->addRow(tr("Throughput:"), m_throughput);
    syncForm->addRow(tr("Lag (oldest waiting):"), m_lag);
    syncForm->addRow(tr("Delivered since start:"), m_delivered);
    columns->addWidget(sync, 1);

    auto *work = new QGroupBox(tr("Work"), this);
    auto *workForm = new QFormLayout(work);
    m_queue = value(work, QStringLiteral("queueDepth"), tr("Queue depth"));
    m_inbox = value(work, QStringLiteral("inboxCount"), tr("Error inbox"));
    m_nextReconcile = value(work, QStringLiteral("nextReconcile"), tr("Next reconcile"));
    workForm->addRow(tr("Sync queue:"), m_queue);
    workForm->addRow(tr("Error inbox:"), m_inbox);
    workForm->addRow(tr("Next reconcile:"), m_nextReconcile);
    columns->addWidget(work, 1);
    layout->addLayout(columns);

    auto *stream = new QGroupBox(tr("Salesforce changes"), this);
    auto *streamForm = new QFormLayout(stream);
    m_streamState = value(stream, QStringLiteral("streamState"), tr("Change stream state"));
    m_streamChannels
        = value(stream, QStringLiteral("streamChannels"), tr("Subscribed change channels"));
    m_streamLastEvent = value(stream, QStringLiteral("streamLastEvent"), tr("Last change event"));
    m_streamReplayIds = value(stream, QStringLiteral("streamReplayIds"), tr("Stored replayIds"));
    m_streamCatchUp = value(stream, QStringLiteral("streamCatchUp"), tr("Catch-up after a gap"));
    m_streamCatchUp->setWordWrap(true);
    streamForm->addRow(tr("Change stream:"), m_streamState);
    streamForm->addRow(tr("Subscribed:"), m_streamChannels);
    streamForm->addRow(tr("Last event:"), m_streamLastEvent);
    streamForm->addRow(tr("ReplayId:"), m_streamReplayIds);
    streamForm->addRow(m_streamCatchUp);
    layout->addWidget(stream);

    auto *breakers = new QGroupBox(tr("Circuit breakers"), this);
    auto *breakersLayout = new QVBoxLayout(breakers);
    m_breakers = new QTableWidget(0, 4, breakers);
    m_breakers->setObjectName(QStringLiteral("breakers"));
    m_breakers->setAccessibleName(tr("Circuit breakers"));
    m_breakers->setHorizontalHeaderLabels(
        {tr("Endpoint"), tr("State"), tr("Failures"), tr("Retry")});
    m_breakers->horizontalHeader()->setStretchLastSection(true);
    m_breakers->verticalHeader()->hide();
    m_breakers->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_breakers->setSelectionMode(QAbstractItemView::NoSelection);
    breakersLayout->addWidget(m_breakers);
    layout->addWidget(breakers, 1);

    auto *destinations = new QGroupBox(tr("Destinations"), this);
    auto *destinationsLayout = new QVBoxLayout(destinations);
    m_destinations = new QTableWidget(0, 5, destinations);
    m_destinations->setObjectName(QStringLiteral("destinationsStatus"));
    m_destinations->setAccessibleName(tr("Destinations"));
    m_destinations->setHorizontalHeaderLabels(
        {tr("Destination"), tr("State"), tr("Pending"), tr("Delivered"), tr("In inbox")});
    m_destinations->horizontalHeader()->setStretchLastSection(true);
    m_destinations->verticalHeader()->hide();
    m_destinations->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_destinations->setSelectionMode(QAbstractItemView::NoSelection);
    destinationsLayout->addWidget(m_destinations);
    layout->addWidget(destinations, 1);

    SyncController *controller = m_context.controller;
    if (controller) {
        connect(m_start, &QPushButton::clicked, controller, &SyncController::start);
        connect(m_pause, &QPushButton::clicked, this, [this] {
            if (m_status.state == SyncStatus::State::Paused)
                m_context.controller->resume();
            else
                m_context.controller->pause();
        });
        connect(m_reconcile, &QPushButton::clicked, controller, &SyncController::reconcileNow);
        connect(controller, &SyncController::statusChanged, this, &DashboardView::showStatus);
        showStatus(controller->lastStatus());
    } else {
        m_state->setText(tr("Engine not connected"));
        m_detail->setText(m_context.problem.isEmpty()
                              ? tr("The sync engine is not running in this console; figures "
                                   "appear when it is.")
                              : m_context.problem);
        updateButtons();
    }
    m_clockTimer = new QTimer(this);
    m_clockTimer->setInterval(10'000);
    connect(m_clockTimer, &QTimer::timeout, this, &DashboardView::updateTimes);
    m_clockTimer->start();
}

void DashboardView::showStatus(const SyncStatus &status)
{
    m_status = status;
    m_haveStatus = true;
    m_state->setText(stateText(status.state));
    m_detail->setText(status.detail);
    m_detail->setVisible(!status.detail.isEmpty());
    m_throughput->setText(
        tr("%1 records/s").arg(QLocale().toString(status.recordsPerSecond, 'f', 1)));
    m_lag->setText(status.queue.pending > 0 ? format::duration(status.lagMs) : tr("none"));
    m_queue->setText(tr("%1 pending (%2 due), %3 in flight")
                         .arg(format::number(status.queue.pending),
                              format::number(status.queue.due),
                              format::number(status.queue.inFlight)));
    m_inbox->setText(tr("%n open item(s)", nullptr, int(status.queue.inbox)));
    m_delivered->setText(format::number(status.delivered));
    m_breakers->setRowCount(int(status.breakers.size()));
    const qint64 now = m_context.clockOrSystem().nowMs();
    for (int i = 0; i < status.breakers.size(); ++i) {
        const SyncStatus::Breaker &b = status.breakers.at(i);
        const QStringList cells {b.name, b.state, format::percent(b.failureShare),
                                 b.state == QLatin1String("closed") ? QString()
                                                                    : format::in(b.retryAt, now)};
        for (int c = 0; c < cells.size(); ++c)
            m_breakers->setItem(i, c, new QTableWidgetItem(cells.at(c)));
    }
    m_destinations->setRowCount(int(status.destinations.size()));
    for (int i = 0; i < status.destinations.size(); ++i) {
        const SyncStatus::Destination &d = status.destinations.at(i);
        const QString state = !d.enabled           ? tr("disabled")
            : d.breaker == QLatin1String("closed") ? tr("healthy")
            : d.breaker == QLatin1String("open")   ? tr("failing")
                                                   : d.breaker;
        const QStringList cells {d.name, state, format::number(d.pending),
                                 format::number(d.delivered), format::number(d.failed)};
        for (int c = 0; c < cells.size(); ++c)
            m_destinations->setItem(i, c, new QTableWidgetItem(cells.at(c)));
    }
    showStream(status);
    updateTimes();
    updateButtons();
}

QString DashboardView::streamStateText(const QString &state)
{
    if (state == QLatin1String("off"))
        return tr("Off: Salesforce is polled");
    if (state == QLatin1String("connected"))
        return tr("Connected");
    if (state == QLatin1String("connecting"))
        return tr("Connecting");
    if (state == QLatin1String("backoff"))
        return tr("Reconnecting after a failure");
    if (state == QLatin1String("standby"))
        return tr("Standing by: another process consumes the stream");
    return tr("Stopped");
}

void DashboardView::showStream(const SyncStatus &status)
{
    QString state = streamStateText(status.streamState);
    if (!status.streamProblem.isEmpty())
        state += QStringLiteral(" (") + status.streamProblem + u')';
    m_streamState->setText(state);
    QStringList subscribed;
    QStringList replayIds;
    for (const SyncStatus::StreamChannel &c : status.streamChannels) {
        if (c.subscribed)
            subscribed.append(c.channel);
        replayIds.append(QStringLiteral("%1 %2").arg(c.channel).arg(c.replayId));
    }
    m_streamChannels->setText(subscribed.isEmpty() ? tr("none") : subscribed.join(u", "));
    m_streamReplayIds->setText(replayIds.isEmpty() ? tr("none") : replayIds.join(u", "));
    m_streamCatchUp->setVisible(status.streamCatchUpAt > 0);
}

void DashboardView::updateTimes()
{
    if (!m_haveStatus)
        return;
    const qint64 now = m_context.clockOrSystem().nowMs();
    m_toSalesforce->setText(format::ago(m_status.lastPlatformToSalesforce, now));
    m_toPlatform->setText(format::ago(m_status.lastSalesforceToPlatform, now));
    m_polls->setText(tr("platform %1, Salesforce %2")
                         .arg(format::ago(m_status.lastPollPlatform, now),
                              format::ago(m_status.lastPollSalesforce, now)));
    m_nextReconcile->setText(format::in(m_status.nextReconcileAt, now));
    m_streamLastEvent->setText(
        m_status.lastStreamEvent > 0
            ? tr("%1 (%n event(s) since start)", nullptr, int(m_status.streamEvents))
                  .arg(format::ago(m_status.lastStreamEvent, now))
            : tr("none yet"));
    if (m_status.streamCatchUpAt > 0)
        m_streamCatchUp->setText(
            m_status.streamCaughtUpAt > 0
                ? tr("Caught up after a gap %1: %2")
                      .arg(format::ago(m_status.streamCaughtUpAt, now), m_status.streamCatchUpWhy)
                : tr("Catching up after a gap: %1").arg(m_status.streamCatchUpWhy));
}

void DashboardView::updateButtons()
{
    const bool connected = m_context.controller != nullptr;
    const SyncStatus::State s = m_status.state;
    m_start->setEnabled(connected
                        && (s == SyncStatus::State::Stopped || s == SyncStatus::State::Error));
    m_pause->setEnabled(connected && s != SyncStatus::State::Stopped
                        && s != SyncStatus::State::Error);
    m_pause->setText(s == SyncStatus::State::Paused ? tr("Res&ume") : tr("&Pause"));
    m_reconcile->setEnabled(connected && s != SyncStatus::State::Stopped);
}

} // namespace lb::ui
