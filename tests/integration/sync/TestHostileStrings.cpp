// Hostile strings are data, stored verbatim on every path and read back identical (QString
// equality: the same UTF-16, so the same UTF-8): SQL, quotes and backslashes, NUL bytes,
// right-to-left overrides, emoji with modifiers, format directives, and a name of 100 KB.
//  1. platform -> signed webhook -> intake -> store -> Salesforce (names as the platform sent);
//  2. Salesforce -> poll -> store -> platform (an edit made in Salesforce comes back);
//  3. a CSV import -> inbound events -> Salesforce;
//  4. a 100 KB name the mapping refuses: the inbox item holds it, and the reason an admin gives
//     when discarding it is in the audit log, both verbatim.
// The mirror in the store is checked after each path as well.
#include "SyncWorld.h"
#include "importer/ImportPlan.h"
#include "mapping/FieldMapping.h"
#include "store/Store.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace lb;
using namespace lb::test;

namespace {

const QString LeadKey = QStringLiteral("Platform_Lead_Id__c");

QString withNul()
{
    QString s = QStringLiteral("Nul");
    s += QChar(0);
    s += QStringLiteral("in");
    s += QChar(0);
    s += QStringLiteral("side");
    return s;
}

// Each fits the default mapping's shortest limit (first_name, 40) and has no blank at either
// end (the mapping trims names). No NUL here: the platform's contract refuses control
// characters in names (the platform sandbox and PlatformLead say so), so NUL travels where it
// can arrive: in the 100 KB name the engine reads from the platform's listing into the inbox,
// and in the reason an admin gives, into the audit log.
QList<QPair<QString, QString>> hostile()
{
    return {
        {QStringLiteral("sql"), QStringLiteral("Robert'); DROP TABLE leads;--")},
        {QStringLiteral("quotes"), QStringLiteral("O\"Brien 'x' `y` \\z \\\\n")},
        {QStringLiteral("rtl"),
         QStringLiteral(u"\u202Eevil\u202C \u05E9\u05DC\u05D5\u05DD "
                        u"\u0645\u0631\u062D\u0628\u0627")},
        {QStringLiteral("emoji"),
         QStringLiteral(u"\U0001F600\U0001F44D\U0001F3FD "
                        u"\U0001F468\u200D\U0001F469 \uFDFD")},
        {QStringLiteral("format"), QStringLiteral("%1 %s %n {{x}} ${y} %%")},
        {QStringLiteral("sql like"), QStringLiteral("100% _x_ \\% ESCAPE '\\'")},
    };
}

// A name of at least 100 KB in UTF-8: letters, a quote, a NUL, an emoji and RTL text.
QString hugeName()
{
    QString unit = QStringLiteral(u"Ab'\"\u05E9\U0001F600;");
    unit += QChar(0);
    QString s;
    while (s.toUtf8().size() < 100 * 1024)
        s += unit;
    return QStringLiteral("Huge") + s + QStringLiteral("End");
}

// Whether `value` holds `text` as a string anywhere (JSON text in, so escapes are undone).
bool holdsString(const QJsonValue &value, const QString &text)
{
    if (value.isString())
        return value.toString() == text;
    if (value.isArray()) {
        for (const QJsonValue &v : value.toArray())
            if (holdsString(v, text))
                return true;
    }
    if (value.isObject()) {
        const QJsonObject o = value.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            if (holdsString(it.value(), text))
                return true;
    }
    return false;
}

bool jsonHolds(const QByteArray &json, const QString &text)
{
    const QJsonDocument doc = QJsonDocument::fromJson(json);
    return holdsString(doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object()), text);
}

QString sf(const QJsonObject &record, const char *field)
{
    return record.value(QLatin1String(field)).toString();
}

// A CSV field, quoted: embedded quotes doubled.
QByteArray csvField(const QString &s)
{
    QByteArray out = s.toUtf8();
    out.replace('"', "\"\"");
    return '"' + out + '"';
}

} // namespace

