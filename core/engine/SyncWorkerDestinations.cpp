// The console's commands about destinations (hub and spoke), carried out on the worker thread.
#include "SyncWorker.h"
#include "engine/EngineParts.h"

namespace lb {

void SyncWorker::saveDestination(const QJsonObject &destination)
{
    const QString command = QStringLiteral("saveDestination");
    if (!m_parts || !m_parts->destinations) {
        emit commandFailed(command, notRunning());
        return;
    }
    auto parsed = DestinationConfig::fromJson(destination, QStringLiteral("$"),
                                              QStringLiteral("the new destination"));
    if (!parsed) {
        emit commandFailed(command, parsed.error().message);
        return;
    }
    if (auto r = m_parts->destinations->save(*parsed, QStringLiteral("console")); !r) {
        emit commandFailed(command, r.error().message);
        return;
    }
    publishStatus(false);
}

void SyncWorker::setDestinationEnabled(const QString &name, bool enabled)
{
    const QString command = QStringLiteral("setDestinationEnabled");
    if (!m_parts || !m_parts->destinations) {
        emit commandFailed(command, notRunning());
        return;
    }
    if (auto r = m_parts->destinations->setEnabled(name, enabled, QStringLiteral("console")); !r) {
        emit commandFailed(command, r.error().message);
        return;
    }
    publishStatus(false);
}

void SyncWorker::testDestination(const QString &name)
{
    if (!m_parts || !m_parts->destinations) {
        emit destinationTested(name, false, notRunning());
        return;
    }
    m_parts->destinations->test(name, this, [this, name](bool ok, const QString &message) {
        emit destinationTested(name, ok, message);
    });
}

} // namespace lb
