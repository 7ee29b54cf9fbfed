#include <QTest>
class TestLimitsView : public QObject
{
    Q_OBJECT
};
QTEST_MAIN(TestLimitsView)
#include "TestLimitsView.moc"
