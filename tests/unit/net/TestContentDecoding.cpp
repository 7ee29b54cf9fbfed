// HttpClient's own gzip/deflate decoding: whole streams decode, a stream without its end
// marker or a corrupt one is an error (Qt 6.4 passed a cut gzip body on as complete), and the
// decoded size is bounded (compression bombs).
#include "net/ContentDecoding.h"

#include <QTest>

#include <zlib.h>

using namespace lb;

namespace {

QByteArray compress(const QByteArray &data, int windowBits)
{
    z_stream s {};
    deflateInit2(&s, 6, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
    QByteArray out(int(deflateBound(&s, uLong(data.size())) + 64), '\0');
    s.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    s.avail_in = uInt(data.size());
    s.next_out = reinterpret_cast<Bytef *>(out.data());
    s.avail_out = uInt(out.size());
    deflate(&s, Z_FINISH);
    out.resize(qsizetype(s.total_out));
    deflateEnd(&s);
    return out;
}

QByteArray sample()
{
    QByteArray csv = "Id,Name\n";
    for (int i = 0; i < 5000; ++i)
        csv += "00Q" + QByteArray::number(i).rightJustified(15, '0') + ",Lead "
            + QByteArray::number(i) + "\n";
    return csv;
}

} // namespace

class TestContentDecoding : public QObject
{
    Q_OBJECT

private slots:
    void decodes_data()
    {
        QTest::addColumn<QByteArray>("encoding");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<qint64>("limit");
        QTest::addColumn<QString>("code"); // empty: decodes to sample()
        const QByteArray text = sample();
        const QByteArray gz = compress(text, 15 + 16);
        const qint64 big = 1 << 30;
        QTest::newRow("gzip") << QByteArray("gzip") << gz << big << QString();
        QTest::newRow("x-gzip, upper case") << QByteArray(" X-GZIP ") << gz << big << QString();
        QTest::newRow("deflate (zlib)")
            << QByteArray("deflate") << compress(text, 15) << big << QString();
        QTest::newRow("deflate (raw)")
            << QByteArray("deflate") << compress(text, -15) << big << QString();
        QTest::newRow("identity passes") << QByteArray("identity") << text << big << QString();
        QTest::newRow("no encoding passes") << QByteArray() << text << big << QString();
        QTest::newRow("gzip cut in half") << QByteArray("gzip") << gz.left(gz.size() / 2) << big
                                          << QStringLiteral("undecodable_response");
        QTest::newRow("gzip without its trailer")
            << QByteArray("gzip") << gz.chopped(4) << big << QStringLiteral("undecodable_response");
        QTest::newRow("labelled gzip, plain body")
            << QByteArray("gzip") << text << big << QStringLiteral("undecodable_response");
        QTest::newRow("decodes past the limit")
            << QByteArray("gzip") << gz << qint64(text.size() - 1)
            << QStringLiteral("response_too_large");
        QTest::newRow("decodes exactly to the limit")
            << QByteArray("gzip") << gz << qint64(text.size()) << QString();
    }

    void decodes()
    {
        QFETCH(QByteArray, encoding);
        QFETCH(QByteArray, body);
        QFETCH(qint64, limit);
        QFETCH(QString, code);
        const Result<QByteArray> r = decodeContent(encoding, body, limit);
        if (code.isEmpty()) {
            QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
            QCOMPARE(*r, sample());
        } else {
            QVERIFY(!r.ok());
            QCOMPARE(r.error().code, code);
            QVERIFY(!r.error().message.isEmpty());
        }
    }
};

QTEST_GUILESS_MAIN(TestContentDecoding)
#include "TestContentDecoding.moc"
