#include "VersionsResource.h"

#include "JsonWriter.h"

using namespace Qt::Literals::StringLiterals;

namespace lb::sandbox {

QString VersionsResource::releaseLabel(int version)
{
    const int k = version - 60;
    const int yearsFrom24 = k >= 0 ? k / 3 : -((-k + 2) / 3);
    const int season = k - yearsFrom24 * 3; // 0 Spring, 1 Summer, 2 Winter
    static const char *const kSeasons[] = {"Spring", "Summer", "Winter"};
    const int year = (24 + yearsFrom24 + (season == 2 ? 1 : 0)) % 100;
    return u"%1 '%2"_s.arg(QLatin1StringView(kSeasons[season])).arg(year, 2, 10, QLatin1Char('0'));
}

ApiResponse VersionsResource::versions(int minVersion, int maxVersion)
{
    JsonWriter w;
    w.beginArray();
    for (int v = minVersion; v <= maxVersion; ++v) {
        const QString version = QString::number(v) + u".0"_s;
        w.beginObject();
        w.key("label"_L1).value(QStringView(releaseLabel(v)));
        w.key("url"_L1).value(QStringView(QString(u"/services/data/v"_s + version)));
        w.key("version"_L1).value(QStringView(version));
        w.endObject();
    }
    w.endArray();
    return ApiResponse::json(200, w.take());
}

ApiResponse VersionsResource::resources(const QString &version)
{
    const QString base = u"/services/data/v"_s + version;
    JsonWriter w;
    w.beginObject();
    for (const auto name :
         {"sobjects"_L1, "query"_L1, "queryAll"_L1, "composite"_L1, "limits"_L1}) {
        w.key(name).value(QStringView(QString(base + u'/' + name)));
    }
    w.endObject();
    return ApiResponse::json(200, w.take());
}

} // namespace lb::sandbox
