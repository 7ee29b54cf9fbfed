#include "EngineSetup.h"

namespace lb {

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
