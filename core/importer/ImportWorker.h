#pragma once

#include "ImportPlan.h"
#include "store/StoreConfig.h"

#include <QObject>

#include <optional>

namespace lb {

class Clock;

// Reads, checks and delivers an import off the GUI thread: move it to a QThread and invoke its
// slots there. It keeps the file it read last; remap() checks it again with other columns and
// deliver() stores it (opening its own Store connection). requestCancel() may be called from
// any thread.
class ImportWorker : public QObject
{
    Q_OBJECT
public:
    ImportWorker(StoreConfig store, const Clock &clock, ObjectMapping leadMapping,
                 QObject *parent = nullptr);

    void requestCancel() { m_cancel.store(true); }

public slots:
    void analyse(const QString &path);
    void remap(const QStringList &columnFields);
    void deliver(bool dryRun);

signals:
    void progress(int percent);
    void analysed(const lb::ImportReport &report);
    void failed(const QString &message);
    void delivered(const lb::ImportOutcome &outcome);

private:
    void check();

    StoreConfig m_config;
    const Clock &m_clock;
    ObjectMapping m_mapping;
    std::optional<ImportPlan> m_plan;
    std::atomic_bool m_cancel {false};
};

} // namespace lb
