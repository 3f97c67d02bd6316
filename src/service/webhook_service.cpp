#include "clue_router/service/webhook_service.hpp"

#include <memory>

#include "clue_router/domain/http_url.hpp"
#include "clue_router/domain/text_checks.hpp"
#include "clue_router/domain/vocabulary.hpp"
#include "clue_router/domain/webhook_event.hpp"
#include "clue_router/service/admin_scope.hpp"
#include "clue_router/service/audit_trail.hpp"
#include "clue_router/service/crypto.hpp"
#include "clue_router/service/ticket_transition.hpp"
#include "clue_router/service/unit_of_work.hpp"

namespace clue_router::service {

namespace {

using nlohmann::json;

ServiceError unavailable() {
    return error(ErrorKind::unavailable, "the database is unavailable");
}

bool may_manage(const Actor& actor) {
    return actor.role == Role::staff || actor.role == Role::admin;
}

ServiceError may_not_manage() {
    return error(ErrorKind::forbidden, "only staff or admin keys manage webhooks");
}

// An agency's own staff and admins manage its webhooks; an admin also those of the agencies
// of her region (service/admin_scope, issue 14 item 3). The command line's actor has no agency
// and is not scoped.
bool owns(const Actor& actor, const std::string& agency_id, const domain::Directory& directory) {
    if (actor.agency_id == agency_id) return true;
    if (actor.role != Role::admin) return false;
    return actor.agency_id.empty() || may_administer(directory.all(), actor.agency_id, agency_id);
}

bool made_for_another_agency(const storage::InboundSecret& s) {
    return s.created_by_agency && *s.created_by_agency != s.agency_id;
}

// An inbound secret as its agency's staff and admins see it: never the secret itself.
json inbound_secret_view(const storage::InboundSecret& s) {
    json view{{"agency_id", s.agency_id},
              {"id", s.id},
              {"created_at", domain::format_rfc3339(s.created_at)},
              {"created_by",
               {{"key_id", s.created_by_key ? json(*s.created_by_key) : json()},
                {"agency", s.created_by_agency ? json(*s.created_by_agency) : json()}}},
              {"created_for_another_agency", made_for_another_agency(s)}};
    if (s.previous_secret_until) {
        view["previous_secret_until"] = domain::format_rfc3339(*s.previous_secret_until);
        if (s.previous_id) view["previous_id"] = *s.previous_id;
    }
    return view;
}

struct EndpointFields {
    std::optional<std::string> url;
    std::optional<std::vector<std::string>> event_types;
    std::optional<bool> enabled;
    std::optional<std::string> agency_id;
};

// The address-policy half of a URL's check, said so that staff know what to ask for.
std::optional<std::string> refused_url(const domain::HttpUrl& url,
                                       const domain::AddressPolicy& policy) {
    const auto kind = policy.refusal_of_host(url);
    if (!kind) return std::nullopt;
    std::string why = "names a " + std::string(domain::to_string(*kind)) +
                      " address, where webhooks are not sent";
    if (domain::may_be_allowed(*kind)) {
        why += " unless an administrator allows its network (webhook_allowed_networks)";
    }
    return why;
}

Result<EndpointFields> parse_endpoint_fields(const json& body, bool creating,
                                             const domain::AddressPolicy& policy) {
    domain::FieldErrors errors;
    EndpointFields out;
    if (!body.is_object()) {
        return domain::unexpected(error(ErrorKind::validation, "the body must be an object",
                                        {{"", "must be an object"}}));
    }
    for (const auto& [key, value] : body.items()) {
        const bool known = key == "url" || key == "event_types" ||
                           (creating ? key == "agency_id" : key == "enabled");
        if (!known) errors.push_back({"/" + domain::json_pointer_token(key), "unknown member"});
    }
    if (auto it = body.find("url"); it != body.end()) {
        std::string why;
        if (!it->is_string()) {
            errors.push_back({"/url", "must be a string"});
        } else if (const auto url = domain::parse_http_url(it->get_ref<const std::string&>(), why);
                   !url) {
            errors.push_back({"/url", why});
        } else if (const auto refused = refused_url(*url, policy)) {
            errors.push_back({"/url", *refused});
        } else {
            out.url = it->get<std::string>();
        }
    } else if (creating) {
        errors.push_back({"/url", "is required"});
    }
    if (auto it = body.find("event_types"); it != body.end()) {
        if (!it->is_array() || it->size() > 64) {
            errors.push_back({"/event_types", "must be an array of webhook types"});
        } else {
            std::vector<std::string> types;
            for (std::size_t i = 0; i < it->size(); ++i) {
                const auto& t = (*it)[i];
                if (!t.is_string() || !domain::is_webhook_type(t.get_ref<const std::string&>())) {
                    errors.push_back({"/event_types/" + std::to_string(i),
                                      domain::vocabulary::one_of(domain::known_webhook_types())});
                } else {
                    types.push_back(t.get<std::string>());
                }
            }
            out.event_types = std::move(types);
        }
    }
    if (auto it = body.find("enabled"); it != body.end()) {
        if (!it->is_boolean()) {
            errors.push_back({"/enabled", "must be true or false"});
        } else {
            out.enabled = it->get<bool>();
        }
    }
    if (auto it = body.find("agency_id"); it != body.end()) {
        if (!it->is_string()) {
            errors.push_back({"/agency_id", "must be a string"});
        } else {
            out.agency_id = it->get<std::string>();
        }
    }
    if (!errors.empty()) {
        return domain::unexpected(
            error(ErrorKind::validation, "the endpoint is not valid", std::move(errors)));
    }
    return out;
}

Result<std::chrono::hours> overlap_of(const json& body) {
    if (!body.is_object()) {
        return domain::unexpected(error(ErrorKind::validation, "the body must be an object",
                                        {{"", "must be an object"}}));
    }
    for (const auto& [key, value] : body.items()) {
        if (key != "overlap_hours") {
            return domain::unexpected(
                error(ErrorKind::validation, "unknown member",
                      {{"/" + domain::json_pointer_token(key), "unknown member"}}));
        }
    }
    const auto it = body.find("overlap_hours");
    if (it == body.end()) return std::chrono::hours(24);
    if (!it->is_number_integer() || it->get<long long>() < 0 || it->get<long long>() > 168) {
        return domain::unexpected(
            error(ErrorKind::validation, "overlap_hours is not valid",
                  {{"/overlap_hours", "must be a whole number from 0 to 168"}}));
    }
    return std::chrono::hours(it->get<long long>());
}

}  // namespace

WebhookService::WebhookService(storage::Store& store, const RuntimeConfigHolder& config,
                               const Clock& clock, domain::AddressPolicy policy)
    : store_(store),
      config_(config),
      clock_(clock),
      policy_(std::move(policy)),
      unknown_agency_key_(random_bytes(32)) {}

json endpoint_view(const storage::WebhookEndpoint& e) {
    json j{{"id", e.id},
           {"agency_id", e.agency_id},
           {"url", e.url},
           {"event_types", e.event_types},
           {"enabled", e.enabled},
           {"created_at", domain::format_rfc3339(e.created_at)},
           {"updated_at", domain::format_rfc3339(e.updated_at)}};
    if (e.disabled_reason && !e.enabled) j["disabled_reason"] = *e.disabled_reason;
    if (e.previous_secret_until) {
        j["previous_secret_until"] = domain::format_rfc3339(*e.previous_secret_until);
    }
    return j;
}

json delivery_view(const storage::WebhookDelivery& d) {
    json j{{"id", d.id},
           {"endpoint_id", d.endpoint_id},
           {"agency_id", d.agency_id},
           {"event_type", d.event_type},
           {"status", storage::to_string(d.status)},
           {"attempts", d.attempts},
           {"created_at", domain::format_rfc3339(d.created_at)},
           {"payload", json::parse(d.payload, nullptr, false)}};
    if (d.status == storage::DeliveryStatus::pending) {
        j["next_attempt_at"] = domain::format_rfc3339(d.next_attempt_at);
    }
    if (d.last_attempt_at) j["last_attempt_at"] = domain::format_rfc3339(*d.last_attempt_at);
    if (d.last_status_code) j["last_status_code"] = *d.last_status_code;
    if (d.last_error) j["last_error"] = *d.last_error;
    if (d.delivered_at) j["delivered_at"] = domain::format_rfc3339(*d.delivered_at);
    return j;
}

void WebhookService::create_endpoint(const Actor& actor, const json& body, Completion<json> done) {
    if (!may_manage(actor)) return done(domain::unexpected(may_not_manage()));
    auto fields = parse_endpoint_fields(body, true, policy_);
    if (!fields) return done(domain::unexpected(fields.error()));
    std::string agency = actor.agency_id;
    if (fields->agency_id) {
        if (actor.role != Role::admin && *fields->agency_id != actor.agency_id) {
            return done(domain::unexpected(error(
                ErrorKind::forbidden, "only an admin registers endpoints for another agency")));
        }
        const auto config = config_.get();
        if (config->directory.find(*fields->agency_id) == nullptr) {
            return done(
                domain::unexpected(error(ErrorKind::validation, "no such agency",
                                         {{"/agency_id", "is not an agency of the directory"}})));
        }
        if (!owns(actor, *fields->agency_id, config->directory)) {
            return done(domain::unexpected(
                error(ErrorKind::validation, "the agency is outside this admin's region",
                      {{"/agency_id",
                        "is not an agency this admin manages: an admin manages "
                        "the agencies of her own region"}})));
        }
        agency = *fields->agency_id;
    }
    const auto now = clock_.now();
    storage::WebhookEndpoint e;
    e.id = "ep_" + new_uuid_v7(now);
    e.agency_id = agency;
    e.url = *fields->url;
    e.event_types = fields->event_types.value_or(std::vector<std::string>{});
    e.secret = new_webhook_secret();
    e.enabled = true;
    e.created_at = now;
    e.updated_at = now;
    write_decision<json>(
        store_,
        [actor, e](storage::WriteTransaction& tx) -> Result<json> {
            tx.insert_webhook_endpoint(e);
            append_audit(
                tx, actor, e.created_at,
                {"webhook_endpoint.created", "webhook_endpoint", e.id, {{"agency", e.agency_id}}});
            json view = endpoint_view(e);
            view["secret"] = e.secret;  // the only time it is shown
            return view;
        },
        std::move(done));
}

Result<Page> WebhookService::list_endpoints(const Actor& actor) {
    if (!may_manage(actor)) return domain::unexpected(may_not_manage());
    try {
        Page page;
        const auto agency =
            actor.role == Role::admin ? std::nullopt : std::optional<std::string>(actor.agency_id);
        const auto config = config_.get();
        for (const auto& e : store_.reader()->webhook_endpoints(agency)) {
            if (owns(actor, e.agency_id, config->directory)) page.items.push_back(endpoint_view(e));
        }
        return page;
    } catch (const storage::StorageError&) {
        return domain::unexpected(unavailable());
    }
}

Result<json> WebhookService::get_endpoint(const Actor& actor, const std::string& id) {
    if (!may_manage(actor)) return domain::unexpected(may_not_manage());
    try {
        const auto config = config_.get();
        const auto e = store_.reader()->find_webhook_endpoint(id);
        if (!e || !owns(actor, e->agency_id, config->directory)) {
            return domain::unexpected(error(ErrorKind::not_found, "no such endpoint"));
        }
        return endpoint_view(*e);
    } catch (const storage::StorageError&) {
        return domain::unexpected(unavailable());
    }
}

void WebhookService::update_endpoint(const Actor& actor, const std::string& id, const json& body,
                                     Completion<json> done) {
    if (!may_manage(actor)) return done(domain::unexpected(may_not_manage()));
    auto fields = parse_endpoint_fields(body, false, policy_);
    if (!fields) return done(domain::unexpected(fields.error()));
    const auto now = clock_.now();
    write_decision<json>(
        store_,
        [actor, id, f = *fields, now,
         config = config_.get()](storage::WriteTransaction& tx) -> Result<json> {
            auto e = tx.find_webhook_endpoint(id);
            if (!e || !owns(actor, e->agency_id, config->directory)) {
                return domain::unexpected(error(ErrorKind::not_found, "no such endpoint"));
            }
            if (f.url) e->url = *f.url;
            if (f.event_types) e->event_types = *f.event_types;
            if (f.enabled) {
                e->enabled = *f.enabled;
                e->disabled_reason = *f.enabled
                                         ? std::nullopt
                                         : std::optional<std::string>("disabled by its agency");
            }
            e->updated_at = now;
            tx.update_webhook_endpoint(*e);
            json changed = json::array();
            if (f.url) changed.push_back("url");
            if (f.event_types) changed.push_back("event_types");
            if (f.enabled) changed.push_back("enabled");
            append_audit(tx, actor, now,
                         {"webhook_endpoint.updated",
                          "webhook_endpoint",
                          e->id,
                          {{"changed", std::move(changed)}, {"enabled", e->enabled}}});
            return endpoint_view(*e);
        },
        std::move(done));
}

void WebhookService::rotate_endpoint_secret(const Actor& actor, const std::string& id,
                                            const json& body, Completion<json> done) {
    if (!may_manage(actor)) return done(domain::unexpected(may_not_manage()));
    auto overlap = overlap_of(body);
    if (!overlap) return done(domain::unexpected(overlap.error()));
    const auto now = clock_.now();
    const std::string secret = new_webhook_secret();
    write_decision<json>(
        store_,
        [actor, id, now, secret, config = config_.get(),
         overlap = *overlap](storage::WriteTransaction& tx) -> Result<json> {
            auto e = tx.find_webhook_endpoint(id);
            if (!e || !owns(actor, e->agency_id, config->directory)) {
                return domain::unexpected(error(ErrorKind::not_found, "no such endpoint"));
            }
            if (overlap.count() > 0) {
                e->previous_secret = e->secret;
                e->previous_secret_until = now + overlap;
            } else {
                e->previous_secret.reset();
                e->previous_secret_until.reset();
            }
            e->secret = secret;
            e->updated_at = now;
            tx.update_webhook_endpoint(*e);
            append_audit(tx, actor, now,
                         {"webhook_endpoint.secret_rotated",
                          "webhook_endpoint",
                          e->id,
                          {{"overlap_hours", overlap.count()}}});
            json view = endpoint_view(*e);
            view["secret"] = secret;
            return view;
        },
        std::move(done));
}

void WebhookService::delete_endpoint(const Actor& actor, const std::string& id,
                                     Completion<bool> done) {
    if (!may_manage(actor)) return done(domain::unexpected(may_not_manage()));
    write_decision<bool>(
        store_,
        [actor, id, now = clock_.now(),
         config = config_.get()](storage::WriteTransaction& tx) -> Result<bool> {
            auto e = tx.find_webhook_endpoint(id);
            if (!e || !owns(actor, e->agency_id, config->directory)) {
                return domain::unexpected(error(ErrorKind::not_found, "no such endpoint"));
            }
            const bool deleted = tx.delete_webhook_endpoint(id);
            if (deleted) {
                append_audit(tx, actor, now,
                             {"webhook_endpoint.deleted",
                              "webhook_endpoint",
                              id,
                              {{"agency", e->agency_id}}});
            }
            return deleted;
        },
        std::move(done));
}

Result<Page> WebhookService::list_deliveries(const Actor& actor,
                                             std::optional<storage::DeliveryStatus> status,
                                             std::optional<std::string> cursor, int limit) {
    if (!may_manage(actor)) return domain::unexpected(may_not_manage());
    if (cursor && (cursor->empty() || cursor->size() > 18 ||
                   !std::all_of(cursor->begin(), cursor->end(),
                                [](char c) { return c >= '0' && c <= '9'; }))) {
        return domain::unexpected(error(ErrorKind::bad_request, "the cursor is not valid",
                                        {{"/query/cursor", "is not a cursor of this list"}}));
    }
    storage::DeliveryQuery q;
    if (actor.role != Role::admin) q.agency_id = actor.agency_id;
    q.status = status;
    q.after_id = std::move(cursor);
    q.limit = limit + 1;
    try {
        auto rows = store_.reader()->list_deliveries(q);
        Page page;
        const bool more = static_cast<int>(rows.size()) > limit;
        if (more) rows.resize(static_cast<std::size_t>(limit));
        // An admin's page holds the deliveries of her region's agencies; the cursor follows
        // the rows read, so a page may hold fewer than the limit and still have a next one.
        const auto config = config_.get();
        for (const auto& d : rows) {
            if (owns(actor, d.agency_id, config->directory)) page.items.push_back(delivery_view(d));
        }
        if (more && !rows.empty()) page.next_cursor = std::to_string(rows.back().sequence);
        return page;
    } catch (const storage::StorageError&) {
        return domain::unexpected(unavailable());
    }
}

void WebhookService::retry_delivery(const Actor& actor, const std::string& id,
                                    Completion<json> done) {
    if (!may_manage(actor)) return done(domain::unexpected(may_not_manage()));
    const auto now = clock_.now();
    write_decision<json>(
        store_,
        [actor, id, now, config = config_.get()](storage::WriteTransaction& tx) -> Result<json> {
            auto d = tx.find_delivery(id);
            if (!d || !owns(actor, d->agency_id, config->directory)) {
                return domain::unexpected(error(ErrorKind::not_found, "no such delivery"));
            }
            if (d->status != storage::DeliveryStatus::failed) {
                return domain::unexpected(error(ErrorKind::transition_not_allowed,
                                                "only a failed delivery can be retried"));
            }
            // A deleted endpoint takes nothing any more: made pending, the delivery would
            // wait for ever and the 200 would promise a send that never comes.
            if (!tx.find_webhook_endpoint(d->endpoint_id)) {
                return domain::unexpected(
                    error(ErrorKind::conflict,
                          "the delivery's endpoint was deleted; nothing can be sent to it"));
            }
            tx.retry_delivery(id, now);
            append_audit(tx, actor, now, {"webhook_delivery.retried", "webhook_delivery", id, {}});
            return delivery_view(*tx.find_delivery(id));
        },
        std::move(done));
}

void WebhookService::rotate_inbound_secret(const Actor& actor, const std::string& agency_id,
                                           const json& body, Completion<json> done) {
    if (!may_manage(actor)) return done(domain::unexpected(may_not_manage()));
    if (config_.get()->directory.find(agency_id) == nullptr ||
        !owns(actor, agency_id, config_.get()->directory)) {
        return done(domain::unexpected(error(ErrorKind::not_found, "no such agency")));
    }
    auto overlap = overlap_of(body);
    if (!overlap) return done(domain::unexpected(overlap.error()));
    const auto now = clock_.now();
    const std::string secret = new_webhook_secret();
    const std::string id = "ins_" + new_uuid_v7(now);
    write_decision<json>(
        store_,
        [actor, agency_id, now, secret, id,
         overlap = *overlap](storage::WriteTransaction& tx) -> Result<json> {
            storage::InboundSecret s{agency_id, secret, std::nullopt, std::nullopt, now};
            s.id = id;
            s.created_by_key = actor.key_id;
            if (!actor.agency_id.empty()) s.created_by_agency = actor.agency_id;
            if (auto old = tx.find_inbound_secret(agency_id); old && overlap.count() > 0) {
                s.previous_secret = old->secret;
                s.previous_secret_until = now + overlap;
                s.previous_id = old->id;
                s.previous_created_by_agency = old->created_by_agency;
            }
            tx.upsert_inbound_secret(s);
            json detail{{"overlap_hours", s.previous_secret_until ? overlap.count() : 0},
                        {"secret_id", id}};
            if (made_for_another_agency(s)) detail["for_another_agency"] = true;
            append_audit(tx, actor, now,
                         {"inbound_secret.rotated", "agency", agency_id, std::move(detail)});
            json view = inbound_secret_view(s);
            view["secret"] = secret;  // the only time it is shown
            return view;
        },
        std::move(done));
}

Result<json> WebhookService::inbound_secret(const Actor& actor, const std::string& agency_id) {
    if (!may_manage(actor)) return domain::unexpected(may_not_manage());
    const auto config = config_.get();
    if (config->directory.find(agency_id) == nullptr ||
        !owns(actor, agency_id, config->directory)) {
        return domain::unexpected(error(ErrorKind::not_found, "no such agency"));
    }
    try {
        const auto s = store_.reader()->find_inbound_secret(agency_id);
        if (!s) return domain::unexpected(error(ErrorKind::not_found, "the agency has no secret"));
        return inbound_secret_view(*s);
    } catch (const storage::StorageError&) {
        return domain::unexpected(unavailable());
    }
}

Result<VerifiedInbound> WebhookService::verify_inbound(const std::string& agency_id,
                                                       const WebhookHeaders& headers,
                                                       std::string_view body) {
    const auto now = clock_.now();
    const auto refuse = [](const std::string& why) {
        return domain::unexpected(error(ErrorKind::signature_invalid, why));
    };
    // Each candidate secret with its id and maker: the one that verifies is named in the
    // history, with the agency that set it when that is another agency.
    struct Candidate {
        std::string key, id;
        std::optional<std::string> made_by;
    };
    std::vector<Candidate> candidates;
    std::optional<storage::InboundSecret> secret;
    try {
        secret = store_.reader()->find_inbound_secret(agency_id);
        // An agency without a secret (or no such agency) goes through the same checks with a
        // key nobody has, so neither the answer nor its timing tells which agencies have one.
        if (!secret) {
            candidates.push_back({unknown_agency_key_, "", std::nullopt});
        } else {
            if (auto key = webhook_secret_key(secret->secret)) {
                candidates.push_back({*key, secret->id, secret->created_by_agency});
            }
            if (secret->previous_secret && secret->previous_secret_until &&
                *secret->previous_secret_until > now) {
                if (auto key = webhook_secret_key(*secret->previous_secret)) {
                    candidates.push_back({*key, secret->previous_id.value_or(secret->id),
                                          secret->previous_created_by_agency});
                }
            }
        }
    } catch (const storage::StorageError&) {
        return domain::unexpected(unavailable());
    }
    WebhookVerdict verdict = WebhookVerdict::bad_signature;
    std::string secret_id;
    std::string issued_by;
    for (const auto& candidate : candidates) {
        verdict = verify_webhook(std::span(&candidate.key, 1), headers, body, now);
        if (verdict == WebhookVerdict::ok) {
            secret_id = candidate.id;
            if (candidate.made_by && *candidate.made_by != agency_id)
                issued_by = *candidate.made_by;
        }
        // Only a signature differs between keys; a bad header is bad for every one.
        if (verdict != WebhookVerdict::bad_signature) break;
    }
    if (verdict == WebhookVerdict::timestamp_out_of_range) {
        return refuse("webhook-timestamp is more than 5 minutes from the server's time");
    }
    if (verdict != WebhookVerdict::ok) return refuse("the webhook signature is not valid");
    if (headers.id.size() > 255) return refuse("webhook-id is longer than 255 characters");
    // A retry sends the same bytes (they are what is signed), so the bytes name the request.
    return VerifiedInbound(agency_id, std::string(headers.id), sha256_hex(body), secret_id,
                           std::move(issued_by));
}

void WebhookService::receive(const VerifiedInbound& inbound, const json& doc,
                             const ErrorRenderer& render, Completion<InboundReply> done) {
    const auto now = clock_.now();
    const auto config = config_.get();
    const std::string agency_id = inbound.agency_id();
    const std::string webhook_id = inbound.webhook_id();

    // Parse and resolve the target before the unit of work; the decision itself (state,
    // party, outcome rules) runs inside it against the committed state.
    std::optional<ServiceError> refused;
    std::optional<domain::TransitionRequest> request;
    std::string ticket_id;
    if (!doc.is_object()) {
        refused = error(ErrorKind::validation, "the body must be a JSON object",
                        {{"", "must be a JSON object"}});
    } else {
        static constexpr std::string_view kTarget[] = {"ticket_id", "clue_reference"};
        auto parsed = domain::parse_transition_request(doc, kTarget);
        domain::FieldErrors errors;
        const auto id_it = doc.find("ticket_id");
        const auto ref_it = doc.find("clue_reference");
        const auto bad_text = [](const json& v, std::size_t max) {
            return !v.is_string() || v.get_ref<const std::string&>().empty() ||
                   v.get_ref<const std::string&>().size() > max;
        };
        if ((id_it == doc.end()) == (ref_it == doc.end())) {
            errors.push_back({"/ticket_id", "name the ticket by ticket_id or by clue_reference"});
        } else if (id_it != doc.end() && bad_text(*id_it, 64)) {
            errors.push_back({"/ticket_id", "must be a ticket id"});
        } else if (ref_it != doc.end() && bad_text(*ref_it, 128)) {
            errors.push_back({"/clue_reference", "must be the clue's source reference"});
        }
        if (!parsed) errors.insert(errors.end(), parsed.error().begin(), parsed.error().end());
        if (!errors.empty()) {
            refused = error(ErrorKind::validation, "the webhook body is not a valid transition",
                            std::move(errors));
        } else if (id_it != doc.end()) {
            request = std::move(*parsed);
            ticket_id = id_it->get<std::string>();
        } else {
            request = std::move(*parsed);
            // The clue's external reference, among the tickets addressed to this agency; an
            // open one is preferred, since a referral's follow-up shares the clue.
            std::vector<domain::Ticket> matches;
            try {
                matches = store_.reader()->tickets_by_clue_reference(ref_it->get<std::string>(),
                                                                     agency_id);
            } catch (const storage::StorageError&) {
                return done(domain::unexpected(unavailable()));
            }
            std::vector<domain::Ticket> open;
            for (const auto& t : matches) {
                if (!domain::is_terminal(t.status)) open.push_back(t);
            }
            const auto& pool = open.empty() ? matches : open;
            if (pool.empty()) {
                refused = error(ErrorKind::not_found, "no such ticket");
            } else if (pool.size() > 1) {
                refused =
                    error(ErrorKind::validation, "the clue reference names more than one ticket",
                          {{"/clue_reference", "names more than one open ticket; send ticket_id"}});
            } else {
                ticket_id = pool.front().id;
            }
        }
    }

    auto reply = std::make_shared<InboundReply>();
    const std::string request_hash = inbound.request_hash();
    const std::string secret_id = inbound.secret_id();
    const std::string issued_by = inbound.issued_by_agency();
    store_.write(
        [=](storage::WriteTransaction& tx) {
            if (auto earlier = tx.find_inbound_answer(agency_id, webhook_id)) {
                if (earlier->request_hash && *earlier->request_hash != request_hash) {
                    // Another action under a used id: replaying the first answer would drop
                    // it silently. Refused, and not stored: the first answer stays the id's.
                    const auto [status, text] =
                        render(error(ErrorKind::webhook_id_reused,
                                     "this webhook-id was used before with a different body; send "
                                     "each action under a webhook-id of its own"));
                    *reply = InboundReply{status, text, false};
                    return;
                }
                *reply = InboundReply{earlier->status, earlier->body, true};
                return;
            }
            Result<domain::Ticket> result =
                refused ? Result<domain::Ticket>(domain::unexpected(*refused))
                        : apply_transition(tx,
                                           Actor{secret_id, agency_id, Role::staff,
                                                 "webhook:" + webhook_id, issued_by},
                                           ticket_id, std::nullopt, *request, *config, now);
            if (result) {
                *reply = InboundReply{200, domain::to_json(*result).dump(), false};
            } else {
                const auto [status, text] = render(result.error());
                *reply = InboundReply{status, text, false};
            }
            tx.insert_inbound_answer(agency_id, webhook_id,
                                     {reply->status, reply->body, request_hash}, now);
        },
        [reply, done = std::move(done)](std::exception_ptr failure) {
            if (failure) {
                done(domain::unexpected(error(ErrorKind::unavailable,
                                              "the change could not be stored; nothing changed")));
            } else {
                done(*reply);
            }
        });
}

}  // namespace clue_router::service
