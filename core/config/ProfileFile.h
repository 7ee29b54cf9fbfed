#pragma once

#include "Profile.h"

#include <QJsonValue>

namespace lb {

// Changes a few settings of a profile file in place, keeping everything else (and unknown
// formatting aside, every key) as it was. The result is checked as a profile before it is
// written, and written atomically, so a mistake never leaves a broken profile behind. Never
// holds secrets: those go to the keychain.
class ProfileFile
{
public:
    // `changes`: dotted paths ("salesforce.client_id") to values; an empty string or null
    // removes the key.
    static Result<Profile> update(const QString &path,
                                  const QList<QPair<QString, QJsonValue>> &changes);
};

} // namespace lb
