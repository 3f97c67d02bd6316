#include "clue_router/service/clue_service.hpp"

#include <algorithm>
#include <memory>

#include "clue_router/domain/json_text.hpp"
#include "clue_router/domain/routing.hpp"
#include "clue_router/service/audit_trail.hpp"
#include "clue_router/service/case_membership.hpp"
#include "clue_router/service/case_scope.hpp"
#include "clue_router/service/crypto.hpp"
#include "clue_router/service/ticket_routing.hpp"
#include "clue_router/service/unit_of_work.hpp"
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
    std::optional<std::string> duplicate_of;  // the clue already sent under this reference
};

// Which agency handles the clue, for what, and where that stands: what the sender is told of
// the tickets that carry its clue.
nlohmann::json handler_entry(const domain::Ticket& t) {
    return {{"ticket_id", t.id},
            {"recipient_agency", t.recipient_agency},
            {"purpose", t.purpose},
            {"status", domain::to_string(t.status)}};
}

// The 201 of a clue that joined an open case: its own view and screening, the tickets opened
// for purposes the case lacked, and the case — which agencies handle the clue now. Nothing of
// the case's other clues: they may be another sender's.
nlohmann::json joined_reply(storage::WriteTransaction& tx, const storage::StoredClue& clue,
                            const ReplyParts& parts, const Joined& joined) {
    nlohmann::json body{{"clue", clue_view(clue, PersonalData::masked)},
                        {"tickets", nlohmann::json::array()}};
    // Its own screening and its warnings (an unknown region code) hold whatever case it joined.
    for (const auto& [member, text] : parts.fixed) {
        if (member == "screening" || member == "warnings") {
            body[member] = nlohmann::json::parse(text);
        }
    }
    for (const auto& t : joined.new_tickets) body["tickets"].push_back(domain::to_json(t));
    if (!joined.unrouted.empty()) body["unrouted_purposes"] = joined.unrouted;
    const auto facts = tx.case_facts(clue.case_id);
    if (!facts) throw storage::StorageError("a joined case is not stored");
    nlohmann::json handled_by = nlohmann::json::array();
    for (const auto& t : facts->tickets) {
        if (domain::is_terminal(t.status)) continue;
        const bool carries =
            std::any_of(facts->coverage.begin(), facts->coverage.end(),
                        [&](const auto& c) { return c.ticket_id == t.id && c.clue_id == clue.id; });
        if (carries) handled_by.push_back(handler_entry(t));
    }
    body["case"] = {{"id", facts->record.id},
                    {"joined", true},
                    {"status", domain::to_string(facts->record.status)},
                    {"handled_by", std::move(handled_by)}};
    return body;
}

