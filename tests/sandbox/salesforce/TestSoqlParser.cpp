#include "salesforce/SoqlParser.h"

#include <QTest>

using namespace lb::sandbox;
using namespace Qt::Literals::StringLiterals;

namespace {

QString dumpValue(const SoqlValue &v)
{
    switch (v.kind) {
    case SoqlValue::Kind::Null:
        return u"null"_s;
    case SoqlValue::Kind::Boolean:
        return v.boolean ? u"true"_s : u"false"_s;
    case SoqlValue::Kind::Number:
        return QString::number(v.number);
    case SoqlValue::Kind::String:
        return u'\'' + v.string + u'\'';
    case SoqlValue::Kind::Date:
        return u"date:"_s + QString::number(v.days);
    case SoqlValue::Kind::DateTime:
        return u"datetime:"_s + QString::number(v.ms);
    case SoqlValue::Kind::DateLiteral:
        return v.function + (v.n ? u':' + QString::number(v.n) : QString());
    }
    return {};
}

QString dumpCondition(const SoqlCondition &c)
{
    static const char *const kOps[]
        = {"=", "!=", "<", "<=", ">", ">=", "LIKE", "IN", "NOT IN", "INCLUDES", "EXCLUDES"};
    switch (c.kind) {
    case SoqlCondition::Kind::And:
    case SoqlCondition::Kind::Or: {
        QStringList parts;
        for (const SoqlCondition &child : c.children)
            parts.append(dumpCondition(child));
        return u'(' + QString(c.kind == SoqlCondition::Kind::And ? u"AND "_s : u"OR "_s)
            + parts.join(u' ') + u')';
    }
    case SoqlCondition::Kind::Not:
        return u"(NOT "_s + dumpCondition(c.children.front()) + u')';
    case SoqlCondition::Kind::Compare: {
        QStringList values;
        for (const SoqlValue &v : c.values)
            values.append(dumpValue(v));
        return u'(' + QLatin1StringView(kOps[int(c.op)]) + u' ' + c.field.text + u' '
            + values.join(u',') + u')';
    }
    }
    return {};
}

QString dump(const SoqlQuery &q)
{
    QString out = u"SELECT "_s;
    if (q.count) {
        out += u"COUNT()"_s;
    } else {
        QStringList fields;
        for (const SoqlFieldRef &f : q.fields)
            fields.append(f.text);
        out += fields.join(u',');
    }
    out += u" FROM "_s + q.object;
    if (q.where)
        out += u" WHERE "_s + dumpCondition(*q.where);
    if (!q.orderBy.empty()) {
        QStringList keys;
        for (const SoqlOrder &o : q.orderBy) {
            QString k = o.field.text + (o.descending ? u" DESC"_s : u" ASC"_s);
            if (o.nullsFirst)
                k += *o.nullsFirst ? u" NULLS FIRST"_s : u" NULLS LAST"_s;
            keys.append(k);
        }
        out += u" ORDER BY "_s + keys.join(u',');
    }
    if (q.limit)
        out += u" LIMIT "_s + QString::number(*q.limit);
    if (q.offset)
        out += u" OFFSET "_s + QString::number(*q.offset);
    return out;
}

} // namespace

