// libFuzzer target: the webhook body parser (JSON envelope + lead validation), fed the raw
// body exactly as the receiver gets it. An accepted event must satisfy what the store and the
// engine rely on; a violation aborts, which libFuzzer reports.
#include "platform/PlatformTime.h"
#include "platform/WebhookEvent.h"

#include <cstdint>
#include <cstdlib>

using lb::platform::PlatformLead;
using lb::platform::WebhookEvent;

namespace {

void require(bool condition)
{
    if (!condition)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView body(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto event = WebhookEvent::parse(body);
    if (!event) {
        const int status = event.error().httpStatus;
        require(status == 400 || status == 422);
        require(!event.error().code.isEmpty() && !event.error().message.isEmpty());
        require(event.error().message.size() < 4096); // hostile input is not echoed at length
        return 0;
    }
    require(WebhookEvent::isValidEventId(event->eventId));
    require(WebhookEvent::knownTypes().contains(event->type));
    require(lb::platform::isValidRecordId(event->lead.id));
    require(event->lead.version >= 1);
    require(event->lead.score >= 0 && event->lead.score <= 100);

    // What we accepted survives our own writing and reading unchanged.
    const auto again = PlatformLead::fromJson(event->lead.toJson());
    require(again.ok() && *again == event->lead);
    require(lb::platform::parsePlatformTimestamp(
                lb::platform::formatPlatformTimestamp(event->occurredAt))
            == event->occurredAt);
    return 0;
}
