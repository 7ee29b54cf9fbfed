#include "ImportWorker.h"

#include "store/Store.h"

namespace lb {

ImportWorker::ImportWorker(StoreConfig store, const Clock &clock, ObjectMapping leadMapping,
                           QObject *parent)
    : QObject(parent)
    , m_config(std::move(store))
    , m_clock(clock)
    , m_mapping(std::move(leadMapping))
{
    qRegisterMetaType<lb::ImportReport>();
    qRegisterMetaType<lb::ImportOutcome>();
}

void ImportWorker::analyse(const QString &path)
{
    m_cancel.store(false);
    m_plan.reset();
    auto plan = ImportPlan::fromFile(path);
    if (!plan) {
        emit failed(plan.error().message);
        return;
    }
    m_plan = std::move(*plan);
    check();
}

void ImportWorker::remap(const QStringList &columnFields)
{
    if (!m_plan) {
        emit failed(tr("Choose a file first."));
        return;
    }
    m_cancel.store(false);
    if (auto r = m_plan->setColumnFields(columnFields);
        !r && r.error().code != QLatin1String("import_mapping")) {
        emit failed(r.error().message);
        return;
    }
    check(); // a mapping problem shows in the report as the file error
}

void ImportWorker::check()
{
    emit analysed(m_plan->analyse(
        m_mapping,
        [this](int done, int total) { emit progress(total > 0 ? done * 100 / total : 0); },
        &m_cancel));
}

void ImportWorker::deliver(bool dryRun)
{
    if (!m_plan) {
        emit failed(tr("Choose a file first."));
        return;
    }
    m_cancel.store(false);
    auto store = Store::open(m_config, m_clock, QStringLiteral("import"));
    if (!store) {
        emit failed(store.error().message);
        return;
    }
    auto outcome = m_plan->deliver(
        **store, m_mapping, m_clock.nowMs(), dryRun,
        [this](int done, int total) { emit progress(total > 0 ? done * 100 / total : 0); },
        &m_cancel);
    store->reset();
    if (!outcome) {
        emit failed(outcome.error().message);
        return;
    }
    emit delivered(*outcome);
}

} // namespace lb
