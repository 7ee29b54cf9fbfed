#pragma once

#include "SfError.h"

#include <QJsonDocument>

#include <optional>

namespace lb::sandbox {

// Parses a request body as Salesforce would: JSON_PARSER_ERROR with the position on failure.
class JsonBody
{
public:
    static std::optional<SfError> parse(const QByteArray &body, QJsonDocument *out);
};

} // namespace lb::sandbox
