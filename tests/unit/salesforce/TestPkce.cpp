#include "auth/Pkce.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace lb::auth;

class TestPkce : public QObject
{
    Q_OBJECT

private slots:
    void rfc7636AppendixB()
    {
        QCOMPARE(Pkce::challengeFor(QStringLiteral("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")),
                 QStringLiteral("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
    }

    void verifierShape_data()
    {
        QTest::addColumn<int>("requested");
        QTest::addColumn<int>("length");
        QTest::newRow("default") << 64 << 64;
        QTest::newRow("minimum") << 43 << 43;
        QTest::newRow("maximum") << 128 << 128;
        QTest::newRow("too short is raised") << 10 << 43;
        QTest::newRow("too long is capped") << 500 << 128;
    }

    void verifierShape()
    {
        QFETCH(int, requested);
        QFETCH(int, length);
        const Pkce p = Pkce::generate(requested);
        QCOMPARE(p.verifier.size(), length);
        static const QRegularExpression unreserved(QStringLiteral("^[A-Za-z0-9._~-]+$"));
        QVERIFY(unreserved.match(p.verifier).hasMatch());
        QCOMPARE(p.challenge, Pkce::challengeFor(p.verifier));
        QCOMPARE(p.challenge.size(), 43); // 32 bytes, base64url, no padding
        QVERIFY(!p.challenge.contains(u'='));
    }

    void verifiersAndStatesDoNotRepeat()
    {
        QSet<QString> seen;
        for (int i = 0; i < 200; ++i) {
            seen.insert(Pkce::generate().verifier);
            seen.insert(Pkce::randomToken(24));
        }
        QCOMPARE(seen.size(), 400);
    }
};

QTEST_GUILESS_MAIN(TestPkce)
#include "TestPkce.moc"