class TestHostileStrings : public QObject
{
    Q_OBJECT

private:
    static void verifyMirror(Store &store, const QString &id, const QString &field,
                             const QString &expected)
    {
        auto mirrored = store.leads().byPlatformId(id);
        QVERIFY(mirrored.ok());
        QVERIFY2(mirrored->has_value(), qPrintable(id));
        QCOMPARE((*mirrored)->platformState.value(field).toString(), expected);
    }

private slots:
    void hostileStringsTravelVerbatim()
    {
        SyncWorld world;
        world.enableWebhooks();
        QVERIFY(world.start().ok());
        world.controller().start(); // one initial poll; then the webhooks drive

        // 1. Platform users create leads with hostile names; webhooks carry them.
        const auto values = hostile();
        for (int i = 0; i < values.size(); ++i) {
            sandbox::LeadRecord lead;
            lead.id = QStringLiteral("L-HS-%1").arg(i);
            lead.firstName = values.at(i).second;
            lead.lastName = values.at(i).second;
            lead.company = values.at(i).second;
            lead.email = QStringLiteral("hostile%1@example.com").arg(i);
            auto created = world.platform.createLead(lead, QStringLiteral("agent-ui"));
            QVERIFY2(created.ok(),
                     qPrintable(values.at(i).first + u": "
                                + (created ? QString() : created.error().message)));
        }
        QVERIFY(QTest::qWaitFor(
            [&] {
                for (int i = 0; i < values.size(); ++i) {
                    if (!world.salesforce.recordByExternalId(QStringLiteral("Lead"), LeadKey,
                                                             QStringLiteral("L-HS-%1").arg(i)))
                        return false;
                }
                return true;
            },
            60'000));
        for (int i = 0; i < values.size(); ++i) {
            const auto record = *world.salesforce.recordByExternalId(
                QStringLiteral("Lead"), LeadKey, QStringLiteral("L-HS-%1").arg(i));
            const QString &expected = values.at(i).second;
            QVERIFY2(sf(record, "FirstName") == expected, qPrintable(values.at(i).first));
            QVERIFY2(sf(record, "LastName") == expected, qPrintable(values.at(i).first));
            QVERIFY2(sf(record, "Company") == expected, qPrintable(values.at(i).first));
        }
        world.stopEngine();
        {
            auto store = Store::open(StoreConfig::sqlite(world.storePath), Clock::system(),
                                     QStringLiteral("check"));
            QVERIFY(store.ok());
            for (int i = 0; i < values.size(); ++i)
                verifyMirror(**store, QStringLiteral("L-HS-%1").arg(i), QStringLiteral("last_name"),
                             values.at(i).second);
        }

        // 2. Salesforce users edit them; the poll brings the names back to the platform.
        for (int i = 0; i < values.size(); ++i) {
            const auto record = *world.salesforce.recordByExternalId(
                QStringLiteral("Lead"), LeadKey, QStringLiteral("L-HS-%1").arg(i));
            const QString back = values.at((i + 1) % values.size()).second;
            QVERIFY(world.salesforce
                        .updateRecord(QStringLiteral("Lead"), sf(record, "Id"),
                                      {{QStringLiteral("LastName"), back}},
                                      QStringLiteral("Salesforce UI"))
                        .ok());
        }
        QVERIFY(world.restartEngine().ok());
        auto pass = world.runOnce();
        QVERIFY(pass && pass->ok);
        for (int i = 0; i < values.size(); ++i) {
            const auto lead = world.platform.lead(QStringLiteral("L-HS-%1").arg(i));
            QVERIFY(lead.has_value());
            QVERIFY2(lead->lastName == values.at((i + 1) % values.size()).second,
                     qPrintable(values.at(i).first));
            QVERIFY2(lead->firstName == values.at(i).second, qPrintable(values.at(i).first));
        }
        world.stopEngine();

        // 3. A CSV import with the same names.
        {
            auto store = Store::open(StoreConfig::sqlite(world.storePath), Clock::system(),
                                     QStringLiteral("cli"));
            QVERIFY(store.ok());
            QByteArray csv = "id,first_name,last_name,company,email\n";
            for (int i = 0; i < values.size(); ++i) {
                csv += "L-CSV-" + QByteArray::number(i) + ',' + csvField(values.at(i).second) + ','
                    + csvField(values.at(i).second) + ',' + csvField(values.at(i).second) + ",csv"
                    + QByteArray::number(i) + "@example.com\n";
            }
            auto plan = ImportPlan::fromBytes(csv, QStringLiteral("hostile.csv"));
            QVERIFY2(plan.ok(), plan ? "" : qPrintable(plan.error().message));
            const auto mapping = FieldMapping::defaultMapping();
            const ImportReport report = plan->analyse(mapping->lead);
            QVERIFY2(
                report.issues.isEmpty(),
                qPrintable(report.issues.isEmpty() ? QString() : report.issues.first().message));
            auto delivered = plan->deliver(**store, mapping->lead, Clock::system().nowMs(), false);
            QVERIFY(delivered.ok());
            QCOMPARE(delivered->delivered, int(values.size()));
        }
        QVERIFY(world.restartEngine().ok());
        pass = world.runOnce();
        QVERIFY(pass && pass->ok);
        for (int i = 0; i < values.size(); ++i) {
            const auto record = world.salesforce.recordByExternalId(
                QStringLiteral("Lead"), LeadKey, QStringLiteral("L-CSV-%1").arg(i));
            QVERIFY2(record.has_value(), qPrintable(values.at(i).first));
            QVERIFY2(sf(*record, "LastName") == values.at(i).second,
                     qPrintable(values.at(i).first));
            QVERIFY2(sf(*record, "Company") == values.at(i).second, qPrintable(values.at(i).first));
        }
        world.stopEngine();

        // 4. A 100 KB name: the mapping refuses it (STRING_TOO_LONG), the inbox keeps it as sent.
        const QString huge = hugeName();
        QVERIFY(huge.toUtf8().size() >= 100 * 1024);
        sandbox::LeadRecord big;
        big.id = QStringLiteral("L-HUGE");
        big.firstName = QStringLiteral("Big");
        big.lastName = huge;
        big.company = QStringLiteral("Huge Ltd");
        big.email = QStringLiteral("huge@example.com");
        big.updatedAt = QDateTime::currentMSecsSinceEpoch(); // after the platform poll's watermark
        big.version = 1;
        world.platform.seedLead(big); // as an import could leave it: the platform's checks bypassed
        QVERIFY(world.restartEngine().ok());
        pass = world.runOnce();
        QVERIFY(pass);
        QCOMPARE(pass->toInbox, 1);
        world.stopEngine();
        QVERIFY(!world.salesforce.recordByExternalId(QStringLiteral("Lead"), LeadKey,
                                                     QStringLiteral("L-HUGE")));

        auto store = Store::open(StoreConfig::sqlite(world.storePath), Clock::system(),
                                 QStringLiteral("admin"));
        QVERIFY(store.ok());
        auto items = (*store)->inbox().list({});
        QVERIFY(items.ok());
        QCOMPARE(items->size(), 1);
        const InboxItem item = items->first();
        QCOMPARE(item.recordKey, QStringLiteral("lead:L-HUGE"));
        QVERIFY2(jsonHolds(item.payload, huge),
                 "the inbox payload does not hold the name verbatim");

        // No blank at either end: a reason is kept trimmed.
        QStringList parts {QStringLiteral("Refused:"), withNul()};
        for (const auto &v : values)
            parts.append(v.second);
        const QString reason = parts.join(u' ');
        QCOMPARE(*(*store)->inbox().discard({item.id}, reason, QStringLiteral("admin")), 1);
        auto audit = (*store)->audit().forEntity(QStringLiteral("inbox"), QString::number(item.id));
        QVERIFY(audit.ok());
        bool found = false;
        for (const AuditEntry &e : *audit)
            found = found || jsonHolds(e.detail.toUtf8(), reason);
        QVERIFY2(found, "the audit log does not hold the discard reason verbatim");
        const auto stored = (*store)->inbox().get(item.id);
        QVERIFY(stored.ok());
        QCOMPARE(stored->payload, item.payload);
    }
};

QTEST_GUILESS_MAIN(TestHostileStrings)
#include "TestHostileStrings.moc"
