#pragma once

#include "PlatformTypes.h"
#include "util/Result.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace lb::platform {

// What the LeadPlatformClient hands back, one small value per kind of answer.

// One item of a listing that could not be read (not an object, or a lead or tombstone outside
// the contract): the item as it came, compact JSON, and why it was refused. One such item is
// that item's problem; the rest of its page is read as usual (PLATFORM_API.md, "Leads").
struct RejectedItem
{
    QByteArray raw;
    Error error;
};

// One page of the lead listing. Tombstones (leads deleted on the platform) are listed in the
// same (updated_at, id) order as the leads; they are kept apart so nothing reads a deleted
// lead as a lead with empty fields. An id appears at most once per page.
struct LeadPage
{
    QList<PlatformLead> leads;
    QList<PlatformTombstone> tombstones;
    QList<RejectedItem> rejected; // in page order
    QString nextCursor; // empty when this was the last page
    bool hasMore() const { return !nextCursor.isEmpty(); }
};

struct AgentPage
{
    QList<PlatformAgent> agents;
    QString nextCursor;
    bool hasMore() const { return !nextCursor.isEmpty(); }
};

struct LeadWrite
{
    PlatformLead lead; // as stored by the platform
    bool created = false; // 201 rather than 200
};

struct AgentWrite
{
    PlatformAgent agent;
    bool created = false;
};

// One item of a batch upsert: the lead and, optionally, the version it must still have.
struct LeadUpsert
{
    PlatformLead lead;
    std::optional<qint64> ifMatch;
};

// The platform's verdict on one batch item (207 Multi-Status), in request order.
struct BatchItemResult
{
    QString id;
    int status = 0; // 200 | 201 | 400 | 409 | 412
    QString errorCode;
    QString errorMessage;
    QString errorField;
    qint64 version = 0; // the stored version, when the platform reports it
    std::optional<PlatformLead> current; // on 412, when the platform sends the current record
    std::optional<PlatformTombstone> tombstone; // on 409 "deleted": the lead is a tombstone

    bool ok() const { return status == 200 || status == 201; }
    bool created() const { return status == 201; }
    // 400/409/412 are answers about this item's data; nothing transient.
    bool isConflict() const { return status == 412; }
    // The lead is deleted on the platform; only a restore (PUT ?restore=true) writes it.
    bool isDeleted() const { return status == 409 && errorCode == QLatin1String("deleted"); }
};

} // namespace lb::platform
