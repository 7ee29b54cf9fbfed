#pragma once

#include <QObject>

class QSocketNotifier;

namespace lb {

// Turns SIGTERM/SIGINT into a Qt signal on the main thread (self-pipe trick: the handler only
// writes a byte, everything else happens in the event loop), so `leadbridge sync` can finish
// the batch in flight and exit cleanly.
class UnixSignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit UnixSignalWatcher(QObject *parent = nullptr);
    ~UnixSignalWatcher() override;

signals:
    void terminationRequested(int signalNumber);

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace lb
