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
        salesforceHttp = other.salesforceHttp;
        platformHttp = other.platformHttp;
        destinationsHttp = other.destinationsHttp;
        destinationSecrets = std::move(other.destinationSecrets);
        owned = std::move(other.owned);
        other.changeSource = nullptr;
        other.salesforceHttp = nullptr;
        other.platformHttp = nullptr;
        other.destinationsHttp = nullptr;
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
    salesforceHttp = nullptr;
    platformHttp = nullptr;
    destinationsHttp = nullptr;
    destinationSecrets.clear();
    while (!owned.empty())
        owned.pop_back();
}

} // namespace lb
