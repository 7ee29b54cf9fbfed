#include "BulkCsv.h"

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

QString bulkStateName(BulkState state)
{
    switch (state) {
    case BulkState::Open:
        return u"Open"_s;
    case BulkState::UploadComplete:
        return u"UploadComplete"_s;
    case BulkState::InProgress:
        return u"InProgress"_s;
    case BulkState::JobComplete:
        return u"JobComplete"_s;
    case BulkState::Failed:
        return u"Failed"_s;
    case BulkState::Aborted:
        return u"Aborted"_s;
    }
    return {};
}

bool isTerminal(BulkState state)
{
    return state == BulkState::JobComplete || state == BulkState::Failed
        || state == BulkState::Aborted;
}

namespace BulkCsv {

Result<BulkDialect> dialect(const QString &delimiterName, const QString &lineEnding)
{
    BulkDialect d;
    if (!delimiterName.isEmpty()) {
        static const QList<std::pair<QString, QChar>> kDelimiters {
            {u"BACKQUOTE"_s, u'`'}, {u"CARET"_s, u'^'},     {u"COMMA"_s, u','},
            {u"PIPE"_s, u'|'},      {u"SEMICOLON"_s, u';'}, {u"TAB"_s, u'\t'},
        };
        const auto it = std::find_if(kDelimiters.begin(), kDelimiters.end(),
                                     [&](const auto &p) { return p.first == delimiterName; });
        if (it == kDelimiters.end())
            return makeError(u"INVALIDJOB"_s,
                             u"Invalid columnDelimiter '%1': use BACKQUOTE, CARET, COMMA, PIPE, "
                             u"SEMICOLON or TAB"_s.arg(delimiterName));
        d.delimiterName = it->first;
        d.delimiter = it->second;
    }
    if (!lineEnding.isEmpty()) {
        if (lineEnding != "LF"_L1 && lineEnding != "CRLF"_L1)
            return makeError(u"INVALIDJOB"_s,
                             u"Invalid lineEnding '%1': use LF or CRLF"_s.arg(lineEnding));
        d.lineEnding = lineEnding;
    }
    return d;
}

void appendQuoted(QByteArray &out, QStringView value)
{
    out += '"';
    QByteArray bytes = value.toUtf8();
    bytes.replace('"', "\"\"");
    out += bytes;
    out += '"';
}

QByteArray quotedRow(const QStringList &values, const BulkDialect &dialect)
{
    QByteArray out;
    const QByteArray delimiter = QString(dialect.delimiter).toUtf8();
    for (qsizetype i = 0; i < values.size(); ++i) {
        if (i > 0)
            out += delimiter;
        appendQuoted(out, values[i]);
    }
    out += dialect.newline();
    return out;
}

QString valueText(const QJsonValue &value)
{
    if (value.isNull() || value.isUndefined())
        return {};
    if (value.isBool())
        return value.toBool() ? u"true"_s : u"false"_s;
    if (value.isDouble()) {
        const double d = value.toDouble();
        if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 1e15)
            return QString::number(qint64(d));
        return QString::number(d, 'g', 15);
    }
    return value.toString();
}

QByteArray headerLine(const QByteArray &upload)
{
    qsizetype start = upload.startsWith("\xEF\xBB\xBF") ? 3 : 0;
    qsizetype end = upload.indexOf('\n', start);
    if (end < 0)
        end = upload.size();
    if (end > start && upload.at(end - 1) == '\r')
        --end;
    return upload.mid(start, end - start);
}

Result<void> checkLineEndings(const QByteArray &upload, const BulkDialect &dialect)
{
    // Only line endings outside quoted fields separate rows; those inside are data.
    const bool crlf = dialect.lineEnding == "CRLF"_L1;
    bool quoted = false;
    for (qsizetype i = 0; i < upload.size(); ++i) {
        const char c = upload.at(i);
        if (c == '"') {
            quoted = !quoted;
            continue;
        }
        if (quoted || c != '\n')
            continue;
        const bool hasCr = i > 0 && upload.at(i - 1) == '\r';
        if (hasCr != crlf)
            return makeError(u"ClientInputError"_s,
                             u"LineEnding is invalid on user data. Current LineEnding setting is "_s
                                 + dialect.lineEnding);
    }
    return {};
}

ApiResponse response(QByteArray body)
{
    ApiResponse r;
    r.status = 200;
    r.body = std::move(body);
    r.setHeader("Content-Type", "text/csv");
    return r;
}

} // namespace BulkCsv

} // namespace lb::sandbox
