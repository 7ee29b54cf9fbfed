#include <QTest>
class TestQueueView : public QObject
{
    Q_OBJECT
};
QTEST_MAIN(TestQueueView)
#include "TestQueueView.moc"
