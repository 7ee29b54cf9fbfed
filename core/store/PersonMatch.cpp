#include "PersonMatch.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace lb {
namespace {

// An address (RFC 5321) is at most 254 characters; anything longer is not one.
constexpr int MaxEmailLength = 254;

// Whether `c` may continue an email address or an id on either side of a match: such a match
// is part of a longer token and names someone else.
bool continuesEmail(QChar c)
{
    return c.isLetterOrNumber() || QStringView(u"._%+-'").contains(c);
}

bool continuesId(QChar c)
{
    return c.isLetterOrNumber() || c == u'-' || c == u'_';
}

// Whether `needle` occurs in `s` as a whole token (case-insensitively when asked).
bool containsToken(const QString &s, const QString &needle, Qt::CaseSensitivity cs,
                   bool (*continues)(QChar))
{
    if (needle.isEmpty())
        return false;
    for (qsizetype at = s.indexOf(needle, 0, cs); at >= 0; at = s.indexOf(needle, at + 1, cs)) {
        const qsizetype end = at + needle.size();
        const bool startOk = at == 0 || !continues(s.at(at - 1));
        const bool endOk = end == s.size() || !continues(s.at(end));
        if (startOk && endOk)
            return true;
    }
    return false;
}

} // namespace

PersonMatch::PersonMatch(QString email)
    : m_email(std::move(email))
{ }

QString PersonMatch::normalise(const QString &email)
{
    return email.trimmed().toLower();
}

QString PersonMatch::hashOf(const QString &email)
{
    // A fixed prefix keeps these hashes apart from any other SHA-256 of an address.
    const QByteArray data = QByteArrayLiteral("leadbridge-erasure-v1:") + normalise(email).toUtf8();
    return QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
}

Result<PersonMatch> PersonMatch::forEmail(const QString &input)
{
    const auto refuse = [](const QString &why) {
        return makeError(QStringLiteral("erasure_email"),
                         QStringLiteral("Not an email address to forget: %1.").arg(why));
    };
    for (const QChar c : input) {
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
            return refuse(QStringLiteral("it holds a control character (U+%1)")
                              .arg(uint(c.unicode()), 4, 16, QLatin1Char('0')));
    }
    const QString email = normalise(input);
    if (email.isEmpty())
        return refuse(QStringLiteral("it is empty"));
    if (email.size() > MaxEmailLength)
        return refuse(QStringLiteral("it is %1 characters long; an address has at most %2")
                          .arg(email.size())
                          .arg(MaxEmailLength));
    for (const QChar c : email) {
        if (c.isSpace())
            return refuse(QStringLiteral("it holds white space"));
    }
    const qsizetype at = email.lastIndexOf(u'@');
    if (at <= 0 || at == email.size() - 1)
        return refuse(QStringLiteral("it needs a local part, \"@\" and a domain"));
    if (email.indexOf(u'@') != at && !email.startsWith(u'"'))
        return refuse(QStringLiteral("it holds more than one \"@\""));
    return PersonMatch(email);
}

void PersonMatch::addId(const QString &id)
{
    if (!id.isEmpty() && !m_ids.contains(id))
        m_ids.append(id);
}

QStringList PersonMatch::emailNeedles() const
{
    QStringList out {m_email};
    // How the address appears inside stored JSON when it holds a quote or a backslash.
    const QByteArray json = QJsonDocument(QJsonArray {m_email}).toJson(QJsonDocument::Compact);
    const QString escaped = QString::fromUtf8(json.mid(2, json.size() - 4));
    if (escaped != m_email)
        out.append(escaped);
    return out;
}

bool PersonMatch::mentionedInString(const QString &s) const
{
    if (containsToken(s, m_email, Qt::CaseInsensitive, continuesEmail))
        return true;
    for (const QString &id : m_ids) {
        if (containsToken(s, id, Qt::CaseSensitive, continuesId))
            return true;
    }
    return false;
}

bool PersonMatch::mentions(const QJsonValue &value) const
{
    switch (value.type()) {
    case QJsonValue::String:
        return mentionedInString(value.toString());
    case QJsonValue::Array: {
        const QJsonArray a = value.toArray();
        return std::any_of(a.begin(), a.end(), [this](const QJsonValue &v) { return mentions(v); });
    }
    case QJsonValue::Object: {
        const QJsonObject o = value.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (mentionedInString(it.key()) || mentions(it.value()))
                return true;
        }
        return false;
    }
    default:
        return false;
    }
}

bool PersonMatch::mentions(const QString &text) const
{
    if (text.isEmpty())
        return false;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error == QJsonParseError::NoError) {
        if (doc.isObject())
            return mentions(QJsonValue(doc.object()));
        if (doc.isArray())
            return mentions(QJsonValue(doc.array()));
    }
    // Not JSON (an error message, a truncated body): the text as it is, and its unescaped form.
    return mentionedInString(text)
        || mentionedInString(QString(text).replace(QLatin1String("\\\""), QLatin1String("\"")));
}

} // namespace lb
