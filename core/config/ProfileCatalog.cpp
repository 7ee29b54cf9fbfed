#include "ProfileCatalog.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>

using namespace Qt::Literals::StringLiterals;

namespace lb {

ProfileCatalog::ProfileCatalog(QString folder)
    : m_folder(std::move(folder))
{ }

QString ProfileCatalog::defaultFolder()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + u"/profiles"_s;
}

QString ProfileCatalog::defaultStoreUrl(const QString &name)
{
    return u"sqlite://"_s + QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u'/'
        + name + u".db"_s;
}

Result<StoreConfig> ProfileCatalog::storeFor(const Profile &profile)
{
    const QString url = profile.store.isEmpty() ? defaultStoreUrl(profile.name) : profile.store;
    auto config = StoreConfig::parse(url);
    if (!config)
        return makeError(u"profile"_s,
                         u"%1: $.store: %2"_s.arg(profile.sourceFile, config.error().message));
    if (config->backend == StoreConfig::Backend::Postgres)
        config->password = qEnvironmentVariable("LEADBRIDGE_PG_PASSWORD");
    return config;
}

QString ProfileCatalog::pathFor(const QString &name) const
{
    return QDir(m_folder).filePath(name + u".json"_s);
}

QList<ProfileCatalog::Entry> ProfileCatalog::entries(const QString &extra) const
{
    QList<Entry> list;
    const QDir dir(m_folder);
    for (const QFileInfo &file : dir.entryInfoList({u"*.json"_s}, QDir::Files, QDir::Name)) {
        auto profile = Profile::load(file.absoluteFilePath());
        // A file that is no profile (any more) is still listed, to be fixed or removed.
        list.append({profile ? profile->name : file.completeBaseName(), file.absoluteFilePath()});
    }
    if (!extra.isEmpty()) {
        const QString absolute = QFileInfo(extra).absoluteFilePath();
        const bool listed = std::any_of(list.cbegin(), list.cend(),
                                        [&](const Entry &e) { return e.path == absolute; });
        if (!listed) {
            auto profile = Profile::load(absolute);
            list.append({profile ? profile->name : QFileInfo(extra).completeBaseName(), absolute});
        }
    }
    return list;
}

Result<void> ProfileCatalog::checkNewName(const QString &name) const
{
    static const QRegularExpression allowed(u"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$"_s);
    if (name.trimmed().isEmpty())
        return makeError(u"profile_name"_s, u"A profile needs a name."_s);
    if (!allowed.match(name).hasMatch() || name.endsWith(u' '))
        return makeError(u"profile_name"_s,
                         u"\"%1\" cannot name a profile: use letters, digits, spaces, '.', '_' "
                         "and '-' (up to 64, starting with a letter or digit)."_s.arg(name));
    for (const Entry &e : entries()) {
        if (e.name.compare(name, Qt::CaseInsensitive) == 0)
            return makeError(u"profile_name"_s,
                             u"There is already a profile named \"%1\"."_s.arg(e.name));
    }
    if (QFileInfo::exists(pathFor(name)))
        return makeError(u"profile_name"_s,
                         u"%1 already exists."_s.arg(QDir::toNativeSeparators(pathFor(name))));
    return {};
}

Result<QString> ProfileCatalog::writeNew(const QString &name, const QByteArray &json) const
{
    const QString path = pathFor(name);
    if (auto checked = Profile::fromJson(json, path); !checked)
        return checked.error();
    if (!QDir().mkpath(m_folder))
        return makeError(u"profile"_s,
                         u"Cannot create the folder %1."_s.arg(QDir::toNativeSeparators(m_folder)));
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(json) != json.size() || !out.commit())
        return makeError(u"profile"_s,
                         u"Cannot write the profile %1: %2"_s.arg(QDir::toNativeSeparators(path),
                                                                  out.errorString()));
    return path;
}

Result<QString> ProfileCatalog::create(const QString &name, const QUrl &loginUrl) const
{
    if (auto ok = checkNewName(name); !ok)
        return ok.error();
    const QJsonObject profile {{u"name"_s, name},
                               {u"salesforce"_s,
                                QJsonObject {{u"login_url"_s, loginUrl.toString()},
                                             {u"auth_flow"_s, u"authorization_code"_s}}},
                               {u"store"_s, defaultStoreUrl(name)}};
    return writeNew(name, QJsonDocument(profile).toJson(QJsonDocument::Indented));
}

Result<QString> ProfileCatalog::add(const QJsonObject &profile) const
{
    const QString name = profile.value(u"name"_s).toString();
    if (auto ok = checkNewName(name); !ok)
        return ok.error();
    return writeNew(name, QJsonDocument(profile).toJson(QJsonDocument::Indented));
}

namespace {

Result<QJsonObject> readObject(const QString &path)
{
    QFile in(path);
    if (!in.open(QIODevice::ReadOnly))
        return makeError(u"profile"_s,
                         u"Cannot read the profile %1: %2"_s.arg(QDir::toNativeSeparators(path),
                                                                 in.errorString()));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(in.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return makeError(u"profile"_s,
                         u"%1 is not a valid profile."_s.arg(QDir::toNativeSeparators(path)));
    return doc.object();
}

} // namespace

Result<QString> ProfileCatalog::duplicate(const QString &path, const QString &name) const
{
    if (auto ok = checkNewName(name); !ok)
        return ok.error();
    auto object = readObject(path);
    if (!object)
        return object.error();
    object->insert(u"name"_s, name);
    object->insert(u"store"_s, defaultStoreUrl(name));
    return writeNew(name, QJsonDocument(*object).toJson(QJsonDocument::Indented));
}

Result<QString> ProfileCatalog::rename(const QString &path, const QString &name) const
{
    if (auto ok = checkNewName(name); !ok)
        return ok.error();
    auto object = readObject(path);
    if (!object)
        return object.error();
    auto profile = Profile::fromJson(QJsonDocument(*object).toJson(), path);
    if (!profile)
        return profile.error();
    object->insert(u"name"_s, name);
    // The store keeps its data under the new name: an implicit store path is made explicit.
    if (!object->contains(u"store"_s))
        object->insert(u"store"_s, defaultStoreUrl(profile->name));
    auto written = writeNew(name, QJsonDocument(*object).toJson(QJsonDocument::Indented));
    if (!written)
        return written;
    if (QFileInfo(path).absoluteFilePath() != QFileInfo(*written).absoluteFilePath()
        && !QFile::remove(path))
        return makeError(u"profile"_s,
                         u"Renamed to %1, but %2 could not be removed."_s.arg(
                             QDir::toNativeSeparators(*written), QDir::toNativeSeparators(path)));
    return written;
}

Result<void> ProfileCatalog::remove(const QString &path) const
{
    QFile file(path);
    if (!file.remove())
        return makeError(
            u"profile"_s,
            u"Cannot delete %1: %2"_s.arg(QDir::toNativeSeparators(path), file.errorString()));
    return {};
}

} // namespace lb
