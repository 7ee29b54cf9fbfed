// The content hash over canonical bytes (mapping/ContentHash.h): pinned, independent of key
// order, blind to number form and to Salesforce's "attributes", and changed by any change of
// content, including null against empty and the boundaries between fields.
#include "mapping/ContentHash.h"
#include "sync/SyncPlanner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace lb;

namespace {

QJsonObject json(const char *text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(text), &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("bad test JSON: %s", text);
    return doc.object();
}

QByteArray h(const char *text)
{
    return ContentHash::of(json(text));
}

// A platform lead's state as the mirror keeps it.
QJsonObject lead()
{
    return json(R"({"id":"L-1","first_name":"Ann","last_name":"Smith","company":"Acme",
                    "email":"ann@example.com","phone":"+14155550100","status":"working",
                    "source":"web","score":42,"value":1234.5,"agent_id":"A-7","eligible":true,
                    "tags":["hot","eu"],"address":{"city":"Lyon","zip":null},
                    "created_at":"2026-01-02T03:04:05.000Z"})");
}

} // namespace

class TestContentHash : public QObject
{
    Q_OBJECT

private slots:
    void isPinned()
    {
        // The encoding is part of the store's format: migration 18 wrote these hashes. A
        // change here needs a new migration that re-hashes the mirror again. The expected
        // values were computed from the encoding in ContentHash.h by a separate implementation
        // (a few lines of Python: struct.pack('>I', len) prefixes, sorted keys, SHA-256).
        QCOMPARE(ContentHash::of({}), QByteArray("fc4a3d5af293d9a8fb363eb5443024d2"));
        QCOMPARE(ContentHash::of(lead()), QByteArray("dc4bb195e8b3d3c6b0b15671fccce428"));
        QCOMPARE(SyncPlanner::hashOf(lead()), ContentHash::of(lead()));
    }

    void isStableAcrossCallsAndCopies()
    {
        const QByteArray first = ContentHash::of(lead());
        for (int i = 0; i < 3; ++i)
            QCOMPARE(ContentHash::of(QJsonObject(lead())), first);
        QCOMPARE(first.size(), 32);
    }

    void ignoresKeyOrder()
    {
        QCOMPARE(h(R"({"a":1,"b":"x","c":{"y":2,"x":1}})"),
                 h(R"({"c":{"x":1,"y":2},"b":"x","a":1})"));
        QJsonObject forward, backward;
        const QJsonObject l = lead();
        const QStringList keys = l.keys();
        for (const QString &k : keys)
            forward.insert(k, l.value(k));
        for (auto it = keys.crbegin(); it != keys.crend(); ++it)
            backward.insert(*it, l.value(*it));
        QCOMPARE(ContentHash::of(forward), ContentHash::of(backward));
    }

    void keepsArrayOrder() { QVERIFY(h(R"({"t":["a","b"]})") != h(R"({"t":["b","a"]})")); }

    void ignoresNumberFormAndAttributes()
    {
        QCOMPARE(h(R"({"a":1,"attributes":{"type":"Lead"}})"), h(R"({"a":1.0})"));
        QCOMPARE(h(R"({"o":{"a":2,"attributes":{"url":"/x"}}})"), h(R"({"o":{"a":2.0}})"));
        QCOMPARE(ContentHash::of({{QStringLiteral("a"), qint64(7)}}),
                 ContentHash::of({{QStringLiteral("a"), 7.0}}));
        QVERIFY(h(R"({"a":1})") != h(R"({"a":1.5})"));
        // Integers beyond a double's precision keep every digit.
        QVERIFY(ContentHash::of({{QStringLiteral("a"), qint64(1) << 60}})
                != ContentHash::of({{QStringLiteral("a"), (qint64(1) << 60) + 1}}));
    }