// Link (the two clues are one woman's: their cases become one) or unlink (the clue is not
// the woman of the other's case: it leaves it), inside the unit of work. Staff of an agency
// handling both clues; either clue outside the caller's scope is 404.
std::optional<ServiceError> change_link_in(storage::WriteTransaction& tx, const Actor& actor,
                                           const std::string& clue_id, const std::string& other_id,
                                           bool add, const RuntimeConfig& config,
                                           domain::Timestamp now) {
    std::vector<storage::CaseClue> refs;
    for (const std::string* id : {&clue_id, &other_id}) {
        auto scoped = scope_of_clue(tx, actor, *id);
        if (!scoped) return scoped.error();
        if (actor.role != Role::staff) {
            return error(ErrorKind::forbidden, "only staff link clues about the same person");
        }
        if ((*scoped)->scope->clue_access(*id) != ClueAccess::full) {
            return error(ErrorKind::forbidden, "only an agency handling both clues links them");
        }
        refs.push_back(*tx.clue_ref(*id));
    }
    if (clue_id == other_id) {
        return error(ErrorKind::validation, "a clue cannot be linked to itself",
                     {{"/clue_id", "must be another clue"}});
    }
    const bool same_case = refs[0].case_id == refs[1].case_id;
    if (!add && !same_case) return error(ErrorKind::not_found, "no such link");
    for (const auto& r : refs) {
        const auto record = tx.find_case(r.case_id);
        if (!same_case && record && record->status != domain::CaseStatus::open) {
            return error(ErrorKind::conflict,
                         "a closed case takes no more clues; a new report starts a new case");
        }
        if (!add && record && record->status != domain::CaseStatus::open) {
            return error(ErrorKind::conflict, "a closed case is kept as it was answered");
        }
    }
    if (add) {
        tx.link_clues({clue_id, other_id, "manual", now, actor.key_id});
        if (!same_case) {
            // Staff say they are one woman: an earlier separation between the two gives way.
            tx.remove_separations(refs[0].case_id, refs[1].case_id);
            const auto into = tx.older_case(refs[0].case_id, refs[1].case_id);
            merge_cases(tx, actor, into == refs[0].case_id ? refs[1].case_id : refs[0].case_id,
                        into, now);
            consolidate(tx, actor, into, now);
        }
    } else {
        separate_clue(tx, actor, clue_id, config, now);
    }
    append_audit(
        tx, actor, now,
        {add ? "clue.linked" : "clue.unlinked", "clue", clue_id, {{"linked_clue_id", other_id}}});
    return std::nullopt;
}

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
    // A case of its own, unless her case is open (then the unit of work joins it).
    clue->case_id = new_uuid_v7(now);
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
    // work only joins the texts when the clue starts a case of its own (the common case), so
    // the one writer thread does not rebuild and re-dump the reply (domain/json_text). A clue
    // that joins an open case gets its reply built there, from what the case came to.
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
    nlohmann::json handled_by = nlohmann::json::array();
    for (const auto& t : *tickets) {
        reply->ticket_texts.push_back(domain::to_json(t).dump());
        handled_by.push_back(handler_entry(t));
    }
    reply->fixed.emplace_back("case", nlohmann::json{{"id", clue->case_id},
                                                     {"joined", false},
                                                     {"status", "open"},
                                                     {"handled_by", std::move(handled_by)}}
                                          .dump());

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
         outcome, actor, decision, config,
         keyed = idempotency_key.has_value()](storage::WriteTransaction& tx) {
            if (keyed) {
                // Another process sharing the file may have committed the same key.
                outcome->earlier = tx.find_idempotency(record->agency_id, record->key);
                if (outcome->earlier) return;
            }
            // The same report sent again (no key, or another one) is not a second clue.
            outcome->duplicate_of =
                tx.clue_by_reference(clue->sender_agency, clue->clue.source.reference);
            if (outcome->duplicate_of) return;
            tx.insert_case(new_case(clue->case_id, clue->priority, clue->created_at));
            tx.insert_clue(*clue, *sealed);
            tx.insert_screening(stored_screening);

            // Her case, when one is open: the clue's own case merges into it (the older case
            // stays). Nothing matched, or only cases of other women: a case of its own.
            const std::string own_case = clue->case_id;
            const std::string survivor = tx.open_case_matches(own_case).empty()
                                             ? own_case
                                             : consolidate(tx, actor, own_case, clue->created_at);
            bool joined = false;
            std::size_t created = tickets->size();
            if (survivor == own_case) {
                for (const auto& t : *tickets) {
                    store_new_ticket(tx, t, {actor.agency_id, actor.key_id});
                }
                auto members = reply->fixed;
                members.emplace_back("tickets", domain::json_array_text(reply->ticket_texts));
                record->body = domain::json_object_text(std::move(members));
            } else {
                // Her case is open: this clue joins it (service/case_membership).
                joined = true;
                clue->case_id = survivor;
                const auto j = join_case(tx, actor, *clue, decision, *config, clue->created_at);
                created = j.new_tickets.size();
                record->body = joined_reply(tx, *clue, *reply, j).dump();
            }
            if (clue->status == storage::ClueStatus::needs_review) {
                tx.enqueue_clue_webhook("clue.needs_review", clue->id, clue->created_at);
            }
            if (keyed) tx.insert_idempotency(*record);
            append_audit(tx, actor, clue->created_at,
                         {"clue.submitted",
                          "clue",
                          clue->id,
                          {{"status", storage::to_string(clue->status)},
                           {"tickets", created},
                           {"case", clue->case_id},
                           {"joined_case", joined}}});
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
            } else if (outcome->duplicate_of) {
                // The sender may see it: it is its own clue.
                ServiceError e = error(ErrorKind::duplicate_reference,
                                       "a clue with this source.reference was already submitted "
                                       "by your agency; it is at existing_clue",
                                       {{"/source/reference", "was already submitted"}});
                e.existing = "/v1/clues/" + *outcome->duplicate_of;
                done(domain::unexpected(std::move(e)));
            } else {
                done(SubmittedClue{record->status, record->location, record->body, false});
            }
        });
}

