// libFuzzer target: a Streaming API answer body as the CometD change event source reads it
// (BayeuxMessage::parseAnswer, then ChangeEvent::fromDelivery for every delivery). What is
// accepted must satisfy what the source and the engine rely on; a violation aborts.
#include "salesforce/streaming/BayeuxMessage.h"
#include "salesforce/streaming/ChangeEvent.h"

#include <cstdint>
#include <cstdlib>

using lb::salesforce::streaming::BayeuxMessage;
using lb::salesforce::streaming::ChangeEvent;
using lb::salesforce::streaming::ChangeType;

namespace {

void require(bool condition)
{
    if (!condition)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto answer = BayeuxMessage::parseAnswer(body);
    if (!answer) {
        require(answer.error().code == QLatin1StringView("bayeux_malformed"));
        require(answer.error().message.size() < 512);
        return 0;
    }
    for (const BayeuxMessage &m : *answer) {
        require(!m.channel.isEmpty() || m.successful.has_value());
        require(m.errorStatus() >= 0 || m.error.startsWith(u'-'));
        if (m.advice) {
            require(!m.advice->timeoutMs || *m.advice->timeoutMs >= 0);
            require(!m.advice->intervalMs || *m.advice->intervalMs >= 0);
        }
        const auto event = ChangeEvent::fromDelivery(m);
        if (!event) {
            require(event.error().code == QLatin1StringView("change_event_malformed"));
            require(event.error().message.size() < 512);
            continue;
        }
        require(m.isDelivery());
        require(event->replayId >= 0);
        require(!event->entityName.isEmpty());
        require(!event->recordIds.isEmpty() || event->changeType == ChangeType::GapOverflow);
        require(lb::salesforce::streaming::changeTypeFromName(
                    lb::salesforce::streaming::changeTypeName(event->changeType))
                == event->changeType);
        require(!event->fields.contains(QLatin1StringView("ChangeEventHeader")));
        require(ChangeEvent::clientOf(event->changeOrigin) == event->originClient);
    }
    return 0;
}
