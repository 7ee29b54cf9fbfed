#pragma once

#include "SfWire.h"

namespace lb::test {

// Bulk API 2.0 calls over SfWire for the sandbox tests: create, upload, close and poll a job.
class SfBulk
{
public:
    SfBulk(SfWire &wire, sandbox::SalesforceSandbox &sandbox)
        : m_wire(wire)
        , m_sandbox(sandbox)
    { }

    // kind: "ingest" or "query"
    WireReply create(const QString &kind, const QJsonObject &body);
    WireReply upload(const QString &jobId, const QByteArray &csv);
    WireReply setState(const QString &kind, const QString &jobId, const QString &state);
    WireReply info(const QString &kind, const QString &jobId);
    // Polls until the job is JobComplete, Failed or Aborted (at most 20 s); its last info.
    QJsonObject waitDone(const QString &kind, const QString &jobId);
    WireReply get(const QString &path);

    // create + upload + close + waitDone: the final job info.
    QJsonObject ingest(const QJsonObject &job, const QByteArray &csv);

private:
    SfWire &m_wire;
    sandbox::SalesforceSandbox &m_sandbox;
};

} // namespace lb::test