Result<ClueService::View> ClueService::view(const Actor& actor, const std::string& clue_id,
                                            PersonalData mode) {
    try {
        auto reader = store_.reader();
        // Scope first, from clear columns: nothing is decrypted for a caller who may not see
        // the clue, so "not yours" and "no such clue" cost the same and answer the same.
        auto scoped = scope_of_clue(*reader, actor, clue_id);
        if (!scoped) return domain::unexpected(scoped.error());
        const auto& scope = *(*scoped)->scope;
        View out;
        out.access = scope.clue_access(clue_id);
        if (mode == PersonalData::clear && out.access != ClueAccess::full &&
            actor.role != Role::admin) {
            return out;  // reveal() refuses it; nothing was opened
        }
        auto clue = reader->find_clue(clue_id);
        if (!clue) return domain::unexpected(error(ErrorKind::not_found, "no such clue"));
        nlohmann::json reply = {{"clue", clue_view(*clue, mode)},
                                {"tickets", nlohmann::json::array()},
                                {"linked_clues", nlohmann::json::array()}};
        const auto& facts = (*scoped)->facts;
        reply["case"] = {{"id", facts.record.id},
                         {"status", domain::to_string(facts.record.status)}};
        for (const auto& l : reader->clue_links(clue_id)) {
            if (!scope.sees_clue(l.linked_clue_id)) continue;
            reply["linked_clues"].push_back({{"clue_id", l.linked_clue_id}, {"basis", l.basis}});
        }
        if (const auto s = reader->latest_screening(clue_id)) reply["screening"] = s->result;
        // The tickets that carry this clue, as far as the reader may see them.
        for (const auto& t : facts.tickets) {
            const auto carried = scope.carried_by(t.id);
            if (!scope.sees_ticket(t) ||
                std::find(carried.begin(), carried.end(), clue_id) == carried.end()) {
                continue;
            }
            reply["tickets"].push_back(domain::to_json(scope.ticket_view(t)));
        }
        out.body = std::move(reply);
        return out;
    } catch (const storage::StorageError&) {
        return domain::unexpected(error(ErrorKind::unavailable, "the database is unavailable"));
    }
}

Result<nlohmann::json> ClueService::get(const Actor& actor, const std::string& clue_id) {
    auto v = view(actor, clue_id, PersonalData::masked);
    if (!v) return domain::unexpected(v.error());
    return std::move(v->body);
}

