#include "CredentialKey.h"

namespace lb {

QString CredentialKey::account() const
{
    return profile + u'/' + system + u'/' + secret;
}

Result<void> CredentialKey::validate() const
{
    for (const QString *part : {&profile, &system, &secret}) {
        const bool bad = part->isEmpty() || part->size() > 128 || part->contains(u'/')
            || std::any_of(part->cbegin(), part->cend(),
                           [](QChar c) { return c.category() == QChar::Other_Control; });
        if (bad)
            return makeError(QStringLiteral("credential_key"),
                             QStringLiteral("Invalid credential name \"%1\": profile, system and "
                                            "secret must be non-empty, without '/' or control "
                                            "characters.")
                                 .arg(account().toHtmlEscaped()));
    }
    return {};
}

} // namespace lb
