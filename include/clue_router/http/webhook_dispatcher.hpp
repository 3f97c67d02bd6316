#pragma once
// Delivers the webhook outbox (storage's webhook_deliveries) at least once.
//
// Every poll (and soon after each finished attempt) it asks storage for pending deliveries
// that are due, one per (endpoint, ticket) lane — the oldest — so the events of a ticket
// reach an endpoint in order. Storage returns a few lanes of every endpoint, taking each
// endpoint's first before any endpoint's second, so a backlog at one endpoint cannot push
// another's deliveries out of the batch. Lanes run independently and concurrently, with a
// cap per endpoint and overall, so a slow endpoint only ever occupies its own lanes. Each
// attempt is signed per Standard Webhooks with a fresh timestamp (and, during a secret
// rotation, with both secrets), and its outcome is committed before the lane moves on.
// Nothing is kept only in memory: after a restart the same rows are simply due again.
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "clue_router/domain/address_policy.hpp"
#include "clue_router/service/clock.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::http {

struct WebhookDispatcherOptions {
    std::chrono::milliseconds poll_interval{1000};
    std::chrono::milliseconds attempt_timeout{15'000};
    std::vector<std::chrono::seconds> retry_schedule;  // service::default_retry_schedule()
    std::size_t max_in_flight = 64;
    std::size_t max_in_flight_per_endpoint = 8;
    // PEM certificates trusted for https endpoints besides the system's (webhook_ca_file).
    std::string extra_ca_file;
    // Where deliveries may connect (webhook_allowed_networks); null: public addresses only.
    std::shared_ptr<const domain::AddressPolicy> address_policy;
};

class WebhookDispatcher : public std::enable_shared_from_this<WebhookDispatcher> {
  public:
    // Throws std::runtime_error when options.extra_ca_file cannot be read.
    WebhookDispatcher(boost::asio::io_context& ioc, storage::Store& store,
                      const service::Clock& clock, WebhookDispatcherOptions options);

    void start();
    // Stops polling; attempts in flight finish (each within its timeout) and are recorded.
    void stop();

  private:
    struct Lane {
        std::string endpoint_id;
        std::string ordering_key;
        bool operator<(const Lane& o) const {
            return std::tie(endpoint_id, ordering_key) < std::tie(o.endpoint_id, o.ordering_key);
        }
    };

    void schedule(std::chrono::milliseconds after);
    void poll();
    void attempt(const storage::WebhookDelivery& delivery,
                 const storage::WebhookEndpoint& endpoint);
    void record(const storage::WebhookDelivery& delivery, storage::DeliveryAttempt outcome);
    void release(const storage::WebhookDelivery& delivery);

    boost::asio::io_context& ioc_;
    boost::asio::strand<boost::asio::io_context::executor_type> strand_;
    boost::asio::steady_timer timer_;
    storage::Store& store_;
    const service::Clock& clock_;
    WebhookDispatcherOptions options_;
    std::shared_ptr<boost::asio::ssl::context> tls_;  // made once; shared by every attempt
    std::mt19937_64 random_;
    bool stopped_ = false;
    // Guarded by the strand.
    std::set<Lane> busy_lanes_;
    std::map<std::string, std::size_t> busy_per_endpoint_;
};

}  // namespace clue_router::http
