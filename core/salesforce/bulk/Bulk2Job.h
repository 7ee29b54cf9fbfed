#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QString>

namespace lb::salesforce {

// A Bulk API 2.0 job as Salesforce describes it (SALESFORCE_API.md 7.1, 7.2).
struct Bulk2Job
{
    enum class State { Open, UploadComplete, InProgress, JobComplete, Failed, Aborted, Unknown };

    QString id;
    QString operation; // insert, update, upsert, delete, hardDelete | query, queryAll
    QString object;
    State state = State::Unknown;
    QString stateName; // as sent, also for states this client does not know
    QString externalIdFieldName;
    QString jobType; // V2Ingest, V2Query
    qint64 numberRecordsProcessed = 0;
    qint64 numberRecordsFailed = 0;
    QString errorMessage; // Failed ingest jobs

    bool isTerminal() const
    {
        return state == State::JobComplete || state == State::Failed || state == State::Aborted;
    }

    static State stateFromName(const QString &name);
    // The job object of a create, close, abort or poll answer.
    static Result<Bulk2Job> fromJson(const QByteArray &body);
};

} // namespace lb::salesforce
