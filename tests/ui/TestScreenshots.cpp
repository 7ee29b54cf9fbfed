#include <QTest>
class TestScreenshots : public QObject
{
    Q_OBJECT
};
QTEST_MAIN(TestScreenshots)
#include "TestScreenshots.moc"
