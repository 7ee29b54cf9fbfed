#include "EngineSession.h"

#include "mapping/FieldMapping.h"

namespace lb::cli {

EngineSession::EngineSession(CliContext &ctx, EngineRole role, QObject *parent)
    : QObject(parent)
    , m_ctx(ctx)
    , m_role(role)
{ }

void EngineSession::launch(std::function<void(const QString &error)> then)
{
    auto mapping = FieldMapping::load(m_ctx.profile.mapping);
    if (!mapping) {
        then(mapping.error().message);
        return;
    }
    m_controller = std::make_unique<ThreadedSyncController>(
        engineSetup(m_ctx.profile, m_ctx.store, *mapping, QStringLiteral("worker"), m_role));
    connect(
        m_controller.get(), &ThreadedSyncController::initialized, this,
        [this, then = std::move(then)](bool ok, const QString &error) {
            if (ok)
                then(QString());
            else
                stop([then, error] { then(error); });
        },
        Qt::SingleShotConnection);
    m_controller->launch();
}

void EngineSession::stop(std::function<void()> then)
{
    if (!m_controller || m_controller->isStopped()) {
        then();
        return;
    }
    connect(m_controller.get(), &ThreadedSyncController::stopped, this, std::move(then),
            Qt::SingleShotConnection);
    m_controller->stop();
}

} // namespace lb::cli
