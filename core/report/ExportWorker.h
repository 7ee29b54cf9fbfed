#pragma once

#include "ReportExporter.h"
#include "store/StoreConfig.h"

#include <QObject>

namespace lb {

class Clock;

// Runs one export off the GUI thread: move it to a QThread and invoke run(); it opens its own
// Store connection there. Reports progress and the outcome with signals; requestCancel() may
// be called from any thread.
class ExportWorker : public QObject
{
    Q_OBJECT
public:
    ExportWorker(StoreConfig store, const Clock &clock, ReportRequest request,
                 ReportExporter::SinkFactory factory, QObject *parent = nullptr);

    void requestCancel() { m_cancel.store(true); }
    const ReportRequest &request() const { return m_request; }

public slots:
    void run();

signals:
    void progress(qint64 done, qint64 total);
    void finished(bool ok, qint64 rows, const QString &message);

private:
    StoreConfig m_config;
    const Clock &m_clock;
    ReportRequest m_request;
    ReportExporter::SinkFactory m_factory;
    std::atomic_bool m_cancel {false};
};

} // namespace lb
