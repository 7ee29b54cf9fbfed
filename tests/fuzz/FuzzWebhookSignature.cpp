// libFuzzer target: the X-LeadPlatform-Signature header parser and verifier.
// Input: "<header>\n<body>". Beyond "no crash, leak or undefined behaviour" it checks the
// properties the receiver relies on; a violated one aborts, which libFuzzer reports.
#include "platform/WebhookSignature.h"

#include <cstdint>
#include <cstdlib>

using lb::platform::WebhookSignature;

namespace {

void require(bool condition)
{
    if (!condition)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    const qsizetype newline = input.indexOf('\n');
    const QByteArrayView header = newline < 0 ? input : input.first(newline);
    const QByteArrayView body = newline < 0 ? QByteArrayView() : input.sliced(newline + 1);
    static const QByteArray secret = "whsec_fuzz";

    const auto parsed = WebhookSignature::parse(header);
    if (parsed) {
        require(!parsed->signatures.isEmpty());
        require(parsed->signatures.size() <= WebhookSignature::MaxSignatures);
        for (const QByteArray &s : parsed->signatures)
            require(s.size() == WebhookSignature::DigestLength);
        require(parsed->timestamp >= 0 && parsed->timestamp <= Q_INT64_C(999'999'999'999));
    } else {
        require(parsed.error().code == QLatin1String("signature_missing")
                || parsed.error().code == QLatin1String("signature_malformed"));
    }

    // Whatever the header says, it verifies only if it carries the right digest.
    const qint64 now = parsed ? parsed->timestamp : 1'767'225'600;
    const auto verified = WebhookSignature::verify(header, body, secret, now);
    if (verified) {
        const QByteArray expected = WebhookSignature::digest(secret, now, body);
        require(parsed && parsed->signatures.contains(expected));
    }

    // A header we make for this body always verifies, and never for another secret.
    const QByteArray made = WebhookSignature::header(secret, now, body);
    require(WebhookSignature::verify(made, body, secret, now).ok());
    require(!WebhookSignature::verify(made, body, "whsec_other", now).ok());
    return 0;
}
