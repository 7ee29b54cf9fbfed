#pragma once

// Keeps every log message of the process (all threads) while it lives, so a test can check
// what an operator reads in the log. Messages still reach the handler installed before.
#include <QMutex>
#include <QMutexLocker>
#include <QStringList>
#include <QtGlobal>

namespace lb::test {

class LogCapture
{
public:
    LogCapture()
    {
        QMutexLocker lock(&mutex());
        self() = this;
        previous() = qInstallMessageHandler(&handle);
    }
    ~LogCapture()
    {
        QMutexLocker lock(&mutex());
        qInstallMessageHandler(previous());
        self() = nullptr;
    }
    LogCapture(const LogCapture &) = delete;
    LogCapture &operator=(const LogCapture &) = delete;

    // The first message holding every one of `parts`, or an empty string.
    QString find(const QStringList &parts) const
    {
        QMutexLocker lock(&mutex());
        for (const QString &line : m_lines) {
            bool all = true;
            for (const QString &p : parts)
                all = all && line.contains(p);
            if (all)
                return line;
        }
        return {};
    }
    bool contains(const QStringList &parts) const { return !find(parts).isEmpty(); }

private:
    static void handle(QtMsgType type, const QMessageLogContext &context, const QString &message)
    {
        QtMessageHandler next = nullptr;
        {
            QMutexLocker lock(&mutex());
            if (self())
                self()->m_lines.append(message);
            next = previous();
        }
        if (next)
            next(type, context, message);
    }
    static QRecursiveMutex &mutex()
    {
        static QRecursiveMutex m;
        return m;
    }
    static LogCapture *&self()
    {
        static LogCapture *s = nullptr;
        return s;
    }
    static QtMessageHandler &previous()
    {
        static QtMessageHandler h = nullptr;
        return h;
    }

    QStringList m_lines;
};

} // namespace lb::test
