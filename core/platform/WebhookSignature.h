#pragma once

#include "util/Result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

namespace lb::platform {

// The platform's webhook signature (contract v1): header
//   X-LeadPlatform-Signature: t=<epoch seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">
// QtCore only, so the fuzz target can build it alone.
class WebhookSignature
{
public:
    static constexpr const char *HeaderName = "X-LeadPlatform-Signature";
    static constexpr qint64 DefaultToleranceS = 300;
    static constexpr int MaxHeaderLength = 4096;
    static constexpr int MaxSignatures = 8; // v1 entries (secret rotation sends two)
    static constexpr int DigestLength = 32;

    struct Parsed
    {
        qint64 timestamp = 0; // epoch seconds
        QList<QByteArray> signatures; // decoded v1 digests, DigestLength bytes each
    };

    // Parses the header value: items separated by ',', optional blanks around them, keys
    // other than t and v1 ignored (future schemes). Malformed on: no t, several t, t not 1-12
    // digits, a v1 that is not 64 hex digits, no v1, an item without '=', over
    // MaxHeaderLength bytes or over MaxSignatures v1 entries. Error codes:
    // signature_missing (empty), signature_malformed.
    static Result<Parsed> parse(QByteArrayView header);

    // Checks a request: parse, |now - t| <= tolerance, then HMAC. Returns the timestamp, or
    // an error with code signature_missing | signature_malformed | signature_expired |
    // signature_future | signature_mismatch and a message that says which.
    static Result<qint64> verify(QByteArrayView header, QByteArrayView body, QByteArrayView secret,
                                 qint64 nowS, qint64 toleranceS = DefaultToleranceS);

    // The raw digest, and the full header value a sender puts on a request.
    static QByteArray digest(QByteArrayView secret, qint64 timestamp, QByteArrayView body);
    static QByteArray header(QByteArrayView secret, qint64 timestamp, QByteArrayView body);

    // Compares without an early exit, so the time taken does not reveal how many leading
    // bytes matched. Different lengths compare unequal (the length is not secret).
    static bool constantTimeEquals(QByteArrayView a, QByteArrayView b);
};

} // namespace lb::platform
