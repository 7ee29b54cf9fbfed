#pragma once

#include "SfError.h"

#include <QList>

#include <optional>

namespace lb::sandbox {

// The outcome of one record write, as Collections report it and single REST calls map it.
struct SaveResult
{
    QString id;
    bool success = false;
    std::optional<bool> created; // upserts only
    QList<SfError> errors;
    QStringList matchingIds; // an upsert whose external id matched several records
    bool isEvent = false; // platform event publish (201 with OPERATION_ENQUEUED)
    QString eventUuid;

    static SaveResult failure(SfError error)
    {
        SaveResult r;
        r.errors.append(std::move(error));
        return r;
    }
    static SaveResult failure(QString code, QString message, QStringList fields = {})
    {
        return failure(SfError::withFields(std::move(code), std::move(message), std::move(fields)));
    }
    // The HTTP status a single-record REST write answers with this result (before v46 and
    // 204 rules, which the caller applies).
    int httpStatus() const;
};

} // namespace lb::sandbox