class TestSoqlParser : public QObject
{
    Q_OBJECT

private slots:
    void parses_data()
    {
        QTest::addColumn<QString>("soql");
        QTest::addColumn<QString>("expected");
        QTest::newRow("fields") << u"SELECT Id, Email FROM Lead"_s
                                << u"SELECT Id,Email FROM Lead"_s;
        QTest::newRow("keywords any case") << u"select id from lead"_s << u"SELECT id FROM lead"_s;
        QTest::newRow("relationship field")
            << u"SELECT Id, Assigned_Agent__r.Platform_Agent_Id__c FROM Lead"_s
            << u"SELECT Id,Assigned_Agent__r.Platform_Agent_Id__c FROM Lead"_s;
        QTest::newRow("count") << u"SELECT COUNT() FROM Lead"_s << u"SELECT COUNT() FROM Lead"_s;
        QTest::newRow("string equality") << u"SELECT Id FROM Lead WHERE Email = 'a@b.co'"_s
                                         << u"SELECT Id FROM Lead WHERE (= Email 'a@b.co')"_s;
        QTest::newRow("not equal both spellings")
            << u"SELECT Id FROM Lead WHERE Email != 'x' AND Company <> 'y'"_s
            << u"SELECT Id FROM Lead WHERE (AND (!= Email 'x') (!= Company 'y'))"_s;
        QTest::newRow("numbers and comparisons")
            << u"SELECT Id FROM Lead WHERE Lead_Score__c >= 10 AND Lead_Score__c < 99.5 AND "
               u"Estimated_Value__c > -3"_s
            << u"SELECT Id FROM Lead WHERE (AND (>= Lead_Score__c 10) (< Lead_Score__c 99.5) "
               u"(> Estimated_Value__c -3))"_s;
        QTest::newRow("or chain") << u"SELECT Id FROM Lead WHERE a = 1 OR b = 2 OR c = 3"_s
                                  << u"SELECT Id FROM Lead WHERE (OR (= a 1) (= b 2) (= c 3))"_s;
        QTest::newRow("parentheses mix")
            << u"SELECT Id FROM Lead WHERE (a = 1 OR b = 2) AND NOT c = 3"_s
            << u"SELECT Id FROM Lead WHERE (AND (OR (= a 1) (= b 2)) (NOT (= c 3)))"_s;
        QTest::newRow("not parenthesised")
            << u"SELECT Id FROM Lead WHERE NOT (a = 1 AND b = 2)"_s
            << u"SELECT Id FROM Lead WHERE (NOT (AND (= a 1) (= b 2)))"_s;
        QTest::newRow("in and not in")
            << u"SELECT Id FROM Lead WHERE Status IN ('Open - Not Contacted', 'Working - "
               u"Contacted') AND LeadSource NOT IN ('Web')"_s
            << u"SELECT Id FROM Lead WHERE (AND (IN Status 'Open - Not Contacted','Working - "
               u"Contacted') (NOT IN LeadSource 'Web'))"_s;
        QTest::newRow("like") << u"SELECT Id FROM Lead WHERE Email LIKE '%@example.com'"_s
                              << u"SELECT Id FROM Lead WHERE (LIKE Email '%@example.com')"_s;
        QTest::newRow("null and booleans")
            << u"SELECT Id FROM Lead WHERE Email = null AND IsConverted = FALSE AND x != NULL "
               u"AND y = true"_s
            << u"SELECT Id FROM Lead WHERE (AND (= Email null) (= IsConverted false) (!= x null) "
               u"(= y true))"_s;
        QTest::newRow("datetime literal")
            << u"SELECT Id FROM Lead WHERE SystemModstamp > 2024-01-15T10:20:30Z"_s
            << u"SELECT Id FROM Lead WHERE (> SystemModstamp datetime:1705314030000)"_s;
        QTest::newRow("datetime with offset and millis")
            << u"SELECT Id FROM Lead WHERE SystemModstamp >= 2024-01-15T11:20:30.000+01:00"_s
            << u"SELECT Id FROM Lead WHERE (>= SystemModstamp datetime:1705314030000)"_s;
        QTest::newRow("date literal") << u"SELECT Id FROM Lead WHERE ConvertedDate = 1970-01-02"_s
                                      << u"SELECT Id FROM Lead WHERE (= ConvertedDate date:1)"_s;
        QTest::newRow("date functions")
            << u"SELECT Id FROM Lead WHERE CreatedDate = TODAY OR CreatedDate = LAST_N_DAYS:7"_s
            << u"SELECT Id FROM Lead WHERE (OR (= CreatedDate TODAY) (= CreatedDate "
               u"LAST_N_DAYS:7))"_s;
        QTest::newRow("includes") << u"SELECT Id FROM People__c WHERE States__c INCLUDES ('CA;NY', "
                                     u"'TX')"_s
                                  << u"SELECT Id FROM People__c WHERE (INCLUDES States__c "
                                     u"'CA;NY','TX')"_s;
        QTest::newRow("escapes") << u"SELECT Id FROM Lead WHERE LastName = 'O\\'Brien \\\\ x'"_s
                                 << u"SELECT Id FROM Lead WHERE (= LastName 'O'Brien \\ x')"_s;
        QTest::newRow("order by, limit, offset")
            << u"SELECT Id FROM Lead ORDER BY SystemModstamp ASC, Id DESC NULLS LAST LIMIT 200 "
               u"OFFSET 10"_s
            << u"SELECT Id FROM Lead ORDER BY SystemModstamp ASC,Id DESC NULLS LAST LIMIT 200 "
               u"OFFSET 10"_s;
        QTest::newRow("nulls first") << u"SELECT Id FROM Lead ORDER BY Email NULLS FIRST"_s
                                     << u"SELECT Id FROM Lead ORDER BY Email ASC NULLS FIRST"_s;
        QTest::newRow("multi-line") << u"SELECT Id\n  FROM Lead\n WHERE Email = 'x'\n LIMIT 1"_s
                                    << u"SELECT Id FROM Lead WHERE (= Email 'x') LIMIT 1"_s;
        QTest::newRow("incremental sync")
            << u"SELECT Id, Email, SystemModstamp FROM Lead WHERE SystemModstamp > "
               u"2024-01-15T10:20:30.000Z ORDER BY SystemModstamp, Id LIMIT 2000"_s
            << u"SELECT Id,Email,SystemModstamp FROM Lead WHERE (> SystemModstamp "
               u"datetime:1705314030000) ORDER BY SystemModstamp ASC,Id ASC LIMIT 2000"_s;
    }
    void parses()
    {
        QFETCH(QString, soql);
        QFETCH(QString, expected);
        const auto q = SoqlParser::parse(soql);
        QVERIFY2(q.ok(), q.ok() ? "" : qPrintable(q.error().message));
        QCOMPARE(dump(*q), expected);
    }

