#include "Bulk2Job.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace lb::salesforce {

Bulk2Job::State Bulk2Job::stateFromName(const QString &name)
{
    static const QList<std::pair<QLatin1StringView, State>> kStates {
        {"Open"_L1, State::Open},
        {"UploadComplete"_L1, State::UploadComplete},
        {"InProgress"_L1, State::InProgress},
        {"JobComplete"_L1, State::JobComplete},
        {"Failed"_L1, State::Failed},
        {"Aborted"_L1, State::Aborted},
    };
    for (const auto &[text, state] : kStates) {
        if (name == text)
            return state;
    }
    return State::Unknown;
}

Result<Bulk2Job> Bulk2Job::fromJson(const QByteArray &body)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    const QJsonObject o = doc.object();
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()
        || !o.value("id"_L1).isString() || !o.value("state"_L1).isString())
        return Error {u"unexpected_response"_s,
                      u"Salesforce's answer is not a Bulk API 2.0 job (no id and state)."_s, 0,
                      false};
    Bulk2Job job;
    job.id = o.value("id"_L1).toString();
    job.operation = o.value("operation"_L1).toString();
    job.object = o.value("object"_L1).toString();
    job.stateName = o.value("state"_L1).toString();
    job.state = stateFromName(job.stateName);
    job.externalIdFieldName = o.value("externalIdFieldName"_L1).toString();
    job.jobType = o.value("jobType"_L1).toString();
    job.numberRecordsProcessed = o.value("numberRecordsProcessed"_L1).toInteger();
    job.numberRecordsFailed = o.value("numberRecordsFailed"_L1).toInteger();
    job.errorMessage = o.value("errorMessage"_L1).toString();
    return job;
}

} // namespace lb::salesforce
