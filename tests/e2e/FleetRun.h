#pragma once

// A fleet of `leadbridge sync` processes on one fresh PostgreSQL store against
// `leadbridge-sandbox`: what the fleet tests share (sync_fleet, ui_fleet).
#include "SandboxProcessRun.h"
#include "TestBackend.h"
#include "store/StoreConfig.h"

#include <QProcess>

#include <memory>
#include <vector>

namespace lb::test {

class FleetRun
{
public:
    // The leads the sandbox generates: LB_FLEET_LEADS when set, else `ciSize`.
    static int leads(int ciSize)
    {
        const int asked = qEnvironmentVariableIntValue("LB_FLEET_LEADS");
        return asked > 0 ? asked : ciSize;
    }

    // A fresh PostgreSQL store under `dir` and the sandbox with `leads` platform leads, its
    // platform allowance raised so that several processes are not mostly waiting for the
    // rate window. Empty when ready, else what failed.
    QString start(const QTemporaryDir &dir, int leads, const QString &apiKey)
    {
        auto store = TestBackend::freshStore(dir);
        if (!store)
            return store.error().message;
        if (store->backend != StoreConfig::Backend::Postgres)
            return QStringLiteral("runs on PostgreSQL (LB_TEST_BACKEND=postgres)");
        m_store = *store;
        m_run.useStore(m_store.displayUrl());
        m_run.addSandboxArgs({QStringLiteral("--platform-rate-limit"), QStringLiteral("20000/60")});
        if (!m_run.start(leads, apiKey))
            return QStringLiteral("the sandbox did not start");
        return {};
    }

    // Starts `n` `leadbridge sync` processes on the profile; false when one did not start.
    bool startSyncs(int n)
    {
        for (int i = 0; i < n; ++i) {
            m_syncs.push_back(std::make_unique<QProcess>());
            m_run.startSync(*m_syncs.back());
            if (!m_syncs.back()->waitForStarted())
                return false;
        }
        return true;
    }

    // SIGTERM to every process still running (except `skip`); false when one did not exit 0.
    bool stopSyncs(const QProcess *skip = nullptr)
    {
        bool clean = true;
        for (const auto &p : m_syncs) {
            if (p.get() == skip || p->state() == QProcess::NotRunning)
                continue;
            p->terminate();
            clean = p->waitForFinished(30'000) && p->exitStatus() == QProcess::NormalExit
                && p->exitCode() == 0 && clean;
        }
        return clean;
    }

    // What the processes said, when a wait fails.
    void dumpLogs()
    {
        for (const auto &p : m_syncs)
            qWarning("process %lld:\n%s", qint64(p->processId()),
                     p->readAllStandardError().right(3000).constData());
    }

    SandboxProcessRun &run() { return m_run; }
    const StoreConfig &store() const { return m_store; }
    std::vector<std::unique_ptr<QProcess>> &syncs() { return m_syncs; }

private:
    SandboxProcessRun m_run;
    StoreConfig m_store;
    std::vector<std::unique_ptr<QProcess>> m_syncs;
};

} // namespace lb::test
