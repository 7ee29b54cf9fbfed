#pragma once

#include "CredentialKey.h"
#include "util/Result.h"

#include <QObject>

#include <functional>

namespace lb {

// Where secrets live. Asynchronous, because the OS keychain answers over D-Bus and may ask
// the user to unlock it; callbacks run on the thread of `context` and are dropped if
// `context` is destroyed first.
//
// Error codes: "not_found" (no such secret), "keychain_unavailable" (no Secret Service),
// "keychain_denied" (locked or refused), "keychain_error".
class CredentialStore : public QObject
{
    Q_OBJECT
public:
    using ReadCallback = std::function<void(Result<QString>)>;
    using DoneCallback = std::function<void(Result<void>)>;

    using QObject::QObject;

    virtual void read(const CredentialKey &key, QObject *context, ReadCallback done) = 0;
    virtual void write(const CredentialKey &key, const QString &secret, QObject *context,
                       DoneCallback done)
        = 0;
    virtual void remove(const CredentialKey &key, QObject *context, DoneCallback done) = 0;

    // Shown in the console: "OS keychain (Secret Service)", "in-memory (tests)".
    virtual QString backendName() const = 0;
};

} // namespace lb
