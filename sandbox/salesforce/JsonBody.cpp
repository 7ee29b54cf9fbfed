#include "JsonBody.h"

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

std::optional<SfError> JsonBody::parse(const QByteArray &body, QJsonDocument *out)
{
    if (body.trimmed().isEmpty())
        return SfError::plain(u"JSON_PARSER_ERROR"_s,
                              u"No content to map due to end-of-input at [line:1, column:0]"_s);
    QJsonParseError error;
    *out = QJsonDocument::fromJson(body, &error);
    if (error.error == QJsonParseError::NoError)
        return std::nullopt;
    int line = 1;
    int column = 1;
    for (qsizetype i = 0; i < qMin<qsizetype>(error.offset, body.size()); ++i) {
        if (body[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return SfError::plain(
        u"JSON_PARSER_ERROR"_s,
        u"Unexpected character: %1 at [line:%2, column:%3]"_s.arg(error.errorString())
            .arg(line)
            .arg(column));
}

} // namespace lb::sandbox
