#include <QTest>
class TestMappingView : public QObject
{
    Q_OBJECT
};
QTEST_MAIN(TestMappingView)
#include "TestMappingView.moc"
