#include "clue_router/http/webhook_dispatcher.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include "clue_router/domain/http_url.hpp"
#include "clue_router/http/webhook_client.hpp"
#include "clue_router/service/webhook_retry.hpp"
#include "clue_router/service/webhook_signature.hpp"

namespace clue_router::http {

namespace net = boost::asio;

namespace {

// Rows looked at per poll, all endpoints together.
constexpr int kMaxDuePerPoll = 500;

}  // namespace

WebhookDispatcher::WebhookDispatcher(net::io_context& ioc, storage::Store& store,
                                     const service::Clock& clock, WebhookDispatcherOptions options)
    : ioc_(ioc),
      strand_(net::make_strand(ioc)),
      timer_(strand_),
      store_(store),
      clock_(clock),
      options_(std::move(options)),
      tls_(make_webhook_tls_context(options_.extra_ca_file)),
      random_(std::random_device{}()) {
    if (options_.retry_schedule.empty())
        options_.retry_schedule = service::default_retry_schedule();
    if (!options_.address_policy) {
        options_.address_policy = std::make_shared<const domain::AddressPolicy>();
    }
}

void WebhookDispatcher::start() {
    net::post(strand_, [self = shared_from_this()] { self->poll(); });
}

void WebhookDispatcher::stop() {
    net::post(strand_, [self = shared_from_this()] {
        self->stopped_ = true;
        self->timer_.cancel();
    });
}

void WebhookDispatcher::schedule(std::chrono::milliseconds after) {
    if (stopped_) return;
    timer_.expires_after(after);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        if (ec) return;
        self->poll();
    });
}

void WebhookDispatcher::poll() {
    if (stopped_) return;
    std::vector<storage::WebhookDelivery> due;
    std::map<std::string, std::optional<storage::WebhookEndpoint>> endpoints;
    try {
        auto reader = store_.reader();
        // Twice the cap per endpoint: lanes in flight are still pending and come back too.
        const auto per_endpoint = static_cast<int>(2 * options_.max_in_flight_per_endpoint);
        due = reader->due_deliveries(clock_.now(), per_endpoint, kMaxDuePerPoll);
        for (const auto& d : due) {
            if (!endpoints.contains(d.endpoint_id)) {
                endpoints[d.endpoint_id] = reader->find_webhook_endpoint(d.endpoint_id);
            }
        }
    } catch (const std::exception& e) {
        spdlog::warn("webhook poll failed: {}", e.what());
        return schedule(options_.poll_interval);
    }
    std::size_t in_flight = busy_lanes_.size();
    for (const auto& d : due) {
        if (in_flight >= options_.max_in_flight) break;
        const Lane lane{d.endpoint_id, d.ordering_key};
        if (busy_lanes_.contains(lane)) continue;
        auto& per_endpoint = busy_per_endpoint_[d.endpoint_id];
        if (per_endpoint >= options_.max_in_flight_per_endpoint) continue;
        const auto& endpoint = endpoints[d.endpoint_id];
        if (!endpoint || !endpoint->enabled) continue;
        busy_lanes_.insert(lane);
        ++per_endpoint;
        ++in_flight;
        attempt(d, *endpoint);
    }
    schedule(options_.poll_interval);
}

void WebhookDispatcher::attempt(const storage::WebhookDelivery& delivery,
                                const storage::WebhookEndpoint& endpoint) {
    const auto now = clock_.now();
    std::string why;
    const auto url = domain::parse_http_url(endpoint.url, why);
    if (!url) {
        storage::DeliveryAttempt outcome;
        outcome.delivery_id = delivery.id;
        outcome.at = now;
        outcome.error = "the endpoint URL is not usable: " + why;
        return record(delivery, std::move(outcome));
    }
    // The secrets sign the message id, this attempt's timestamp and the body.
    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    std::string signature;
    auto sign_with = [&](const std::string& secret) {
        if (auto key = service::webhook_secret_key(secret)) {
            if (!signature.empty()) signature += ' ';
            signature += service::webhook_signature(*key, delivery.id, seconds, delivery.payload);
        }
    };
    sign_with(endpoint.secret);
    if (endpoint.previous_secret && endpoint.previous_secret_until &&
        *endpoint.previous_secret_until > now) {
        sign_with(*endpoint.previous_secret);
    }
    OutboundRequest request{*url,
                            {{"webhook-id", delivery.id},
                             {"webhook-timestamp", std::to_string(seconds)},
                             {"webhook-signature", signature}},
                            delivery.payload};
    send_webhook(ioc_, tls_, options_.address_policy, std::move(request), options_.attempt_timeout,
                 [self = shared_from_this(), delivery](OutboundResult result) {
                     const auto at = self->clock_.now();
                     storage::DeliveryAttempt outcome;
                     outcome.delivery_id = delivery.id;
                     outcome.at = at;
                     outcome.status_code = result.status;
                     std::optional<std::chrono::seconds> retry_after;
                     if (result.status && *result.status >= 200 && *result.status < 300) {
                         outcome.delivered = true;
                     } else if (result.status) {
                         outcome.error = "HTTP " + std::to_string(*result.status);
                         outcome.endpoint_gone = *result.status == 410;
                         retry_after = service::parse_retry_after(result.retry_after, at);
                     } else {
                         outcome.error = result.error;
                     }
                     net::post(self->strand_, [self, delivery, outcome, retry_after]() mutable {
                         if (!outcome.delivered) {
                             std::uniform_real_distribution<double> jitter(0.0, 1.0);
                             const auto delay = service::retry_delay(
                                 self->options_.retry_schedule, delivery.attempts + 1, retry_after,
                                 jitter(self->random_));
                             if (delay) outcome.retry_at = outcome.at + *delay;
                         }
                         self->record(delivery, std::move(outcome));
                     });
                 });
}

void WebhookDispatcher::record(const storage::WebhookDelivery& delivery,
                               storage::DeliveryAttempt outcome) {
    if (outcome.delivered) {
        spdlog::info("webhook delivered id={} endpoint={} type={}", delivery.id,
                     delivery.endpoint_id, delivery.event_type);
    } else {
        spdlog::info("webhook attempt failed id={} endpoint={} type={} attempt={} error=\"{}\" {}",
                     delivery.id, delivery.endpoint_id, delivery.event_type, delivery.attempts + 1,
                     outcome.error.value_or("?"),
                     outcome.retry_at ? "retry_at=" + domain::format_rfc3339(*outcome.retry_at)
                                      : std::string("dead_lettered=true"));
    }
    store_.write([outcome](storage::WriteTransaction& tx) { tx.record_delivery_attempt(outcome); },
                 [self = shared_from_this(), delivery](std::exception_ptr failure) {
                     // A warning: when the database cannot be written, the one error line
                     // is the write-health monitor's, not one per attempt.
                     if (failure)
                         spdlog::warn("webhook attempt of {} could not be recorded", delivery.id);
                     // Back on the strand: free the lane and look for more at once, so a lane with
                     // a backlog drains without waiting for the next poll.
                     net::post(self->strand_, [self, delivery] {
                         self->release(delivery);
                         if (!self->stopped_) self->poll();
                     });
                 });
}

void WebhookDispatcher::release(const storage::WebhookDelivery& delivery) {
    busy_lanes_.erase(Lane{delivery.endpoint_id, delivery.ordering_key});
    auto it = busy_per_endpoint_.find(delivery.endpoint_id);
    if (it != busy_per_endpoint_.end() && --it->second == 0) busy_per_endpoint_.erase(it);
}

}  // namespace clue_router::http
