#pragma once

#include <QByteArray>
#include <QString>

namespace lb {

namespace InboxState {
inline const QString Open = QStringLiteral("open");
inline const QString Retried = QStringLiteral("retried");
inline const QString Discarded = QStringLiteral("discarded");
} // namespace InboxState

namespace ErrorClass {
inline const QString Permanent = QStringLiteral("permanent"); // the target refused the data
inline const QString Exhausted = QStringLiteral("exhausted"); // transient errors, attempts used up
inline const QString Validation = QStringLiteral("validation"); // rejected before sending
} // namespace ErrorClass

// A job that could not be delivered and waits for an admin: retry it or discard it.
struct InboxItem
{
    qint64 id = 0;
    qint64 outboxId = 0;
    QString idempotencyKey;
    QString kind;
    QString target;
    QString recordKey;
    QByteArray payload;
    QString errorClass;
    QString errorCode;
    QString errorMessage;
    int attempts = 0;
    int failures = 0;
    qint64 firstFailedAt = 0;
    qint64 lastFailedAt = 0;
    QString state;
    QString resolution;
    QString resolvedBy;
    qint64 resolvedAt = 0;
};

struct InboxFilter
{
    QString state = InboxState::Open; // empty = any
    QString text; // matched against record key, code and message
    QString errorCode;
    QString kind;
    int limit = 500;
    int offset = 0;
};

} // namespace lb
