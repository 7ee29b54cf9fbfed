#include "ProfileFile.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace lb {

Result<Profile> ProfileFile::update(const QString &path,
                                    const QList<QPair<QString, QJsonValue>> &changes)
{
    QFile in(path);
    if (!in.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("profile"),
                         QObject::tr("Cannot read the profile %1: %2")
                             .arg(QDir::toNativeSeparators(path), in.errorString()));
    QJsonParseError parseError;
    QJsonObject root = QJsonDocument::fromJson(in.readAll(), &parseError).object();
    in.close();
    if (parseError.error != QJsonParseError::NoError)
        return makeError(QStringLiteral("profile"),
                         QObject::tr("%1 is not valid JSON: %2")
                             .arg(QDir::toNativeSeparators(path), parseError.errorString()));
    for (const auto &[key, value] : changes) {
        const QStringList parts = key.split(u'.');
        const bool remove = value.isNull() || (value.isString() && value.toString().isEmpty());
        if (parts.size() == 1) {
            if (remove)
                root.remove(key);
            else
                root.insert(key, value);
            continue;
        }
        QJsonObject section = root.value(parts.first()).toObject();
        if (remove)
            section.remove(parts.at(1));
        else
            section.insert(parts.at(1), value);
        root.insert(parts.first(), section);
    }
    const QByteArray json = QJsonDocument(root).toJson(QJsonDocument::Indented);
    auto checked = Profile::fromJson(json, path);
    if (!checked)
        return checked.error();
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(json) != json.size() || !out.commit())
        return makeError(QStringLiteral("profile"),
                         QObject::tr("Cannot write the profile %1: %2")
                             .arg(QDir::toNativeSeparators(path), out.errorString()));
    return checked;
}

} // namespace lb
