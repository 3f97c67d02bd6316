#include "clue_router/service/review_actions.hpp"

#include <functional>
#include <memory>

#include "clue_router/domain/review_request.hpp"
#include "clue_router/domain/vocabulary.hpp"
#include "clue_router/service/audit_trail.hpp"
#include "clue_router/service/case_membership.hpp"
#include "clue_router/service/ticket_routing.hpp"
#include "clue_router/service/views.hpp"

namespace clue_router::service {
namespace {

std::optional<ServiceError> may_review(const Actor& actor) {
    if (actor.role == Role::staff || actor.role == Role::admin) return std::nullopt;
    return error(ErrorKind::forbidden, "only staff and admin keys act on the review queue");
}

ServiceError not_found() {
    return error(ErrorKind::not_found, "no such clue");
}

// The routes a body names with a string agency and purpose, each with its index: what can be
// checked against the directory even when other members of the body are wrong.
std::vector<std::pair<std::size_t, domain::HandRoute>> named_routes(const nlohmann::json& body) {
    std::vector<std::pair<std::size_t, domain::HandRoute>> out;
    const auto routes = body.is_object() ? body.find("routes") : body.end();
    if (routes == body.end() || !routes->is_array()) return out;
    for (std::size_t i = 0; i < routes->size(); ++i) {
        const auto& r = (*routes)[i];
        if (!r.is_object()) continue;
        const auto agency = r.find("agency");
        const auto purpose = r.find("purpose");
        if (agency == r.end() || purpose == r.end() || !agency->is_string() ||
            !purpose->is_string()) {
            continue;
        }
        out.push_back({i, {agency->get<std::string>(), purpose->get<std::string>()}});
    }
    return out;
}

// What the directory and the routing rules in force say of the routes: each agency must
// exist and accept referrals, each purpose must be one of the rules'.
void check_against_directory(const RuntimeConfig& config,
                             const std::vector<std::pair<std::size_t, domain::HandRoute>>& routes,
                             domain::FieldErrors& errors) {
    for (const auto& [i, r] : routes) {
        const std::string at = "/routes/" + std::to_string(i);
        const auto* agency = config.directory.find(r.agency);
        if (!agency) {
            errors.push_back({at + "/agency", "does not name an agency in the directory"});
        } else if (!agency->accepts_referrals) {
            errors.push_back({at + "/agency", "does not accept referrals"});
        }
        if (!config.routing.purpose(r.purpose)) {
            std::vector<std::string_view> ids;
            for (const auto& p : config.routing.purposes) ids.push_back(p.id);
            errors.push_back({at + "/purpose", "is not a purpose of the routing rules; " +
                                                   domain::vocabulary::one_of(ids)});
        }
    }
}

// The clue, if the actor may act on it and it is waiting in the queue.
Result<storage::StoredClue> queued_clue(storage::WriteTransaction& tx, const Actor& actor,
                                        const std::string& clue_id) {
    // Scope from the clear columns first: nothing is opened for a caller who may not act.
    const auto ref = tx.clue_ref(clue_id);
    if (!ref || (actor.role != Role::admin && ref->sender_agency != actor.agency_id)) {
        return domain::unexpected(not_found());
    }
    auto clue = tx.find_clue(clue_id);
    if (!clue) return domain::unexpected(not_found());
    if (clue->status != storage::ClueStatus::needs_review) {
        return domain::unexpected(
            error(ErrorKind::conflict, "the clue is not waiting in the review queue"));
    }
    return std::move(*clue);
}

// What a decision does to the queued clue inside the unit of work: either writes and returns
// the reply's extra members, or returns an error having written nothing (the unit still
// commits, so an error after a write would leave half a decision).
using Decision =
    std::function<Result<nlohmann::json>(storage::WriteTransaction&, storage::StoredClue&)>;

// The path both decisions share: find the clue the actor may act on in the queue, let the
// decision act, stamp who decided and when, and answer {"clue": …} plus the decision's own.
void decide_on_queued_clue(storage::Store& store, const Actor& actor, const std::string& clue_id,
                           domain::Timestamp now, Decision decide,
                           Completion<nlohmann::json> done) {
    auto outcome = std::make_shared<std::optional<Result<nlohmann::json>>>();
    store.write(
        [=, decide = std::move(decide)](storage::WriteTransaction& tx) {
            auto clue = queued_clue(tx, actor, clue_id);
            if (!clue) {
                *outcome = domain::unexpected(clue.error());
                return;
            }
            auto reply = decide(tx, *clue);
            if (reply) {
                clue->reviewed_by_key = actor.key_id;
                clue->reviewed_at = now;
                tx.update_clue_review(*clue);
                // A dismissal may be the last thing of her case still open.
                refresh_case(tx, actor, clue->case_id, now);
                (*reply)["clue"] = clue_view(*clue, PersonalData::masked);
            }
            *outcome = std::move(reply);
        },
        [outcome, done = std::move(done)](std::exception_ptr failure) {
            if (failure || !*outcome) {
                done(domain::unexpected(error(
                    ErrorKind::unavailable, "the decision could not be stored; nothing changed")));
            } else {
                done(std::move(**outcome));
            }
        });
}

}  // namespace

void ReviewActions::route(const Actor& actor, const std::string& clue_id,
                          const nlohmann::json& body, Completion<nlohmann::json> done) {
    if (auto e = may_review(actor)) return done(domain::unexpected(std::move(*e)));
    auto request = domain::parse_hand_routing(body);
    const auto config = config_.get();
    // Every error the body shows comes back at once: its shape, and its agencies and
    // purposes against the directory, even when the shape is wrong elsewhere.
    domain::FieldErrors invalid = request ? domain::FieldErrors{} : request.error();
    check_against_directory(*config, named_routes(body), invalid);
    if (!invalid.empty()) {
        return done(domain::unexpected(
            error(ErrorKind::validation, "the routing request is not valid", invalid)));
    }
    const auto now = clock_.now();
    decide_on_queued_clue(
        store_, actor, clue_id, now,
        [=, req = std::move(*request)](storage::WriteTransaction& tx,
                                       storage::StoredClue& clue) -> Result<nlohmann::json> {
            domain::FieldErrors errors;
            if (!clue.clue.consent.share_with_partners && !req.consent_obtained) {
                errors.push_back({"/consent_obtained",
                                  "the clue came without consent to share; confirm with true "
                                  "that consent was obtained since"});
            }
            // Her case's tickets: a second open one to the same agency for the same purpose
            // would only duplicate the work.
            const auto facts = tx.case_facts(clue.case_id);
            if (!facts) throw storage::StorageError("a clue names a case that is not stored");
            const auto& existing = facts->tickets;
            for (std::size_t i = 0; i < req.routes.size(); ++i) {
                const auto& r = req.routes[i];
                const std::string at = "/routes/" + std::to_string(i);
                if (r.agency == clue.sender_agency) {
                    errors.push_back({at + "/agency", "is the agency that sent the clue"});
                }
                for (const auto& t : existing) {
                    if (!domain::is_terminal(t.status) && t.recipient_agency == r.agency &&
                        t.purpose == r.purpose) {
                        errors.push_back(
                            {at, "that agency already holds an open ticket for this purpose"});
                    }
                }
            }
            if (!errors.empty()) {
                return domain::unexpected(
                    error(ErrorKind::validation, "the routing request is not valid", errors));
            }
            nlohmann::json tickets = nlohmann::json::array();
            nlohmann::json ticket_ids = nlohmann::json::array();
            // Handed over now: the new tickets carry it with the case's other handed-over
            // clues, and the case's open tickets gain it.
            share_clue(tx, actor, *facts, clue_id, now);
            auto carried = handed_over_clues(*facts);
            carried.push_back(clue_id);
            for (const auto& r : req.routes) {
                auto t = new_ticket({clue_id, clue.sender_agency, r.agency, r.purpose,
                                     domain::higher(clue.priority, facts->record.priority)},
                                    config->deadlines, now);
                store_new_ticket(tx, t, {actor.agency_id, actor.key_id},
                                 req.note ? "routed by hand from the review queue: " + *req.note
                                          : std::string("routed by hand from the review queue"),
                                 std::nullopt, std::nullopt, carried);
                tickets.push_back(domain::to_json(t));
                ticket_ids.push_back(t.id);
            }
            clue.status = storage::ClueStatus::routed;
            append_audit(
                tx, actor, now,
                {"clue.routed_by_hand",
                 "clue",
                 clue_id,
                 {{"tickets", std::move(ticket_ids)}, {"consent_obtained", req.consent_obtained}}});
            return nlohmann::json{{"tickets", std::move(tickets)}};
        },
        std::move(done));
}

void ReviewActions::dismiss(const Actor& actor, const std::string& clue_id,
                            const nlohmann::json& body, Completion<nlohmann::json> done) {
    if (auto e = may_review(actor)) return done(domain::unexpected(std::move(*e)));
    auto request = domain::parse_dismissal(body);
    if (!request) {
        return done(domain::unexpected(
            error(ErrorKind::validation, "the dismissal is not valid", request.error())));
    }
    const auto now = clock_.now();
    decide_on_queued_clue(
        store_, actor, clue_id, now,
        [actor, now, req = std::move(*request)](
            storage::WriteTransaction& tx, storage::StoredClue& clue) -> Result<nlohmann::json> {
            clue.status = storage::ClueStatus::dismissed;
            clue.dismissal_reason = req.reason;
            // The reason is free text and may name the woman: the row records that a reason
            // was given, the clue holds it.
            append_audit(tx, actor, now, {"clue.dismissed", "clue", clue.id, {}});
            return nlohmann::json::object();
        },
        std::move(done));
}

}  // namespace clue_router::service