void ClueService::reveal(const Actor& actor, const std::string& clue_id, RevealReasons reasons,
                         Completion<nlohmann::json> done) {
    AuditRecord record{"clue.personal_data_read", "clue", clue_id, nlohmann::json::object()};
    std::optional<std::string> reason;
    if (actor.role == Role::admin) {
        // Admins run the system, they do not handle cases, even for their own agency: they
        // see personal data through a break-glass read, with a reason, or not at all.
        reason = std::move(reasons.break_glass);
        if (!reason) {
            // Scope first, so that an unknown id is a 404 here too.
            auto seen = get(actor, clue_id);
            if (!seen) return done(domain::unexpected(seen.error()));
            return done(domain::unexpected(
                error(ErrorKind::forbidden,
                      "personal data is shown only to the agencies handling it; an admin may "
                      "read it in an emergency with a Break-Glass-Reason header, which is "
                      "audited")));
        }
        record.action = "clue.break_glass_read";
    } else {
        // Under the PIPL each read of her data by a person must be answerable: the person says
        // why, as an admin does in an emergency. A system reading for its case file need not,
        // and its reason is kept when it gives one.
        reason = std::move(reasons.reveal);
        if (!reason && actor.is_person()) {
            auto seen = get(actor, clue_id);
            if (!seen) return done(domain::unexpected(seen.error()));
            return done(domain::unexpected(
                error(ErrorKind::bad_request,
                      "a person shows personal data with a reason: send it in a Reveal-Reason "
                      "header, which is audited",
                      {{"/headers/reveal-reason", "is required to show personal data"}})));
        }
    }
    // The reason is free text and may name her: it is kept sealed, and the audit row names it
    // by id (so the hash chain holds no free text and survives key rotation).
    if (reason) record.detail["reason_id"] = new_uuid_v7(clock_.now());
    auto v = view(actor, clue_id, PersonalData::clear);
    if (!v) return done(domain::unexpected(v.error()));
    if (actor.role != Role::admin && v->access != ClueAccess::full) {
        // It sees the clue masked, as an agency that rejected its ticket keeps what it handled:
        // no clear read afterwards.
        return done(domain::unexpected(
            error(ErrorKind::forbidden,
                  "personal data is shown in clear only to the agencies handling the clue; an "
                  "agency that rejected its ticket keeps it masked")));
    }
    // The clear values leave only once the audit row that records their reading is durable.
    const auto now = clock_.now();
    serve_once_audited<nlohmann::json>(
        store_,
        [actor, now, record, reason](storage::WriteTransaction& tx) {
            // An admin's and a person's read record a reason (a system's read needs none).
            if (const auto id = record.detail.find("reason_id"); id != record.detail.end()) {
                tx.insert_audit_reason(id->get<std::string>(), *reason, now);
            }
            append_audit(tx, actor, now, record);
        },
        std::move(v->body), std::move(done));
}

Result<nlohmann::json> ClueService::screenings(const Actor& actor, const std::string& clue_id) {
    try {
        auto reader = store_.reader();
        auto scoped = scope_of_clue(*reader, actor, clue_id);
        if (!scoped) return domain::unexpected(scoped.error());
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
    const auto now = clock_.now();
    const auto config = config_.get();
    auto result = std::make_shared<std::optional<ServiceError>>();
    store_.write(
        [=](storage::WriteTransaction& tx) {
            *result = change_link_in(tx, actor, clue_id, other_id, add, *config, now);
        },
        [this, actor, clue_id, result, done = std::move(done)](std::exception_ptr failure) {
            if (failure) {
                return done(domain::unexpected(
                    error(ErrorKind::unavailable, "the change could not be stored")));
            }
            if (*result) return done(domain::unexpected(std::move(**result)));
            try {
                auto reader = store_.reader();
                auto scoped = scope_of_clue(*reader, actor, clue_id);
                if (!scoped) return done(domain::unexpected(scoped.error()));
                nlohmann::json links = nlohmann::json::array();
                for (const auto& l : reader->clue_links(clue_id)) {
                    if (!(*scoped)->scope->sees_clue(l.linked_clue_id)) continue;
                    links.push_back({{"clue_id", l.linked_clue_id}, {"basis", l.basis}});
                }
                done(nlohmann::json{{"clue_id", clue_id},
                                    {"case_id", (*scoped)->facts.record.id},
                                    {"linked_clues", std::move(links)}});
            } catch (const storage::StorageError&) {
                done(domain::unexpected(
                    error(ErrorKind::unavailable, "the database is unavailable")));
            }
        });
}

}  // namespace clue_router::service
