#include "clue_router/service/clue_service.hpp"

#include <map>
#include <memory>

#include "clue_router/domain/json_text.hpp"
#include "clue_router/domain/routing.hpp"
#include "clue_router/service/audit_trail.hpp"
#include "clue_router/service/crypto.hpp"
#include "clue_router/service/ticket_routing.hpp"
#include "clue_router/service/views.hpp"

namespace clue_router::service {

namespace {

bool may_submit(Role role) {
    return role == Role::intake || role == Role::staff;
}

// The reply to a submission in serialised parts: the members known before the unit of work
// (the clue's masked view, the screening, unrouted purposes) and each planned ticket's JSON.
struct ReplyParts {
    std::vector<std::pair<std::string, std::string>> fixed;
    std::vector<std::string> ticket_texts;  // in the order of the planned tickets
};

ServiceError clue_not_stored() {
    return error(ErrorKind::unavailable,
                 "the clue could not be stored; nothing was kept, retry with the same "
                 "Idempotency-Key");
}

// What the unit of work reports back from the writer thread.
struct SubmitOutcome {
    std::optional<storage::IdempotencyRecord> earlier;  // a record committed meanwhile
};

}  // namespace

bool ClueService::begin_in_flight(const std::string& slot) {
    std::lock_guard lock(in_flight_mutex_);
    return in_flight_.insert(slot).second;
}

void ClueService::end_in_flight(const std::string& slot) {
    std::lock_guard lock(in_flight_mutex_);
    in_flight_.erase(slot);
}

void ClueService::submit(const Actor& actor, std::optional<std::string> idempotency_key,
                         const nlohmann::json& body, Completion<SubmittedClue> done) {
    if (!may_submit(actor.role)) {
        done(domain::unexpected(
            error(ErrorKind::forbidden, "this key's role may not submit clues")));
        return;
    }
    // The request is identified by its canonical JSON, so a retry that only re-indents or
    // reorders members is still the same request.
    const std::string request_hash = sha256_hex(body.dump());

    std::optional<std::string> slot;
    if (idempotency_key) {
        slot = actor.agency_id + '\n' + *idempotency_key;
        if (!begin_in_flight(*slot)) {
            done(domain::unexpected(error(ErrorKind::request_in_progress,
                                          "a request with this Idempotency-Key is still being "
                                          "processed; retry in a moment")));
            return;
        }
        try {
            auto earlier = store_.reader()->find_idempotency(actor.agency_id, *idempotency_key);
            if (earlier) {
                end_in_flight(*slot);
                if (earlier->request_hash != request_hash) {
                    done(domain::unexpected(
                        error(ErrorKind::idempotency_key_reused,
                              "this Idempotency-Key was used before with a different body")));
                } else {
                    done(SubmittedClue{earlier->status, earlier->location, earlier->body, true});
                }
                return;
            }
        } catch (const storage::StorageError&) {
            end_in_flight(*slot);
            done(domain::unexpected(error(ErrorKind::unavailable, "the database is unavailable")));
            return;
        }
    }
    auto release = [this, slot] {
        if (slot) end_in_flight(*slot);
    };

    auto parsed = domain::parse_clue(body, {clock_.now(), options_.received_at_future_tolerance});
    if (!parsed) {
        release();
        const auto n = parsed.error().size();
        done(domain::unexpected(
            error(ErrorKind::validation,
                  std::to_string(n) + (n == 1 ? " field needs" : " fields need") + " attention",
                  parsed.error())));
        return;
    }

    const auto config = config_.get();
    const auto now = clock_.now();
    const auto today = domain::civil_date_of(now + options_.local_offset);
    const domain::Screening screening = domain::screen(*parsed, config->criteria, today);
    const domain::RoutingDecision decision = domain::route(
        domain::RoutingRequest{*parsed, screening, actor.agency_id, {}, config->regions.get()},
        config->directory, config->routing);

    auto clue = std::make_shared<storage::StoredClue>();
    clue->id = new_uuid_v7(now);
    clue->sender_agency = actor.agency_id;
    clue->submitted_by_key = actor.key_id;
    clue->clue = std::move(*parsed);
    // A clue waits for a person whenever routing says so, even when some of its purposes
    // went out: the purposes left over are what the person routes by hand.
    clue->status = decision.review_reason || decision.tickets.empty()
                       ? storage::ClueStatus::needs_review
                       : storage::ClueStatus::routed;
    clue->review_reason = decision.review_reason;
    if (clue->status == storage::ClueStatus::needs_review && !clue->review_reason) {
        clue->review_reason = std::string(domain::review_reasons::no_agency_for_region);
    }
    clue->priority = screening.priority;
    clue->created_at = now;

    // Sealed here, on the request's thread: the writer thread is one for the whole server,
    // and encryption and the blind index were a fifth of its work per clue.
    std::shared_ptr<const storage::SealedClue> sealed;
    try {
        sealed = std::make_shared<const storage::SealedClue>(store_.seal_clue(*clue));
    } catch (const std::exception&) {
        // No data key, or the cipher failed: nothing was written. The message stays generic
        // (it must not carry what was being sealed).
        release();
        done(domain::unexpected(clue_not_stored()));
        return;
    }

    auto tickets = std::make_shared<std::vector<domain::Ticket>>();
    for (const auto& plan : decision.tickets) {
        tickets->push_back(new_ticket(
            {clue->id, actor.agency_id, plan.recipient_agency, plan.purpose, screening.priority},
            config->deadlines, now));
    }

    // Each part of the reply is serialised once, here on the request's thread; the unit of
    // work adds only what it learns there (same-person links, which planned tickets it
    // creates) and joins the texts, so the one writer thread does not rebuild and re-dump the
    // reply (domain/json_text).
    auto reply = std::make_shared<ReplyParts>();
    nlohmann::json screening_json = domain::to_json(screening);
    reply->fixed.emplace_back("clue", clue_view(*clue, PersonalData::masked).dump());
    reply->fixed.emplace_back("screening", screening_json.dump());
    if (!decision.unrouted.empty()) {
        reply->fixed.emplace_back("unrouted_purposes", nlohmann::json(decision.unrouted).dump());
    }
    if (!decision.warnings.empty()) {
        reply->fixed.emplace_back("warnings", warnings_json(decision.warnings).dump());
    }
    for (const auto& t : *tickets) reply->ticket_texts.push_back(domain::to_json(t).dump());

    auto record = std::make_shared<storage::IdempotencyRecord>();
    record->status = 201;
    record->location = "/v1/clues/" + clue->id;
    record->agency_id = actor.agency_id;
    record->key = idempotency_key.value_or("");
    record->request_hash = request_hash;
    record->created_at = now;

    storage::StoredScreening stored_screening{
        clue->id,           screening.criteria_version, screening.score,
        screening.priority, std::move(screening_json),  now};
    auto outcome = std::make_shared<SubmitOutcome>();

    store_.write(
        [clue, sealed, tickets, record, reply, stored_screening = std::move(stored_screening),
         outcome, actor, keyed = idempotency_key.has_value()](storage::WriteTransaction& tx) {
            if (keyed) {
                // Another process sharing the file may have committed the same key.
                outcome->earlier = tx.find_idempotency(record->agency_id, record->key);
                if (outcome->earlier) return;
            }
            tx.insert_clue(*clue, *sealed);
            tx.insert_screening(stored_screening);

            // Same person: link to the open clues that share her ID number or phone (by blind
            // index), and send no second ticket where one is already open to the same agency
            // for the same purpose.
            nlohmann::json possible_duplicates = nlohmann::json::array();
            nlohmann::json existing_tickets = nlohmann::json::array();
            std::map<std::pair<std::string, std::string>, std::string> open_elsewhere;
            for (const auto& match : tx.open_clue_matches(clue->id)) {
                std::string basis;
                for (const auto& kind : match.kinds) basis += (basis.empty() ? "" : ",") + kind;
                tx.link_clues({clue->id, match.clue_id, basis, clue->created_at, actor.key_id});
                possible_duplicates.push_back(
                    {{"clue_id", match.clue_id}, {"matched_on", match.kinds}});
                for (const auto& t : tx.tickets_of_clue(match.clue_id)) {
                    if (!domain::is_terminal(t.status)) {
                        open_elsewhere.try_emplace({t.recipient_agency, t.purpose}, t.id);
                    }
                }
            }
            std::vector<std::string> created;
            for (std::size_t i = 0; i < tickets->size(); ++i) {
                const domain::Ticket& t = (*tickets)[i];
                if (auto it = open_elsewhere.find({t.recipient_agency, t.purpose});
                    it != open_elsewhere.end()) {
                    existing_tickets.push_back({{"ticket_id", it->second},
                                                {"recipient_agency", t.recipient_agency},
                                                {"purpose", t.purpose}});
                    continue;
                }
                created.push_back(reply->ticket_texts[i]);
                store_new_ticket(tx, t, {actor.agency_id, actor.key_id});
            }
            auto members = reply->fixed;
            members.emplace_back("tickets", domain::json_array_text(created));
            members.emplace_back("possible_duplicates", possible_duplicates.dump());
            members.emplace_back("existing_tickets", existing_tickets.dump());
            record->body = domain::json_object_text(std::move(members));
            if (clue->status == storage::ClueStatus::needs_review) {
                tx.enqueue_clue_webhook("clue.needs_review", clue->id, clue->created_at);
            }
            if (keyed) tx.insert_idempotency(*record);
            append_audit(tx, actor, clue->created_at,
                         {"clue.submitted",
                          "clue",
                          clue->id,
                          {{"status", storage::to_string(clue->status)},
                           {"tickets", created.size()},
                           {"possible_duplicates", possible_duplicates.size()}}});
        },
        [record, outcome, release, done = std::move(done)](std::exception_ptr failure) {
            release();
            if (failure) {
                done(domain::unexpected(clue_not_stored()));
            } else if (outcome->earlier) {
                if (outcome->earlier->request_hash != record->request_hash) {
                    done(domain::unexpected(
                        error(ErrorKind::idempotency_key_reused,
                              "this Idempotency-Key was used before with a different body")));
                } else {
                    done(SubmittedClue{outcome->earlier->status, outcome->earlier->location,
                                       outcome->earlier->body, true});
                }
            } else {
                done(SubmittedClue{record->status, record->location, record->body, false});
            }
        });
}

Result<ClueService::Visible> ClueService::visible_clue(storage::Reader& reader, const Actor& actor,
                                                       const std::string& clue_id) {
    // Supervisors see figures, never a clue: to them every clue is outside scope, and a
    // record outside scope is 404, so that ids reveal nothing.
    if (actor.role == Role::supervisor) {
        return domain::unexpected(error(ErrorKind::not_found, "no such clue"));
    }
    auto clue = reader.find_clue(clue_id);
    if (!clue) return domain::unexpected(error(ErrorKind::not_found, "no such clue"));
    Visible v{std::move(*clue), reader.tickets_of_clue(clue_id), false};
    v.party = v.clue.sender_agency == actor.agency_id;
    for (const auto& t : v.tickets) v.party = v.party || t.recipient_agency == actor.agency_id;
    if (!v.party && actor.role != Role::admin) {
        return domain::unexpected(error(ErrorKind::not_found, "no such clue"));
    }
    return v;
}

Result<nlohmann::json> ClueService::get(const Actor& actor, const std::string& clue_id) {
    return view(actor, clue_id, PersonalData::masked);
}

void ClueService::reveal(const Actor& actor, const std::string& clue_id,
                         std::optional<std::string> break_glass_reason,
                         Completion<nlohmann::json> done) {
    auto reply = view(actor, clue_id, PersonalData::clear);
    if (!reply) return done(std::move(reply));
    const bool party = (*reply)["party"].get<bool>();
    reply->erase("party");
    AuditRecord record{"clue.personal_data_read", "clue", clue_id, nlohmann::json::object()};
    if (actor.role == Role::admin) {
        // Admins run the system, they do not handle cases, even for their own agency: they
        // see personal data through a break-glass read, with a reason, or not at all.
        if (!break_glass_reason) {
            return done(domain::unexpected(
                error(ErrorKind::forbidden,
                      "personal data is shown only to the agencies handling it; an admin may "
                      "read it in an emergency with a Break-Glass-Reason header, which is "
                      "audited")));
        }
        record.action = "clue.break_glass_read";
        // The reason is free text and may name her: it is kept sealed, and the audit row
        // names it by id (so the hash chain holds no free text and survives key rotation).
        record.detail["reason_id"] = new_uuid_v7(clock_.now());
    } else if (!party) {
        // Unreachable today (outside the clue's agencies is a 404 above); kept as the rule.
        return done(domain::unexpected(error(ErrorKind::not_found, "no such clue")));
    }
    // The clear values leave only once the audit row that records their reading is durable.
    auto shared = std::make_shared<nlohmann::json>(std::move(*reply));
    const auto now = clock_.now();
    store_.write(
        [actor, now, record, reason = break_glass_reason](storage::WriteTransaction& tx) {
            // Only an admin's read records a reason (a party's read needs none).
            if (const auto id = record.detail.find("reason_id"); id != record.detail.end()) {
                tx.insert_audit_reason(id->get<std::string>(), *reason, now);
            }
            append_audit(tx, actor, now, record);
        },
        [shared, done = std::move(done)](std::exception_ptr failure) {
            if (failure) {
                done(domain::unexpected(
                    error(ErrorKind::unavailable,
                          "the read could not be audited, so it was not served")));
            } else {
                done(std::move(*shared));
            }
        });
}

Result<nlohmann::json> ClueService::view(const Actor& actor, const std::string& clue_id,
                                         PersonalData mode) {
    try {
        auto reader = store_.reader();
        auto visible = visible_clue(*reader, actor, clue_id);
        if (!visible) return domain::unexpected(visible.error());
        const auto& clue = visible->clue;
        nlohmann::json reply = {{"clue", clue_view(clue, mode)},
                                {"tickets", nlohmann::json::array()}};
        if (mode == PersonalData::clear) reply["party"] = visible->party;
        reply["linked_clues"] = nlohmann::json::array();
        for (const auto& l : reader->clue_links(clue_id)) {
            reply["linked_clues"].push_back({{"clue_id", l.linked_clue_id}, {"basis", l.basis}});
        }
        if (const auto s = reader->latest_screening(clue_id)) reply["screening"] = s->result;
        for (const auto& t : visible->tickets) {
            // A recipient sees its own tickets; the sender and admins see them all.
            if (actor.role == Role::admin || clue.sender_agency == actor.agency_id ||
                t.recipient_agency == actor.agency_id) {
                reply["tickets"].push_back(domain::to_json(t));
            }
        }
        return reply;
    } catch (const storage::StorageError&) {
        return domain::unexpected(error(ErrorKind::unavailable, "the database is unavailable"));
    }
}

Result<nlohmann::json> ClueService::screenings(const Actor& actor, const std::string& clue_id) {
    try {
        auto reader = store_.reader();
        auto visible = visible_clue(*reader, actor, clue_id);
        if (!visible) return domain::unexpected(visible.error());
        nlohmann::json items = nlohmann::json::array();
        for (const auto& s : reader->screenings_of(clue_id)) {
            nlohmann::json item = s.result;
            item["screened_at"] = domain::format_rfc3339(s.created_at);
            items.push_back(std::move(item));
        }
        return nlohmann::json{{"items", std::move(items)}};
    } catch (const storage::StorageError&) {
        return domain::unexpected(error(ErrorKind::unavailable, "the database is unavailable"));
    }
}

Result<Page> ClueService::review_queue(const Actor& actor, std::optional<std::string> cursor,
                                       int limit) {
    // A list, not a record: refusing it says nothing about any id, so 403 is honest here.
    if (actor.role == Role::supervisor) {
        return domain::unexpected(
            error(ErrorKind::forbidden, "supervisors see figures, not clues"));
    }
    storage::ReviewQuery query;
    if (actor.role != Role::admin) query.sender_agency = actor.agency_id;
    query.after_id = std::move(cursor);
    query.limit = limit + 1;  // one more tells whether there is a next page
    try {
        auto items = store_.reader()->review_queue(query);
        Page page;
        const bool more = static_cast<int>(items.size()) > limit;
        if (more) items.resize(static_cast<std::size_t>(limit));
        for (const auto& c : items) page.items.push_back(clue_view(c, PersonalData::masked));
        if (more && !items.empty()) page.next_cursor = items.back().id;
        return page;
    } catch (const storage::StorageError&) {
        return domain::unexpected(error(ErrorKind::unavailable, "the database is unavailable"));
    }
}

std::optional<ServiceError> ClueService::may_link(const Actor& actor, const std::string& clue_id,
                                                  const std::string& other_id) {
    try {
        auto reader = store_.reader();
        for (const std::string* id : {&clue_id, &other_id}) {
            auto visible = visible_clue(*reader, actor, *id);
            if (!visible) return visible.error();
            if (actor.role != Role::staff) {
                return error(ErrorKind::forbidden, "only staff link clues about the same person");
            }
            // Staff see only clues their agency handles, so visible means party here.
        }
    } catch (const storage::StorageError&) {
        return error(ErrorKind::unavailable, "the database is unavailable");
    }
    if (clue_id == other_id) {
        return error(ErrorKind::validation, "a clue cannot be linked to itself",
                     {{"/clue_id", "must be another clue"}});
    }
    return std::nullopt;
}

void ClueService::link(const Actor& actor, const std::string& clue_id, const nlohmann::json& body,
                       Completion<nlohmann::json> done) {
    if (!body.contains("clue_id") || !body["clue_id"].is_string() || body.size() != 1) {
        return done(domain::unexpected(error(ErrorKind::validation, "send {\"clue_id\": …}",
                                             {{"/clue_id", "is required, and alone"}})));
    }
    change_link(actor, clue_id, body["clue_id"].get<std::string>(), true, std::move(done));
}

void ClueService::unlink(const Actor& actor, const std::string& clue_id,
                         const std::string& other_id, Completion<nlohmann::json> done) {
    change_link(actor, clue_id, other_id, false, std::move(done));
}

void ClueService::change_link(const Actor& actor, const std::string& clue_id,
                              const std::string& other_id, bool add,
                              Completion<nlohmann::json> done) {
    if (auto refused = may_link(actor, clue_id, other_id)) {
        return done(domain::unexpected(std::move(*refused)));
    }
    const auto now = clock_.now();
    auto changed = std::make_shared<bool>(false);
    store_.write(
        [=](storage::WriteTransaction& tx) {
            *changed = add ? tx.link_clues({clue_id, other_id, "manual", now, actor.key_id})
                           : tx.unlink_clues(clue_id, other_id);
            if (*changed) {
                append_audit(tx, actor, now,
                             {add ? "clue.linked" : "clue.unlinked",
                              "clue",
                              clue_id,
                              {{"linked_clue_id", other_id}}});
            }
        },
        [this, clue_id, add, changed, done = std::move(done)](std::exception_ptr failure) {
            if (failure) {
                return done(domain::unexpected(
                    error(ErrorKind::unavailable, "the change could not be stored")));
            }
            if (!add && !*changed) {
                return done(domain::unexpected(error(ErrorKind::not_found, "no such link")));
            }
            try {
                nlohmann::json links = nlohmann::json::array();
                for (const auto& l : store_.reader()->clue_links(clue_id)) {
                    links.push_back({{"clue_id", l.linked_clue_id}, {"basis", l.basis}});
                }
                done(nlohmann::json{{"clue_id", clue_id}, {"linked_clues", std::move(links)}});
            } catch (const storage::StorageError&) {
                done(domain::unexpected(
                    error(ErrorKind::unavailable, "the database is unavailable")));
            }
        });
}

}  // namespace clue_router::service
