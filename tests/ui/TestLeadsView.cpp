#include <QTest>
class TestLeadsView : public QObject
{
    Q_OBJECT
};
QTEST_MAIN(TestLeadsView)
#include "TestLeadsView.moc"
