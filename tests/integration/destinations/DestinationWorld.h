#pragma once

#include "destination/DestinationReceiver.h"
#include "mapping/FieldMapping.h"
#include "net/HttpClient.h"
#include "store/Store.h"
#include "sync/DestinationHub.h"
#include "sync/InboundProcessor.h"
#include "sync/SyncPlanner.h"
#include "util/Clock.h"

#include <QNetworkAccessManager>
#include <QTemporaryDir>

#include <memory>

// What the destination tests share: a store, the intake with its fan-out, receivers on
// loopback, and the hub that delivers to them.
struct DestinationWorld
{
    lb::SystemClock clock;
    QTemporaryDir dir;
    std::unique_ptr<lb::Store> store;
    std::unique_ptr<lb::SyncPlanner> leads;
    std::unique_ptr<lb::SyncPlanner> agents;
    QNetworkAccessManager nam;
    std::unique_ptr<lb::HttpClient> http;
    lb::DestinationFanout fanout;
    std::unique_ptr<lb::DestinationHub> hub;
    std::vector<std::unique_ptr<lb::sandbox::DestinationReceiver>> receivers;

    // Opens the store and the planner; false with a reason in `why`.
    bool open(QString &why);
    // A receiver on loopback and a destination pointing at it, signed with `secret`.
    lb::sandbox::DestinationReceiver *addDestination(const QString &name, const QStringList &events,
                                                     const QString &when, const QByteArray &secret,
                                                     QString &why);
    // Builds the hub from the destinations added so far and starts it.
    void startHub(const lb::DestinationHub::Options &options);

    // Stores one platform event for the intake.
    bool storeEvent(const QJsonObject &lead, const QString &eventId);
    // Runs the intake over every stored event; returns the events taken in, -1 on error.
    int takeIn(QString &why);

    static QJsonObject lead(int i, int version, const QString &status, int score);

private:
    QList<QByteArray> m_secrets; // by destination, in the order they were added
};
