#pragma once

#include "util/Result.h"

#include <QJsonValue>
#include <QStringList>

namespace lb {

// One person to forget (issue 19), named by an email address, and the record ids the store knew
// them by. Decides whether a stored text (a raw event, a job's payload, an audit detail) is about
// them: JSON is walked value by value, other text searched whole; the email matches whatever
// its case, an id only as a whole token ("lead:L-000012" names L-000012, "L-0000123" does not).
class PersonMatch
{
public:
    // Validates what an admin typed: trimmed, lower-cased; refused with a sentence when empty,
    // over 254 characters, holding a control character (NUL included) or white space, or not
    // one "@" between a local part and a domain. Quotes, "%" and "_" are legal in an address and
    // only ever match exactly.
    static Result<PersonMatch> forEmail(const QString &input);

    // The intake's normal form (trim, lower case) and its hash: what a tombstone keeps.
    static QString normalise(const QString &email);
    static QString hashOf(const QString &email);

    const QString &email() const { return m_email; }
    QString emailHash() const { return hashOf(m_email); }
    const QStringList &ids() const { return m_ids; }
    void addId(const QString &id);

    // The substrings a stored text must hold to be about this person (for the store's cheap
    // first pass; mentions() decides): the email, its JSON-escaped form, and each id.
    QStringList emailNeedles() const;

    bool mentions(const QString &text) const;
    bool mentions(const QJsonValue &value) const;

private:
    explicit PersonMatch(QString email);
    bool mentionedInString(const QString &s) const;

    QString m_email;
    QStringList m_ids;
};

} // namespace lb
