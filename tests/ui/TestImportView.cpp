#include <QTest>
class TestImportView : public QObject
{
    Q_OBJECT
};
QTEST_MAIN(TestImportView)
#include "TestImportView.moc"
