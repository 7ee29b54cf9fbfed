#include "InboxCommand.h"

#include "store/Store.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace lb::cli {
namespace {

QString when(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate) : QString();
}

QJsonObject toJson(const InboxItem &i)
{
    return {{QStringLiteral("id"), i.id},
            {QStringLiteral("record"), i.recordKey},
            {QStringLiteral("kind"), i.kind},
            {QStringLiteral("target"), i.target},
            {QStringLiteral("error_class"), i.errorClass},
            {QStringLiteral("error_code"), i.errorCode},
            {QStringLiteral("error_message"), i.errorMessage},
            {QStringLiteral("attempts"), i.attempts},
            {QStringLiteral("failures"), i.failures},
            {QStringLiteral("first_failed_at"), when(i.firstFailedAt)},
            {QStringLiteral("last_failed_at"), when(i.lastFailedAt)},
            {QStringLiteral("state"), i.state},
            {QStringLiteral("payload"), QString::fromUtf8(i.payload)}};
}

QList<qint64> parseIds(const QStringList &args, QString *bad)
{
    QList<qint64> ids;
    for (const QString &a : args) {
        bool ok = false;
        const qint64 id = a.toLongLong(&ok);
        if (!ok || id <= 0) {
            *bad = a;
            return {};
        }
        ids.append(id);
    }
    return ids;
}

} // namespace

int runInbox(CliContext &ctx)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Error inbox: list, retry or discard records "
                                                    "that could not be delivered."));
    parser.addPositionalArgument(QStringLiteral("action"),
                                 QStringLiteral("list | retry | discard"));
    parser.addPositionalArgument(QStringLiteral("ids"), QStringLiteral("Inbox item ids."),
                                 QStringLiteral("[ID...]"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON."));
    const QCommandLineOption all(QStringLiteral("all"), QStringLiteral("retry: every open item."));
    const QCommandLineOption reason(QStringLiteral("reason"),
                                    QStringLiteral("discard: why (required)."),
                                    QStringLiteral("TEXT"));
    const QCommandLineOption state(
        QStringLiteral("state"), QStringLiteral("list: open (default), retried, discarded or all."),
        QStringLiteral("STATE"), QStringLiteral("open"));
    const QCommandLineOption text(QStringLiteral("text"), QStringLiteral("list: filter text."),
                                  QStringLiteral("T"));
    parser.addOptions({json, all, reason, state, text});
    if (!parser.parse(QStringList {QStringLiteral("leadbridge inbox")} + ctx.args)) {
        ctx.err << parser.errorText() << Qt::endl;
        return ConfigError;
    }
    const QStringList positional = parser.positionalArguments();
    const QString action = positional.value(0);
    if (action != QLatin1String("list") && action != QLatin1String("retry")
        && action != QLatin1String("discard")) {
        ctx.err << "leadbridge inbox: say list, retry or discard." << Qt::endl;
        return ConfigError;
    }
    auto store = Store::open(ctx.store, Clock::system(), QStringLiteral("cli"));
    if (!store) {
        ctx.err << store.error().message << Qt::endl;
        return ConfigError;
    }
    InboxStore &inbox = (*store)->inbox();

    if (action == QLatin1String("list")) {
        InboxFilter filter;
        filter.state
            = parser.value(state) == QLatin1String("all") ? QString() : parser.value(state);
        filter.text = parser.value(text);
        filter.limit = 100'000;
        auto items = inbox.list(filter);
        if (!items) {
            ctx.err << items.error().message << Qt::endl;
            return Failed;
        }
        if (parser.isSet(json)) {
            QJsonArray array;
            for (const InboxItem &i : *items)
                array.append(toJson(i));
            ctx.out << QJsonDocument(array).toJson(QJsonDocument::Indented);
            return Ok;
        }
        if (items->isEmpty()) {
            ctx.out << "The inbox is empty." << Qt::endl;
            return Ok;
        }
        ctx.out << QStringLiteral("%1  %2  %3  %4  %5")
                       .arg(QStringLiteral("ID"), -6)
                       .arg(QStringLiteral("RECORD"), -22)
                       .arg(QStringLiteral("CODE"), -30)
                       .arg(QStringLiteral("FAILURES"), -8)
                       .arg(QStringLiteral("MESSAGE"))
                << Qt::endl;
        for (const InboxItem &i : *items)
            ctx.out << QStringLiteral("%1  %2  %3  %4  %5")
                           .arg(i.id, -6)
                           .arg(i.recordKey, -22)
                           .arg(i.errorCode, -30)
                           .arg(i.failures, -8)
                           .arg(i.errorMessage.left(120))
                    << Qt::endl;
        return Ok;
    }

    const QString actor
        = QStringLiteral("cli:") + qEnvironmentVariable("USER", QStringLiteral("admin"));
    QString bad;
    const QList<qint64> ids = parseIds(positional.mid(1), &bad);
    if (!bad.isEmpty()) {
        ctx.err << "\"" << bad << "\" is not an inbox item id." << Qt::endl;
        return ConfigError;
    }
    if (action == QLatin1String("retry")) {
        if (ids.isEmpty() && !parser.isSet(all)) {
            ctx.err << "leadbridge inbox retry: give item ids or --all." << Qt::endl;
            return ConfigError;
        }
        auto r = parser.isSet(all) ? inbox.retryAll(actor) : inbox.retry(ids, actor);
        if (!r) {
            ctx.err << r.error().message << Qt::endl;
            return Failed;
        }
        ctx.out << *r << " item(s) queued for delivery again." << Qt::endl;
        return Ok;
    }
    if (ids.isEmpty()) {
        ctx.err << "leadbridge inbox discard: give the item ids." << Qt::endl;
        return ConfigError;
    }
    auto r = inbox.discard(ids, parser.value(reason), actor);
    if (!r) {
        ctx.err << r.error().message << Qt::endl;
        return r.error().code == QLatin1String("reason_required") ? ConfigError : Failed;
    }
    ctx.out << *r << " item(s) discarded." << Qt::endl;
    return Ok;
}

} // namespace lb::cli
