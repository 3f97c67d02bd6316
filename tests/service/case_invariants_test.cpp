// The invariants of cases, over snapshots built by hand: a sound one passes, and each way of
// breaking a rule is named.
#include <catch2/catch.hpp>

#include "clue_router/service/case_invariants.hpp"

using namespace clue_router;
using namespace clue_router::service;
using storage::ClueStatus;
using TS = domain::TicketStatus;

namespace {

storage::CaseRecord case_record(std::string id, domain::CaseStatus status) {
    storage::CaseRecord r;
    r.id = std::move(id);
    r.status = status;
    if (status != domain::CaseStatus::open) r.closed_at = domain::Timestamp{};
    return r;
}

storage::CaseClue clue(std::string id, std::string case_id, ClueStatus status) {
    storage::CaseClue c;
    c.id = std::move(id);
    c.case_id = std::move(case_id);
    c.sender_agency = "hotline-12309-sc";
    c.status = status;
    if (status == ClueStatus::needs_review) c.review_reason = "consent_missing";
    if (status == ClueStatus::dismissed) c.reviewed_at = domain::Timestamp{};
    return c;
}

domain::Ticket ticket(std::string id, std::string clue_id, TS status) {
    domain::Ticket t;
    t.id = std::move(id);
    t.clue_id = std::move(clue_id);
    t.status = status;
    return t;
}

// One open case with a routed clue on an open ticket, a closed case with its answered clue.
storage::CaseSnapshot sound() {
    storage::CaseSnapshot s;
    s.cases = {case_record("K1", domain::CaseStatus::open),
               case_record("K2", domain::CaseStatus::closed)};
    s.clues = {clue("A", "K1", ClueStatus::routed), clue("B", "K2", ClueStatus::answered)};
    s.tickets = {ticket("T1", "A", TS::accepted), ticket("T2", "B", TS::closed)};
    s.coverage = {{"T1", "A", {}}, {"T2", "B", {}}};
    s.identifiers = {{"A", {"phone", "p1"}}, {"B", {"phone", "p1"}}};
    return s;
}

bool names(const std::vector<std::string>& lines, const std::string& what) {
    for (const auto& l : lines) {
        if (l.find(what) != std::string::npos) return true;
    }
    return false;
}

}  // namespace

TEST_CASE("invariants: a sound snapshot passes", "[service][invariants]") {
    // A closed case may share her phone with her new open one: only open cases are matched.
    CHECK(case_invariant_violations(sound()).empty());
}

TEST_CASE("invariants: a clue without a ticket, a review entry or an answer is named",
          "[service][invariants]") {
    SECTION("routed, but nothing carries it (the bug of issue 13)") {
        auto s = sound();
        s.clues.push_back(clue("C", "K1", ClueStatus::routed));
        CHECK(names(case_invariant_violations(s), "clue C: routed but no ticket carries it"));
    }
    SECTION("routed in a case that closed without answering it") {
        auto s = sound();
        s.clues.push_back(clue("C", "K2", ClueStatus::routed));
        s.coverage.push_back({"T2", "C", {}});
        CHECK(names(case_invariant_violations(s), "clue C: routed in a case that is not open"));
    }
    SECTION("answered while its case is still open") {
        auto s = sound();
        s.clues.push_back(clue("C", "K1", ClueStatus::answered));
        CHECK(names(case_invariant_violations(s), "clue C: answered while its case is open"));
    }
    SECTION("waiting for review without a reason") {
        auto s = sound();
        auto c = clue("C", "K1", ClueStatus::needs_review);
        c.review_reason.reset();
        s.clues.push_back(c);
        CHECK(names(case_invariant_violations(s), "clue C: waits for review without a reason"));
    }
    SECTION("dismissed by nobody") {
        auto s = sound();
        auto c = clue("C", "K1", ClueStatus::dismissed);
        c.reviewed_at.reset();
        s.clues.push_back(c);
        CHECK(names(case_invariant_violations(s), "clue C: dismissed without a review"));
    }
    SECTION("in no case") {
        auto s = sound();
        s.clues.push_back(clue("C", "K9", ClueStatus::dismissed));
        CHECK(names(case_invariant_violations(s), "clue C: in no stored case"));
    }
}

TEST_CASE("invariants: a case's status follows what is open in it", "[service][invariants]") {
    SECTION("open with nothing open") {
        auto s = sound();
        s.tickets[0].status = TS::closed;
        s.clues[0].status = ClueStatus::routed;
        CHECK(names(case_invariant_violations(s), "case K1: open with no open ticket"));
    }
    SECTION("closed with an open ticket") {
        auto s = sound();
        s.tickets[1].status = TS::pending;
        CHECK(names(case_invariant_violations(s), "case K2: closed while something of it is open"));
    }
    SECTION("merged but not empty") {
        auto s = sound();
        s.cases.push_back(case_record("K3", domain::CaseStatus::merged));
        s.clues.push_back(clue("C", "K3", ClueStatus::dismissed));
        CHECK(names(case_invariant_violations(s), "case K3: merged but still holds clues"));
    }
    SECTION("a ticket not carrying its own clue, or carrying another case's") {
        auto s = sound();
        s.coverage = {{"T1", "B", {}}, {"T2", "B", {}}};
        const auto v = case_invariant_violations(s);
        CHECK(names(v, "ticket T1: does not carry the clue it was opened for"));
        CHECK(names(v, "ticket T1: carries clue B of another case"));
    }
}

TEST_CASE("invariants: one case per woman among open cases", "[service][invariants]") {
    auto s = sound();
    s.cases[1] = case_record("K2", domain::CaseStatus::open);
    s.clues[1].status = ClueStatus::routed;
    s.tickets[1].status = TS::accepted;
    CHECK(names(case_invariant_violations(s), "cases K1 and K2: open, the same woman's"));

    SECTION("unless staff separated them") {
        s.separations = {{"A", "B"}, {"B", "A"}};
        CHECK(case_invariant_violations(s).empty());
    }
    SECTION("unless their ID numbers differ: two women sharing a phone") {
        s.identifiers.push_back({"A", {"id_number", "i1"}});
        s.identifiers.push_back({"B", {"id_number", "i2"}});
        CHECK(case_invariant_violations(s).empty());
    }
}