    void rejects_data()
    {
        QTest::addColumn<QString>("soql");
        QTest::addColumn<QString>("message"); // exact
        QTest::newRow("first token") << u"SELEKT Id FROM Lead"_s << u"unexpected token: SELEKT"_s;
        QTest::newRow("empty") << QString() << u"unexpected token: <EOF>"_s;
        QTest::newRow("no fields") << u"SELECT FROM Lead"_s
                                   << u"\nSELECT FROM Lead\n       ^\nERROR at Row:1:Column:8\n"
                                      u"unexpected token: FROM"_s;
        QTest::newRow("missing object")
            << u"SELECT Id FROM"_s
            << u"\nSELECT Id FROM\n              ^\nERROR at Row:1:Column:15\nunexpected token: "
               u"<EOF>"_s;
        QTest::newRow("and/or mixed")
            << u"SELECT Id FROM Lead WHERE a = 1 AND b = 2 OR c = 3"_s
            << u"\nSELECT Id FROM Lead WHERE a = 1 AND b = 2 OR c = 3\n"
               u"                                          ^\nERROR at Row:1:Column:43\n"
               u"unexpected token: OR"_s;
        QTest::newRow("or/and mixed")
            << u"SELECT Id FROM Lead WHERE a = 1 OR b = 2 AND c = 3"_s
            << u"\nSELECT Id FROM Lead WHERE a = 1 OR b = 2 AND c = 3\n"
               u"                                         ^\nERROR at Row:1:Column:42\n"
               u"unexpected token: AND"_s;
        QTest::newRow("trailing junk")
            << u"SELECT Id FROM Lead LIMIT 5 junk"_s
            << u"\nSELECT Id FROM Lead LIMIT 5 junk\n                            ^\n"
               u"ERROR at Row:1:Column:29\nunexpected token: junk"_s;
        QTest::newRow("limit not integer")
            << u"SELECT Id FROM Lead LIMIT 1.5"_s
            << u"\nSELECT Id FROM Lead LIMIT 1.5\n                          ^\n"
               u"ERROR at Row:1:Column:27\nunexpected token: 1.5"_s;
        QTest::newRow("missing value")
            << u"SELECT Id FROM Lead WHERE Email ="_s
            << u"\nSELECT Id FROM Lead WHERE Email =\n                                 ^\n"
               u"ERROR at Row:1:Column:34\nunexpected token: <EOF>"_s;
        QTest::newRow("unclosed paren")
            << u"SELECT Id FROM Lead WHERE (a = 1"_s
            << u"\nSELECT Id FROM Lead WHERE (a = 1\n                                ^\n"
               u"ERROR at Row:1:Column:33\nunexpected token: <EOF>"_s;
        QTest::newRow("like needs a string")
            << u"SELECT Id FROM Lead WHERE Email LIKE 5"_s
            << u"\nSELECT Id FROM Lead WHERE Email LIKE 5\n                                     ^\n"
               u"ERROR at Row:1:Column:38\nunexpected token: 5"_s;
        QTest::newRow("bad date")
            << u"SELECT Id FROM Lead WHERE CreatedDate > 2024-13-40T00:00:00Z"_s
            << u"\nSELECT Id FROM Lead WHERE CreatedDate > 2024-13-40T00:00:00Z\n"
               u"                                        ^\nERROR at Row:1:Column:41\n"
               u"unexpected token: 2024-13-40T00:00:00Z"_s;
        QTest::newRow("date literal without n")
            << u"SELECT Id FROM Lead WHERE CreatedDate = LAST_N_DAYS"_s
            << u"\nSELECT Id FROM Lead WHERE CreatedDate = LAST_N_DAYS\n"
               u"                                                   ^\n"
               u"ERROR at Row:1:Column:52\nunexpected token: <EOF>"_s;
        QTest::newRow("second line")
            << u"SELECT Id\nFROM Lead\nWHERE Email == 'x'"_s
            << u"\nWHERE Email == 'x'\n             ^\nERROR at Row:3:Column:14\n"
               u"unexpected token: ="_s;
        QTest::newRow("unterminated string")
            << u"SELECT Id FROM Lead WHERE Name = 'abc"_s
            << u"line 1:37 mismatched character '<EOF>' expecting '''"_s;
        QTest::newRow("bad character") << u"SELECT Id FROM Lead WHERE # = 1"_s
                                       << u"line 1:26 no viable alternative at character '#'"_s;
        QTest::newRow("bad escape")
            << u"SELECT Id FROM Lead WHERE Name = 'a\\qb'"_s
            << u"Invalid string literal 'a\\qb'. Illegal escape sequence."_s;
        QTest::newRow("subquery unsupported")
            << u"SELECT Id FROM Lead WHERE Id IN (SELECT Id FROM Lead)"_s
            << u"\nSELECT Id FROM Lead WHERE Id IN (SELECT Id FROM Lead)\n"
               u"                                 ^\nERROR at Row:1:Column:34\n"
               u"unexpected token: SELECT"_s;
    }
    void rejects()
    {
        QFETCH(QString, soql);
        QFETCH(QString, message);
        const auto q = SoqlParser::parse(soql);
        QVERIFY(!q.ok());
        QCOMPARE(q.error().code, u"MALFORMED_QUERY"_s);
        QCOMPARE(q.error().message, message);
    }
};

QTEST_GUILESS_MAIN(TestSoqlParser)
#include "TestSoqlParser.moc"
