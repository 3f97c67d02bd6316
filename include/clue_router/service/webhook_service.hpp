#pragma once
// Use cases around webhooks: an agency's outbound endpoints (URL, event types, a whsec_
// secret shown once, rotation with an overlap), the delivery log and manual retry, the
// agency's inbound secret, and inbound webhooks — a signed transition sent by an agency's
// own case system to POST /v1/hooks/{agency_id}.
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "clue_router/domain/address_policy.hpp"
#include "clue_router/service/actor.hpp"
#include "clue_router/service/clock.hpp"
#include "clue_router/service/clue_service.hpp"
#include "clue_router/service/runtime_config.hpp"
#include "clue_router/service/service_error.hpp"
#include "clue_router/service/webhook_signature.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::service {

// A reply as the HTTP layer will send it, kept whole for a repeated inbound webhook-id.
struct InboundReply {
    int status = 200;
    std::string body;  // JSON or problem+json
    bool replayed = false;
};

// An inbound webhook whose signature verified under its agency's secret. Only
// WebhookService::verify_inbound makes one, so nothing reaches receive() unverified, and the
// body is parsed (by the caller) only once it is known to come from the agency.
class VerifiedInbound {
  public:
    const std::string& agency_id() const { return agency_id_; }
    const std::string& webhook_id() const { return webhook_id_; }
    // SHA-256 (hex) of the body bytes that were verified: what names the request.
    const std::string& request_hash() const { return request_hash_; }
    // Which secret verified it ("ins_…"), and the agency whose admin set that secret when it
    // is not this agency (issue 14 item 3): both are named in the ticket's history.
    const std::string& secret_id() const { return secret_id_; }
    const std::string& issued_by_agency() const { return issued_by_agency_; }

  private:
    friend class WebhookService;
    VerifiedInbound(std::string agency_id, std::string webhook_id, std::string request_hash,
                    std::string secret_id, std::string issued_by_agency)
        : agency_id_(std::move(agency_id)),
          webhook_id_(std::move(webhook_id)),
          request_hash_(std::move(request_hash)),
          secret_id_(std::move(secret_id)),
          issued_by_agency_(std::move(issued_by_agency)) {}
    std::string agency_id_;
    std::string webhook_id_;
    std::string request_hash_;
    std::string secret_id_;
    std::string issued_by_agency_;
};

class WebhookService {
  public:
    // Turns a service error into the reply body HTTP would send (problem+json), so that the
    // answer to an inbound webhook can be stored and repeated byte for byte.
    using ErrorRenderer = std::function<std::pair<int, std::string>(const ServiceError&)>;

    // policy: where endpoint URLs may point (webhook_allowed_networks); a URL whose host is
    // an address the policy refuses, or "localhost", is refused at registration.
    WebhookService(storage::Store& store, const RuntimeConfigHolder& config, const Clock& clock,
                   domain::AddressPolicy policy = {});

    // {url, event_types?, agency_id? (admin only)} → the endpoint with its secret, shown once.
    void create_endpoint(const Actor& actor, const nlohmann::json& body,
                         Completion<nlohmann::json> done);
    Result<Page> list_endpoints(const Actor& actor);
    Result<nlohmann::json> get_endpoint(const Actor& actor, const std::string& id);
    // {url?, event_types?, enabled?}
    void update_endpoint(const Actor& actor, const std::string& id, const nlohmann::json& body,
                         Completion<nlohmann::json> done);
    // {overlap_hours?: 0-168, default 24}: a new secret; the old one still signs meanwhile.
    void rotate_endpoint_secret(const Actor& actor, const std::string& id,
                                const nlohmann::json& body, Completion<nlohmann::json> done);
    void delete_endpoint(const Actor& actor, const std::string& id, Completion<bool> done);

    Result<Page> list_deliveries(const Actor& actor, std::optional<storage::DeliveryStatus> status,
                                 std::optional<std::string> cursor, int limit);
    void retry_delivery(const Actor& actor, const std::string& id, Completion<nlohmann::json> done);

    // A new inbound secret for an agency (its own staff, or an admin of its region); shown once.
    // The previous one keeps verifying for overlap_hours.
    void rotate_inbound_secret(const Actor& actor, const std::string& agency_id,
                               const nlohmann::json& body, Completion<nlohmann::json> done);
    // What an agency's inbound secret is (id, when and by whom it was set, whether by another
    // agency's admin), never the secret: GET /v1/hooks/{agency_id}/secret.
    Result<nlohmann::json> inbound_secret(const Actor& actor, const std::string& agency_id);

    // POST /v1/hooks/{agency_id}, first step: the signature over the raw body, before a byte
    // of it is parsed. Every refusal is the same 401 (signature_invalid) whether or not the
    // agency exists or has a secret, with the same work done: an agency without one is
    // checked against a random key no sender can have.
    Result<VerifiedInbound> verify_inbound(const std::string& agency_id,
                                           const WebhookHeaders& headers, std::string_view body);

    // Second step: runs the transition in `body` exactly as the API would for that agency; a
    // webhook-id seen before gets the stored reply and changes nothing.
    void receive(const VerifiedInbound& inbound, const nlohmann::json& body,
                 const ErrorRenderer& render, Completion<InboundReply> done);

  private:
    storage::Store& store_;
    const RuntimeConfigHolder& config_;
    const Clock& clock_;
    domain::AddressPolicy policy_;
    std::string unknown_agency_key_;  // random, made at start; verifies nothing
};

nlohmann::json endpoint_view(const storage::WebhookEndpoint& e);
nlohmann::json delivery_view(const storage::WebhookDelivery& d);

}  // namespace clue_router::service
