#include "ForgetCommand.h"

#include "store/PersonEraser.h"
#include "store/Store.h"

#include <QCommandLineParser>
#include <QJsonDocument>

namespace lb::cli {

int runForget(CliContext &ctx)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Forget one person: their leads, raw events, jobs, inbox items, audit "
                       "details and report samples go; a tombstone keyed on the address's hash "
                       "keeps them from coming back. It cannot be undone. Salesforce and the "
                       "platform keep their own records."));
    const QCommandLineOption email(QStringLiteral("email"),
                                   QStringLiteral("The person's email address (any case)."),
                                   QStringLiteral("ADDRESS"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON."));
    parser.addOptions({email, json});
    if (!parser.parse(QStringList {QStringLiteral("leadbridge forget")} + ctx.args)) {
        ctx.err << "leadbridge forget: " << parser.errorText() << Qt::endl;
        return ConfigError;
    }
    if (!parser.isSet(email) || !parser.positionalArguments().isEmpty()) {
        ctx.err << "leadbridge forget: say whom, with --email ADDRESS (and nothing else)."
                << Qt::endl;
        return ConfigError;
    }
    // Checked before the store is opened: a refused address touches nothing.
    if (auto valid = PersonMatch::forEmail(parser.value(email)); !valid) {
        ctx.err << "leadbridge forget: " << valid.error().message << Qt::endl;
        return ConfigError;
    }
    auto store = Store::open(ctx.store, Clock::system(), QStringLiteral("cli"));
    if (!store) {
        ctx.err << "leadbridge forget: " << store.error().message << Qt::endl;
        return ConfigError;
    }
    auto counts = PersonEraser((*store)->database(), Clock::system())
                      .forget(parser.value(email), QStringLiteral("cli"));
    if (!counts) {
        ctx.err << "leadbridge forget: nothing was erased: " << counts.error().toString()
                << Qt::endl;
        return counts.error().code == QLatin1String("erasure_email") ? ConfigError : Failed;
    }
    if (parser.isSet(json)) {
        QJsonObject o = counts->toJson();
        o.insert(QStringLiteral("erasure_id"), counts->erasureId);
        ctx.out << QJsonDocument(o).toJson(QJsonDocument::Compact) << Qt::endl;
    } else {
        ctx.out << counts->summary() << Qt::endl;
    }
    return Ok;
}

} // namespace lb::cli
