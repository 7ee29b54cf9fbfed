#include "platform/PlatformCursor.h"
#include "platform/UpdatedAtIndex.h"

#include <QTest>

using namespace lb::sandbox;

class TestPlatformPaging : public QObject
{
    Q_OBJECT

    // Pages through everything from `since` with `limit`, returning the ids in order.
    static QStringList pageAll(const UpdatedAtIndex &index, qint64 since, int limit, int &pages)
    {
        QStringList ids;
        std::optional<UpdatedAtIndex::Key> after;
        pages = 0;
        for (;;) {
            const auto page = index.page(after, since, limit);
            ++pages;
            ids += page.ids;
            if (!page.last)
                return ids;
            // Through the opaque cursor, as a client would.
            const auto cursor = PlatformCursor::decode(
                PlatformCursor {page.last->first, page.last->second}.encode());
            if (!cursor)
                return {};
            after = UpdatedAtIndex::Key(cursor->updatedAt, cursor->id);
        }
    }

private slots:
    void cursorRoundTrip_data()
    {
        QTest::addColumn<qint64>("updatedAt");
        QTest::addColumn<QString>("id");
        QTest::newRow("plain") << Q_INT64_C(1767225600123) << "L-000001";
        QTest::newRow("zero") << Q_INT64_C(0) << "x";
        QTest::newRow("bar in id") << Q_INT64_C(5) << "a|b";
        QTest::newRow("non-ASCII id") << Q_INT64_C(5) << "Lé";
    }

    void cursorRoundTrip()
    {
        QFETCH(qint64, updatedAt);
        QFETCH(QString, id);
        const QString text = PlatformCursor {updatedAt, id}.encode();
        for (const QChar c : text)
            QVERIFY(c.isLetterOrNumber() || c == u'-' || c == u'_'); // URL-safe, no padding
        const auto back = PlatformCursor::decode(text);
        QVERIFY(back.has_value());
        QCOMPARE(back->updatedAt, updatedAt);
        QCOMPARE(back->id, id);
    }

    void cursorRejectsGarbage_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << "";
        QTest::newRow("not base64") << "!!!";
        QTest::newRow("no bar") << QString::fromLatin1(QByteArray("12345").toBase64());
        QTest::newRow("no id") << QString::fromLatin1(QByteArray("12345|").toBase64());
        QTest::newRow("no time") << QString::fromLatin1(QByteArray("|L-1").toBase64());
        QTest::newRow("negative time") << QString::fromLatin1(QByteArray("-5|L-1").toBase64());
        QTest::newRow("time not a number") << QString::fromLatin1(QByteArray("x|L-1").toBase64());
        QTest::newRow("huge") << QString(600, u'A');
    }

    void cursorRejectsGarbage()
    {
        QFETCH(QString, text);
        QVERIFY(!PlatformCursor::decode(text).has_value());
    }

    void pagingWithTiesAcrossPages_data()
    {
        QTest::addColumn<int>("limit");
        for (int limit : {1, 2, 3, 4, 7, 10, 11, 100})
            QTest::newRow(qPrintable(QStringLiteral("limit %1").arg(limit))) << limit;
    }

    void pagingWithTiesAcrossPages()
    {
        QFETCH(int, limit);
        // Ten records, seven of them sharing one updated_at: pages must split the tie
        // without losing or repeating anything.
        UpdatedAtIndex index;
        const QStringList ids {QStringLiteral("L-9"), QStringLiteral("L-1"), QStringLiteral("L-5"),
                               QStringLiteral("L-3"), QStringLiteral("L-7"), QStringLiteral("L-2"),
                               QStringLiteral("L-8"), QStringLiteral("L-4"), QStringLiteral("L-6"),
                               QStringLiteral("L-0")};
        for (int i = 0; i < ids.size(); ++i)
            index.insert(i < 7 ? 1000 : 1000 + i, ids.at(i));
        int pages = 0;
        const QStringList all = pageAll(index, 0, limit, pages);
        const QStringList expected {QStringLiteral("L-1"), QStringLiteral("L-2"),
                                    QStringLiteral("L-3"), QStringLiteral("L-5"),
                                    QStringLiteral("L-7"), QStringLiteral("L-8"),
                                    QStringLiteral("L-9"), QStringLiteral("L-4"),
                                    QStringLiteral("L-6"), QStringLiteral("L-0")};
        QCOMPARE(all, expected);
        QCOMPARE(pages, (10 + limit - 1) / limit);
    }

    void updatedSinceFilters()
    {
        UpdatedAtIndex index;
        for (int i = 0; i < 10; ++i)
            index.insert(100 + i * 10, QStringLiteral("L-%1").arg(i));
        int pages = 0;
        QCOMPARE(pageAll(index, 150, 2, pages),
                 QStringList({QStringLiteral("L-5"), QStringLiteral("L-6"), QStringLiteral("L-7"),
                              QStringLiteral("L-8"), QStringLiteral("L-9")}));
        QCOMPARE(pageAll(index, 1000, 2, pages), QStringList());
        // A cursor before `since` does not bring older records back.
        const auto page = index.page(UpdatedAtIndex::Key(100, QStringLiteral("L-0")), 180, 10);
        QCOMPARE(page.ids, QStringList({QStringLiteral("L-8"), QStringLiteral("L-9")}));
        QVERIFY(!page.last.has_value());
    }

    void movedRecordsAreFoundAgain()
    {
        UpdatedAtIndex index;
        index.insert(1, QStringLiteral("a"));
        index.insert(2, QStringLiteral("b"));
        const auto first = index.page(std::nullopt, 0, 1);
        QCOMPARE(first.ids, QStringList {QStringLiteral("a")});
        // "a" changes while the client pages: it moves behind "b".
        index.erase(1, QStringLiteral("a"));
        index.insert(3, QStringLiteral("a"));
        const auto second = index.page(first.last, 0, 10);
        QCOMPARE(second.ids, QStringList({QStringLiteral("b"), QStringLiteral("a")}));
    }
};

QTEST_GUILESS_MAIN(TestPlatformPaging)
#include "TestPlatformPaging.moc"
