#pragma once

#include <QString>

namespace lb {

// What the leads view shows: every condition that is set must hold. `text` is searched in ids,
// names, company, email and phone (LeadSearchText.h), case-insensitively, anywhere.
struct LeadFilter
{
    QString text;
    QString status; // platform status: new, working, won, lost
    QString syncState; // synced, pending, error
    QString agentId;

    bool isEmpty() const
    {
        return text.isEmpty() && status.isEmpty() && syncState.isEmpty() && agentId.isEmpty();
    }
    friend bool operator==(const LeadFilter &, const LeadFilter &) = default;
};

} // namespace lb
