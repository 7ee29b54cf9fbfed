#pragma once

#include "BulkImportProgress.h"
#include "ImportPlan.h"
#include "store/StoreConfig.h"

#include <QObject>

#include <memory>
#include <optional>

class QTimer;

namespace lb {

class Clock;
class Store;

// Reads, checks and delivers an import off the GUI thread: move it to a QThread and invoke its
// slots there. It keeps the file it read last; remap() checks it again with other columns and
// deliver() stores it (opening its own Store connection). An import of more valid rows than the
// bulk threshold is then followed: the engine sends it through a Bulk API 2.0 ingest job and
// stores each poll's counters, which go out as bulkProgress until the job's results are
// recorded (bulkFinished). requestCancel() and requestBulkCancel() may be called from any
// thread.
class ImportWorker : public QObject
{
    Q_OBJECT
public:
    ImportWorker(StoreConfig store, const Clock &clock, ObjectMapping leadMapping,
                 QObject *parent = nullptr);

    ~ImportWorker() override;

    void requestCancel() { m_cancel.store(true); }
    // Asks the engine to abort the bulk job of the import being followed (the Cancel button;
    // closing the view only stops following it).
    void requestBulkCancel() { m_abortBulk.store(true); }
    // Rows above which an import is followed through its bulk job (sync.bulk_threshold); call
    // before the worker moves to its thread.
    void setBulkThreshold(int rows) { m_bulkThreshold = rows; }

public slots:
    void analyse(const QString &path);
    void remap(const QStringList &columnFields);
    void deliver(bool dryRun);

signals:
    void progress(int percent);
    void analysed(const lb::ImportReport &report);
    void failed(const QString &message);
    void delivered(const lb::ImportOutcome &outcome);
    void bulkProgress(const lb::BulkImportProgress &progress);
    // The import's bulk jobs ended (or, cancelled before the engine started one, none did).
    void bulkFinished(const lb::BulkImportProgress &progress);

private:
    void check();
    void watchBulk(qint64 sinceMs);
    void watchStep();
    void stopWatching();

    StoreConfig m_config;
    const Clock &m_clock;
    ObjectMapping m_mapping;
    std::optional<ImportPlan> m_plan;
    std::atomic_bool m_cancel {false};
    std::atomic_bool m_abortBulk {false};
    int m_bulkThreshold = 2000;
    // Following a bulk import: the store read, since when, the job counters shown last.
    std::unique_ptr<Store> m_watchStore;
    QTimer *m_watchTimer = nullptr;
    qint64 m_watchSince = 0;
    bool m_abortAsked = false;
    QString m_lastShown;
};

} // namespace lb
