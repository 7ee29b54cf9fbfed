#include "EngineSetup.h"

#include <QCoreApplication>
#include <QSysInfo>
#include <QUuid>

namespace lb {

QString newWorkerId()
{
    return QSysInfo::machineHostName() + u':' + QString::number(QCoreApplication::applicationPid())
        + u':' + QUuid::createUuid().toString(QUuid::WithoutBraces).left(8);
}

PortSet &PortSet::operator=(PortSet &&other)
{
    if (this != &other) {
        clear();
        salesforce = std::move(other.salesforce);
        platform = std::move(other.platform);
        changeSource = other.changeSource;
        owned = std::move(other.owned);
        other.changeSource = nullptr;
    }
    return *this;
}

PortSet::~PortSet()
{
    clear();
}

void PortSet::clear()
{
    salesforce.reset();
    platform.reset();
    changeSource = nullptr;
    while (!owned.empty())
        owned.pop_back();
}

} // namespace lb
