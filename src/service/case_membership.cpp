#include "clue_router/service/case_membership.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "clue_router/domain/case.hpp"
#include "clue_router/service/audit_trail.hpp"
#include "clue_router/service/crypto.hpp"
#include "clue_router/service/ticket_routing.hpp"

namespace clue_router::service {

namespace {

storage::CaseFacts facts_of(storage::WriteTransaction& tx, const std::string& case_id) {
    auto facts = tx.case_facts(case_id);
    if (!facts) throw storage::StorageError("a clue names a case that is not stored");
    return std::move(*facts);
}

bool carries(const storage::CaseFacts& facts, const std::string& ticket_id,
             const std::string& clue_id) {
    return std::any_of(facts.coverage.begin(), facts.coverage.end(), [&](const auto& c) {
        return c.ticket_id == ticket_id && c.clue_id == clue_id;
    });
}

// The ticket gained or lost a clue: an event (its recipient is told, and only it: the sender
// may be another woman's hotline, domain::webhook_audience).
void clue_event(storage::WriteTransaction& tx, const domain::Ticket& ticket, const char* type,
                const std::string& clue_id, const EventActor& by, domain::Timestamp now) {
    domain::TicketEvent e;
    e.ticket_id = ticket.id;
    e.type = type;
    e.to_status = std::string(domain::to_string(ticket.status));
    e.actor_agency = by.agency;
    e.actor_key = by.key;
    e.related_clue = clue_id;
    e.at = now;
    tx.append_event(e);
}

EventActor event_actor(const Actor& actor) {
    return {actor.agency_id, actor.key_id};
}

// Links the clues that matched between the case and the other (basis: the kinds matched).
void link_matches(storage::WriteTransaction& tx, const Actor& actor,
                  const std::vector<storage::CaseMatch>& matches, const std::string& other_case,
                  domain::Timestamp now) {
    std::map<std::pair<std::string, std::string>, std::set<std::string>> kinds;
    for (const auto& m : matches) {
        if (m.other_case_id == other_case) kinds[{m.clue_id, m.other_clue_id}].insert(m.kind);
    }
    for (const auto& [pair, set] : kinds) {
        std::string basis;
        for (const auto& k : set) basis += (basis.empty() ? "" : ",") + k;
        tx.link_clues({pair.first, pair.second, basis, now, actor.key_id});
    }
}

// The candidate cases in the order they are tried: matched on an ID number first, then on
// more kinds, then the oldest.
std::vector<std::string> ranked_candidates(const std::vector<storage::CaseMatch>& matches) {
    std::map<std::string, std::set<std::string>> kinds;
    for (const auto& m : matches) kinds[m.other_case_id].insert(m.kind);
    std::vector<std::string> out;
    for (const auto& [id, set] : kinds) out.push_back(id);
    std::stable_sort(out.begin(), out.end(), [&](const auto& a, const auto& b) {
        const bool ida = kinds[a].contains("id_number");
        const bool idb = kinds[b].contains("id_number");
        if (ida != idb) return ida;
        if (kinds[a].size() != kinds[b].size()) return kinds[a].size() > kinds[b].size();
        return a < b;
    });
    return out;
}

// For each purpose the clue's routing asks for that no ticket of the case serves: a ticket to
// the agency that takes it (carrying every handed-over clue of the case), or the purpose is
// left over. `facts` is kept up to date with the tickets opened.
void cover_purposes(storage::WriteTransaction& tx, const EventActor& by, storage::CaseFacts& facts,
                    const storage::CaseClue& clue, const std::vector<std::string>& purposes,
                    const RuntimeConfig& config, domain::Timestamp now, Joined& out) {
    for (const auto& purpose : purposes) {
        if (purpose_served(facts, purpose)) continue;
        std::optional<std::string> recipient;
        if (const auto* rule = config.routing.purpose(purpose)) {
            recipient = domain::find_recipient(*rule, clue.region, config.directory,
                                               clue.sender_agency, excluded_for(facts, purpose));
        }
        if (!recipient) {
            out.unrouted.push_back(purpose);
            continue;
        }
        auto ticket =
            new_ticket({clue.id, clue.sender_agency, *recipient, purpose, facts.record.priority},
                       config.deadlines, now);
        auto carried = handed_over_clues(facts);
        store_new_ticket(tx, ticket, by, std::nullopt, std::nullopt, std::nullopt, carried);
        facts.tickets.push_back(ticket);
        carried.push_back(clue.id);
        for (const auto& c : carried) facts.coverage.push_back({ticket.id, c, now});
        out.new_tickets.push_back(std::move(ticket));
    }
}

// The purposes a clue's routing asks for, from its latest screening.
std::vector<std::string> purposes_of(storage::WriteTransaction& tx, const storage::CaseClue& ref,
                                     const RuntimeConfig& config) {
    const auto clue = tx.find_clue(ref.id);
    const auto stored = tx.latest_screening(ref.id);
    if (!clue || !stored || clue->personal_data_purged_at) return {};
    const auto screening = domain::screening_from_json(stored->result);
    const auto decision =
        domain::route(domain::RoutingRequest{clue->clue, screening, clue->sender_agency, {}},
                      config.directory, config.routing);
    std::vector<std::string> out;
    for (const auto& t : decision.tickets) out.push_back(t.purpose);
    out.insert(out.end(), decision.unrouted.begin(), decision.unrouted.end());
    return out;
}

// After a split: each handed-over clue of the case that is still being handled gets tickets
// for what it needs and no ticket of the case serves any more; a purpose nobody can take
// sends the clue to the review queue.
void cover_gaps(storage::WriteTransaction& tx, const Actor& actor, const std::string& case_id,
                const RuntimeConfig& config, domain::Timestamp now) {
    auto facts = facts_of(tx, case_id);
    const std::vector<storage::CaseClue> clues = facts.clues;
    for (const auto& ref : clues) {
        if (!handed_over(ref) || ref.status == storage::ClueStatus::answered) continue;
        Joined out;
        cover_purposes(tx, event_actor(actor), facts, ref, purposes_of(tx, ref, config), config,
                       now, out);
        const bool carried = std::any_of(facts.coverage.begin(), facts.coverage.end(),
                                         [&](const auto& c) { return c.clue_id == ref.id; });
        if (out.unrouted.empty() && carried) continue;
        auto clue = tx.find_clue(ref.id);
        if (!clue || clue->status == storage::ClueStatus::needs_review) continue;
        clue->status = storage::ClueStatus::needs_review;
        clue->review_reason = std::string(domain::review_reasons::no_agency_for_region);
        tx.update_clue_review(*clue);
        tx.enqueue_clue_webhook("clue.needs_review", clue->id, now);
    }
}

bool carried_by_any(storage::WriteTransaction& tx, const storage::StoredClue& clue) {
    const auto facts = facts_of(tx, clue.case_id);
    return std::any_of(facts.coverage.begin(), facts.coverage.end(),
                       [&](const auto& c) { return c.clue_id == clue.id; });
}

}  // namespace

bool handed_over(const storage::CaseClue& clue) {
    switch (clue.status) {
        case storage::ClueStatus::routed:
        case storage::ClueStatus::answered:
            return true;
        case storage::ClueStatus::needs_review:
            return clue.review_reason != domain::review_reasons::consent_missing;
        case storage::ClueStatus::dismissed:
            return false;
    }
    return false;
}

std::vector<std::string> handed_over_clues(const storage::CaseFacts& facts) {
    std::vector<std::string> out;
    for (const auto& c : facts.clues) {
        if (handed_over(c)) out.push_back(c.id);
    }
    return out;
}

bool purpose_served(const storage::CaseFacts& facts, const std::string& purpose) {
    return std::any_of(facts.tickets.begin(), facts.tickets.end(), [&](const auto& t) {
        return t.purpose == purpose && t.status != domain::TicketStatus::rejected &&
               t.status != domain::TicketStatus::cancelled;
    });
}

std::vector<std::string> excluded_for(const storage::CaseFacts& facts, const std::string& purpose) {
    std::vector<std::string> out;
    for (const auto& t : facts.tickets) {
        if (t.purpose != purpose) continue;
        if (t.status == domain::TicketStatus::rejected || !domain::is_terminal(t.status)) {
            out.push_back(t.recipient_agency);
        }
    }
    return out;
}

storage::CaseRecord new_case(const std::string& id, domain::Priority priority,
                             domain::Timestamp now) {
    storage::CaseRecord r;
    r.id = id;
    r.status = domain::CaseStatus::open;
    r.priority = priority;
    r.created_at = now;
    return r;
}

std::string consolidate(storage::WriteTransaction& tx, const Actor& actor, std::string case_id,
                        domain::Timestamp now) {
    // Each merge leaves one open case fewer, so this ends.
    for (;;) {
        const auto matches = tx.open_case_matches(case_id);
        if (matches.empty()) return case_id;
        const auto me = tx.case_identity(case_id);
        std::optional<std::string> partner;
        for (const auto& candidate : ranked_candidates(matches)) {
            if (domain::belong_together(me, tx.case_identity(candidate),
                                        tx.separated(case_id, candidate))) {
                partner = candidate;
                break;
            }
        }
        if (!partner) return case_id;
        link_matches(tx, actor, matches, *partner, now);
        // The older case keeps its id: a woman's case is named by her first report.
        const std::string into = tx.older_case(case_id, *partner);
        const std::string from = into == case_id ? *partner : case_id;
        merge_cases(tx, actor, from, into, now);
        case_id = into;
    }
}

void merge_cases(storage::WriteTransaction& tx, const Actor& actor, const std::string& from,
                 const std::string& into, domain::Timestamp now) {
    auto absorbed = facts_of(tx, from);
    auto kept = facts_of(tx, into);
    const EventActor by = event_actor(actor);
    for (const auto* side : {&kept, &absorbed}) {
        const auto& other = side == &kept ? absorbed : kept;
        const auto gained = handed_over_clues(other);
        for (const auto& t : side->tickets) {
            if (domain::is_terminal(t.status)) continue;
            for (const auto& clue_id : gained) {
                if (tx.cover(t.id, clue_id, now)) {
                    clue_event(tx, t, "ticket.clue_added", clue_id, by, now);
                }
            }
        }
    }
    tx.move_case_clues(from, into);
    kept.record.priority = domain::higher(kept.record.priority, absorbed.record.priority);
    tx.update_case(kept.record);
    absorbed.record.status = domain::CaseStatus::merged;
    absorbed.record.merged_into = into;
    absorbed.record.closed_at = now;
    tx.update_case(absorbed.record);
    append_audit(tx, actor, now, {"case.merged", "case", into, {{"merged", from}}});
}

int share_clue(storage::WriteTransaction& tx, const Actor& actor, const storage::CaseFacts& facts,
               const std::string& clue_id, domain::Timestamp now) {
    int gained = 0;
    for (const auto& t : facts.tickets) {
        if (domain::is_terminal(t.status) || carries(facts, t.id, clue_id)) continue;
        if (tx.cover(t.id, clue_id, now)) {
            clue_event(tx, t, "ticket.clue_added", clue_id, event_actor(actor), now);
            ++gained;
        }
    }
    return gained;
}

Joined join_case(storage::WriteTransaction& tx, const Actor& actor, storage::StoredClue& clue,
                 const domain::RoutingDecision& decision, const RuntimeConfig& config,
                 domain::Timestamp now) {
    auto facts = facts_of(tx, clue.case_id);
    const auto raised = domain::higher(facts.record.priority, clue.priority);
    if (raised != facts.record.priority) {
        facts.record.priority = raised;
        tx.update_case(facts.record);
    }
    Joined out;
    if (!clue.clue.consent.share_with_partners) {
        // Without consent nothing of it reaches partners: it waits for a person, in her case.
        clue.status = storage::ClueStatus::needs_review;
        clue.review_reason = std::string(domain::review_reasons::consent_missing);
        tx.update_clue_review(clue);
        return out;
    }
    // Merging her case may already have given the open tickets this clue; the rest gain it now.
    share_clue(tx, actor, facts, clue.id, now);
    std::vector<std::string> purposes;
    for (const auto& t : decision.tickets) purposes.push_back(t.purpose);
    purposes.insert(purposes.end(), decision.unrouted.begin(), decision.unrouted.end());
    const auto self = std::find_if(facts.clues.begin(), facts.clues.end(),
                                   [&](const auto& c) { return c.id == clue.id; });
    if (self == facts.clues.end()) throw storage::StorageError("a joining clue is not in its case");
    // It is handed over now: the tickets opened below carry it.
    self->status = storage::ClueStatus::routed;
    self->review_reason.reset();
    cover_purposes(tx, event_actor(actor), facts, *self, purposes, config, now, out);
    if (!out.unrouted.empty()) {
        clue.status = storage::ClueStatus::needs_review;
        clue.review_reason = std::string(domain::review_reasons::no_agency_for_region);
    } else if (carried_by_any(tx, clue)) {
        // Carried by her case's tickets: a score below the threshold or no purpose of its own
        // no longer keeps it from partners. Anything else routing asks a person to check (an
        // unknown region code) still waits, though the case's agencies already have it.
        const bool moot = !decision.review_reason ||
                          decision.review_reason == domain::review_reasons::score_below_threshold ||
                          decision.review_reason == domain::review_reasons::no_purpose ||
                          decision.review_reason == domain::review_reasons::no_agency_for_region;
        clue.status = moot ? storage::ClueStatus::routed : storage::ClueStatus::needs_review;
        clue.review_reason = moot ? std::nullopt : decision.review_reason;
    } else {
        // Nothing of the case is open to carry it and its routing gave nothing: it waits,
        // saying why (a score below the threshold, no purpose).
        clue.status = storage::ClueStatus::needs_review;
        clue.review_reason =
            decision.review_reason.value_or(std::string(domain::review_reasons::no_purpose));
    }
    tx.update_clue_review(clue);
    return out;
}

std::string separate_clue(storage::WriteTransaction& tx, const Actor& actor,
                          const std::string& clue_id, const RuntimeConfig& config,
                          domain::Timestamp now) {
    const auto ref = tx.clue_ref(clue_id);
    if (!ref) throw storage::StorageError("the clue to separate is not stored");
    const auto before = facts_of(tx, ref->case_id);
    const std::string left = ref->case_id;
    const std::string own = new_uuid_v7(now);
    tx.insert_case(new_case(own, ref->priority, now));
    tx.set_clue_case(clue_id, own);
    tx.unlink_clue_from_case(clue_id, left);
    for (const auto& c : before.clues) {
        if (c.id != clue_id) tx.separate_clues(clue_id, c.id, now, actor.key_id);
    }
    const EventActor by = event_actor(actor);
    for (const auto& t : before.tickets) {
        for (const auto& cover : before.coverage) {
            if (cover.ticket_id != t.id) continue;
            // A ticket goes with the clue it was opened for and carries no clue of the other
            // side any more.
            const bool mine = t.clue_id == clue_id;
            if (mine == (cover.clue_id == clue_id)) continue;
            if (tx.uncover(t.id, cover.clue_id)) {
                clue_event(tx, t, "ticket.clue_removed", cover.clue_id, by, now);
            }
        }
    }
    std::string own_now = own;
    std::string left_now = left;
    for (auto* id : {&own_now, &left_now}) {
        cover_gaps(tx, actor, *id, config, now);
        *id = consolidate(tx, actor, *id, now);
    }
    refresh_case(tx, actor, own_now, now);
    refresh_case(tx, actor, left_now, now);
    append_audit(tx, actor, now,
                 {"case.separated", "case", own_now, {{"clue", clue_id}, {"from", left}}});
    return own_now;
}

void refresh_case(storage::WriteTransaction& tx, const Actor& actor, const std::string& case_id,
                  domain::Timestamp now) {
    auto facts = tx.case_facts(case_id);
    if (!facts || facts->record.status != domain::CaseStatus::open) return;
    const bool open_ticket =
        std::any_of(facts->tickets.begin(), facts->tickets.end(),
                    [](const auto& t) { return !domain::is_terminal(t.status); });
    const bool waiting = std::any_of(facts->clues.begin(), facts->clues.end(), [](const auto& c) {
        return c.status == storage::ClueStatus::needs_review;
    });
    if (open_ticket || waiting) return;
    facts->record.status = domain::CaseStatus::closed;
    facts->record.closed_at = now;
    tx.update_case(facts->record);
    int answered = 0;
    for (const auto& c : facts->clues) {
        if (c.status != storage::ClueStatus::routed) continue;
        tx.update_clue_status(c.id, storage::ClueStatus::answered);
        tx.enqueue_clue_webhook("clue.answered", c.id, now);
        ++answered;
    }
    append_audit(tx, actor, now, {"case.closed", "case", case_id, {{"clues_answered", answered}}});
}

}  // namespace clue_router::service