    void distinguishesNullEmptyAndAbsent()
    {
        const QList<QByteArray> hashes {
            h(R"({"a":null})"), h(R"({"a":""})"),      h(R"({})"),        h(R"({"a":[]})"),
            h(R"({"a":{}})"),   h(R"({"a":"null"})"),  h(R"({"a":0})"),   h(R"({"a":false})"),
            h(R"({"a":"0"})"),  h(R"({"a":true})"),    h(R"({"a":1})"),   h(R"({"a":[null]})"),
            h(R"({"a":[""]})"), h(R"({"a":"false"})"), h(R"({"b":null})")};
        for (qsizetype i = 0; i < hashes.size(); ++i)
            for (qsizetype j = i + 1; j < hashes.size(); ++j)
                QVERIFY2(hashes.at(i) != hashes.at(j),
                         qPrintable(QStringLiteral("%1 vs %2").arg(i).arg(j)));
    }

    void keepsFieldBoundaries()
    {
        QVERIFY(h(R"({"a":"bc"})") != h(R"({"ab":"c"})"));
        QVERIFY(h(R"({"a":["ab","c"]})") != h(R"({"a":["a","bc"]})"));
        QVERIFY(h(R"({"a":"x","b":"y"})") != h(R"({"a":"xb","c":"y"})"));
        QVERIFY(h(R"({"a":{"b":1},"c":2})") != h(R"({"a":{"b":1,"c":2}})"));
    }

    void changesWhenAnyFieldChanges()
    {
        const QJsonObject base = lead();
        const QByteArray before = ContentHash::of(base);
        for (const QString &key : base.keys()) {
            QJsonObject changed = base;
            const QJsonValue v = base.value(key);
            switch (v.type()) {
            case QJsonValue::String:
                changed.insert(key, QString(v.toString() + u'x'));
                break;
            case QJsonValue::Double:
                changed.insert(key, v.toDouble() + 1);
                break;
            case QJsonValue::Bool:
                changed.insert(key, !v.toBool());
                break;
            case QJsonValue::Array: {
                QJsonArray a = v.toArray();
                a.append(QStringLiteral("more"));
                changed.insert(key, a);
                break;
            }
            case QJsonValue::Object: {
                QJsonObject o = v.toObject();
                o.insert(QStringLiteral("zip"), QStringLiteral("69001"));
                changed.insert(key, o);
                break;
            }
            default:
                QFAIL("unexpected type in the sample lead");
            }
            QVERIFY2(ContentHash::of(changed) != before, qPrintable(key));
            QJsonObject removed = base;
            removed.remove(key);
            QVERIFY2(ContentHash::of(removed) != before, qPrintable(key));
            QJsonObject nulled = base;
            nulled.insert(key, QJsonValue::Null);
            QVERIFY2(ContentHash::of(nulled) != before, qPrintable(key));
        }
        // Case and Unicode form are content: the mapping normalises before hashing, not the hash.
        QVERIFY(h(R"({"a":"Ann"})") != h(R"({"a":"ann"})"));
        QVERIFY(h("{\"a\":\"\xc3\xa9\"}") != h("{\"a\":\"e\xcc\x81\"}"));
    }

    void survivesTheStoresJsonRoundTrip()
    {
        // The mirror stores states as JSON text: a state read back hashes as it was written.
        QJsonObject o = lead();
        o.insert(QStringLiteral("tenth"), 0.1);
        o.insert(QStringLiteral("tiny"), 5e-324);
        o.insert(QStringLiteral("huge"), 1.7976931348623157e308);
        o.insert(QStringLiteral("negative_zero"), -0.0);
        o.insert(QStringLiteral("big_int"), qint64(9'007'199'254'740'993));
        o.insert(QStringLiteral("text"),
                 QStringLiteral("RTL \u05e9\u05dc\u05d5\u05dd, emoji \U0001F600, NUL \0 end"));
        const QJsonObject back
            = QJsonDocument::fromJson(QJsonDocument(o).toJson(QJsonDocument::Compact)).object();
        QCOMPARE(ContentHash::of(back), ContentHash::of(o));
    }
};

QTEST_GUILESS_MAIN(TestContentHash)
#include "TestContentHash.moc"
