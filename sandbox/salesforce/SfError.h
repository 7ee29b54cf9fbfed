#pragma once

#include <QString>
#include <QStringList>

namespace lb::sandbox {

// One Salesforce error. REST resources write it as {"message","errorCode"[,"fields"]}
// (envelope 1), save results as {"statusCode","message","fields"} (envelope 2).
struct SfError
{
    QString code;
    QString message;
    QStringList fields;
    bool hasFields = true; // query and routing errors carry no "fields" key

    static SfError plain(QString code, QString message)
    {
        return SfError {std::move(code), std::move(message), {}, false};
    }
    static SfError withFields(QString code, QString message, QStringList fields = {})
    {
        return SfError {std::move(code), std::move(message), std::move(fields), true};
    }
};

} // namespace lb::sandbox
