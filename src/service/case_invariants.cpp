#include "clue_router/service/case_invariants.hpp"

#include <map>
#include <set>

#include "clue_router/domain/case.hpp"

namespace clue_router::service {

namespace {

using storage::ClueStatus;
using Lines = std::vector<std::string>;

struct Index {
    std::map<std::string, const storage::CaseRecord*> cases;
    std::map<std::string, const storage::CaseClue*> clues;
    std::map<std::string, std::set<std::string>> carried_by_clue;  // clue → tickets
    std::map<std::string, std::vector<const storage::CaseClue*>> clues_of_case;
    std::map<std::string, std::vector<const domain::Ticket*>> tickets_of_case;
};

Index index_of(const storage::CaseSnapshot& s) {
    Index ix;
    for (const auto& c : s.cases) ix.cases[c.id] = &c;
    for (const auto& c : s.clues) {
        ix.clues[c.id] = &c;
        ix.clues_of_case[c.case_id].push_back(&c);
    }
    for (const auto& t : s.tickets) {
        if (auto it = ix.clues.find(t.clue_id); it != ix.clues.end()) {
            ix.tickets_of_case[it->second->case_id].push_back(&t);
        }
    }
    for (const auto& cover : s.coverage) ix.carried_by_clue[cover.clue_id].insert(cover.ticket_id);
    return ix;
}

void check_membership(const storage::CaseSnapshot& s, const Index& ix, Lines& out) {
    for (const auto& c : s.clues) {
        const auto it = ix.cases.find(c.case_id);
        if (it == ix.cases.end()) {
            out.push_back("clue " + c.id + ": in no stored case");
        } else if (it->second->status == domain::CaseStatus::merged) {
            out.push_back("clue " + c.id + ": in case " + c.case_id + ", which was merged away");
        }
    }
    std::set<std::pair<std::string, std::string>> covered;
    for (const auto& cover : s.coverage) covered.insert({cover.ticket_id, cover.clue_id});
    std::map<std::string, const domain::Ticket*> tickets;
    for (const auto& t : s.tickets) {
        tickets[t.id] = &t;
        if (!covered.contains({t.id, t.clue_id})) {
            out.push_back("ticket " + t.id + ": does not carry the clue it was opened for");
        }
    }
    for (const auto& cover : s.coverage) {
        const auto t = tickets.find(cover.ticket_id);
        const auto clue = ix.clues.find(cover.clue_id);
        const auto origin = t == tickets.end() ? ix.clues.end() : ix.clues.find(t->second->clue_id);
        if (clue == ix.clues.end() || origin == ix.clues.end() ||
            clue->second->case_id != origin->second->case_id) {
            out.push_back("ticket " + cover.ticket_id + ": carries clue " + cover.clue_id +
                          " of another case");
        }
    }
}

void check_clue_states(const storage::CaseSnapshot& s, const Index& ix, Lines& out) {
    for (const auto& c : s.clues) {
        const auto k = ix.cases.find(c.case_id);
        const bool open = k != ix.cases.end() && k->second->status == domain::CaseStatus::open;
        const bool carried = ix.carried_by_clue.contains(c.id);
        const std::string who = "clue " + c.id + ": ";
        switch (c.status) {
            case ClueStatus::needs_review:
                if (!c.review_reason) out.push_back(who + "waits for review without a reason");
                if (!open) out.push_back(who + "waits for review in a case that is not open");
                break;
            case ClueStatus::routed:
                if (!carried) out.push_back(who + "routed but no ticket carries it");
                if (!open) out.push_back(who + "routed in a case that is not open");
                break;
            case ClueStatus::dismissed:
                if (!c.reviewed_at) out.push_back(who + "dismissed without a review");
                break;
            case ClueStatus::answered:
                if (open) out.push_back(who + "answered while its case is open");
                break;
        }
    }
}

void check_case_states(const storage::CaseSnapshot& s, const Index& ix, Lines& out) {
    for (const auto& k : s.cases) {
        const std::string who = "case " + k.id + ": ";
        const auto clues = ix.clues_of_case.find(k.id);
        const bool has_clues = clues != ix.clues_of_case.end() && !clues->second.empty();
        if (k.status == domain::CaseStatus::merged) {
            if (has_clues) out.push_back(who + "merged but still holds clues");
            continue;
        }
        if (!has_clues) {
            out.push_back(who + "holds no clue");
            continue;
        }
        bool open_ticket = false;
        if (const auto t = ix.tickets_of_case.find(k.id); t != ix.tickets_of_case.end()) {
            for (const auto* ticket : t->second) {
                open_ticket = open_ticket || !domain::is_terminal(ticket->status);
            }
        }
        bool waiting = false;
        for (const auto* c : clues->second)
            waiting = waiting || c->status == ClueStatus::needs_review;
        const bool should_be_open = open_ticket || waiting;
        if (should_be_open && k.status != domain::CaseStatus::open) {
            out.push_back(who + "closed while something of it is open");
        }
        if (!should_be_open && k.status == domain::CaseStatus::open) {
            out.push_back(who + "open with no open ticket and nothing waiting for review");
        }
        if (k.status == domain::CaseStatus::closed && !k.closed_at) {
            out.push_back(who + "closed without a closing time");
        }
    }
}

void check_one_case_per_woman(const storage::CaseSnapshot& s, const Index& ix, Lines& out) {
    std::map<std::string, domain::CaseIdentity> open;
    for (const auto& [clue_id, identifier] : s.identifiers) {
        const auto clue = ix.clues.find(clue_id);
        if (clue == ix.clues.end()) continue;
        const auto k = ix.cases.find(clue->second->case_id);
        if (k == ix.cases.end() || k->second->status != domain::CaseStatus::open) continue;
        auto& identity = open[k->first];
        identity.case_id = k->first;
        identity.identifiers.push_back(identifier);
    }
    std::set<std::pair<std::string, std::string>> separated_cases;
    for (const auto& [a, b] : s.separations) {
        const auto ca = ix.clues.find(a);
        const auto cb = ix.clues.find(b);
        if (ca != ix.clues.end() && cb != ix.clues.end()) {
            separated_cases.insert({ca->second->case_id, cb->second->case_id});
        }
    }
    for (auto a = open.begin(); a != open.end(); ++a) {
        for (auto b = std::next(a); b != open.end(); ++b) {
            if (domain::belong_together(a->second, b->second,
                                        separated_cases.contains({a->first, b->first}))) {
                out.push_back("cases " + a->first + " and " + b->first +
                              ": open, the same woman's, and not one case");
            }
        }
    }
}

}  // namespace

std::vector<std::string> case_invariant_violations(const storage::CaseSnapshot& snapshot) {
    const Index ix = index_of(snapshot);
    Lines out;
    check_membership(snapshot, ix, out);
    check_clue_states(snapshot, ix, out);
    check_case_states(snapshot, ix, out);
    check_one_case_per_woman(snapshot, ix, out);
    return out;
}

std::vector<std::string> check_case_invariants(storage::Store& store) {
    return case_invariant_violations(store.reader()->case_snapshot());
}

}  // namespace clue_router::service
