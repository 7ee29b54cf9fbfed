#include <QTest>
class TestReportsView : public QObject
{
    Q_OBJECT
};
QTEST_MAIN(TestReportsView)
#include "TestReportsView.moc"
