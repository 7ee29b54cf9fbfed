#pragma once

#include "JsonWriter.h"
#include "SaveResult.h"

namespace lb::sandbox {

// {"id":...,"success":...,"errors":[{"statusCode","message","fields"}][,"created":...]}
class SaveResultJson
{
public:
    static void write(JsonWriter &w, const SaveResult &result, bool withCreated);
    static QByteArray toJson(const SaveResult &result, bool withCreated);
};

} // namespace lb::sandbox
