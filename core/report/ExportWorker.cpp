#include "ExportWorker.h"

#include "store/Store.h"

#include <QElapsedTimer>

namespace lb {

ExportWorker::ExportWorker(StoreConfig store, const Clock &clock, ReportRequest request,
                           ReportExporter::SinkFactory factory, QObject *parent)
    : QObject(parent)
    , m_config(std::move(store))
    , m_clock(clock)
    , m_request(std::move(request))
    , m_factory(std::move(factory))
{ }

void ExportWorker::run()
{
    auto store = Store::open(m_config, m_clock, QStringLiteral("export"));
    if (!store) {
        emit finished(false, 0, store.error().message);
        return;
    }
    QElapsedTimer sinceSignal;
    sinceSignal.start();
    // A signal per batch would flood the GUI thread on a fast disk; ten a second is plenty.
    auto onProgress = [this, &sinceSignal](qint64 done, qint64 total) {
        if (done == 0 || done >= total || sinceSignal.elapsed() >= 100) {
            sinceSignal.restart();
            emit progress(done, total);
        }
    };
    auto rows = ReportExporter::toFile(**store, m_request, m_factory, onProgress, &m_cancel);
    store->reset();
    if (!rows) {
        emit finished(false, 0, rows.error().message);
        return;
    }
    emit finished(true, *rows, QString());
}

} // namespace lb
