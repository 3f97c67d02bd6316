// The one scope rule (service/case_scope), over facts built by hand: who sees which clue,
// ticket and case of one woman's case, and how much of it.
#include <catch2/catch.hpp>

#include "clue_router/service/case_scope.hpp"

using namespace clue_router;
using namespace clue_router::service;
using storage::CaseClue;
using storage::ClueStatus;
using TS = domain::TicketStatus;

namespace {

CaseClue clue(std::string id, std::string sender) {
    CaseClue c;
    c.id = std::move(id);
    c.case_id = "K";
    c.sender_agency = std::move(sender);
    c.status = ClueStatus::routed;
    return c;
}

domain::Ticket ticket(std::string id, std::string clue_id, std::string sender,
                      std::string recipient, TS status) {
    domain::Ticket t;
    t.id = std::move(id);
    t.clue_id = std::move(clue_id);
    t.sender_agency = std::move(sender);
    t.recipient_agency = std::move(recipient);
    t.status = status;
    t.case_id = "K";
    return t;
}

// One woman: a 12309 report (A), a 12338 report (B) and a federation visit (C). The
// procuratorate holds T1 (carrying all three), the federation T2 (A and B); proc-511722
// rejected T3 (A); T1 was escalated to proc-511700.
storage::CaseFacts one_woman() {
    storage::CaseFacts f;
    f.record.id = "K";
    f.clues = {clue("A", "hotline-12309-sc"), clue("B", "hotline-12338-sc"),
               clue("C", "fed-511702")};
    f.tickets = {ticket("T1", "A", "hotline-12309-sc", "proc-511702", TS::accepted),
                 ticket("T2", "B", "hotline-12338-sc", "fed-511702", TS::in_progress),
                 ticket("T3", "A", "hotline-12309-sc", "proc-511722", TS::rejected)};
    f.tickets[0].escalated_to = "proc-511700";
    f.coverage = {{"T1", "A", {}}, {"T1", "B", {}}, {"T1", "C", {}},
                  {"T2", "A", {}}, {"T2", "B", {}}, {"T3", "A", {}}};
    return f;
}

Actor as(std::string agency, Role role = Role::staff) {
    return Actor{"key", std::move(agency), role};
}

}  // namespace

TEST_CASE("scope: the agencies working a case see all of it, side by side", "[service][scope]") {
    const auto facts = one_woman();
    for (const char* agency : {"proc-511702", "fed-511702"}) {
        INFO(agency);
        CaseScope s(as(agency), facts);
        CHECK(s.handler());
        CHECK(s.sees_case());
        for (const auto& t : facts.tickets) CHECK(s.sees_ticket(t));
        CHECK(s.clue_access("A") == ClueAccess::full);
        CHECK(s.clue_access("B") == ClueAccess::full);
        CHECK(s.sees_notes());
        CHECK(s.sees_note_text());
    }
    // The procuratorate's T1 carries C; the federation sent C.
    CHECK(CaseScope(as("proc-511702"), facts).clue_access("C") == ClueAccess::full);
    CHECK(CaseScope(as("fed-511702"), facts).clue_access("C") == ClueAccess::full);
}

TEST_CASE("scope: a sender sees its own clues and the tickets carrying them, never another's",
          "[service][scope]") {
    const auto facts = one_woman();
    CaseScope first(as("hotline-12309-sc", Role::intake), facts);
    CHECK(first.sees_case());
    CHECK_FALSE(first.handler());
    CHECK(first.clue_access("A") == ClueAccess::full);
    CHECK(first.clue_access("B") == ClueAccess::none);
    CHECK(first.clue_access("C") == ClueAccess::none);
    CHECK(first.sees_ticket(facts.tickets[1]));  // T2 carries A
    CHECK_FALSE(first.sees_notes());
    // T2 was opened for B, another sender's clue: its id is not shown, only A's.
    const auto t2 = first.ticket_view(facts.tickets[1]);
    CHECK(t2.clue_id.empty());
    CHECK(t2.clues == std::vector<std::string>{"A"});

    CaseScope second(as("hotline-12338-sc", Role::intake), facts);
    CHECK(second.clue_access("B") == ClueAccess::full);
    CHECK(second.clue_access("A") == ClueAccess::none);
    CHECK(second.sees_ticket(facts.tickets[0]));        // T1 carries B
    CHECK_FALSE(second.sees_ticket(facts.tickets[2]));  // T3 carries only A
    const auto t1 = second.ticket_view(facts.tickets[0]);
    CHECK(t1.clue_id.empty());
    CHECK(t1.clues == std::vector<std::string>{"B"});
    const auto visible = second.visible_clues();
    REQUIRE(visible.size() == 1);
    CHECK(visible[0].id == "B");
}

TEST_CASE("scope: an agency that rejected keeps only what it handled, masked", "[service][scope]") {
    const auto facts = one_woman();
    CaseScope former(as("proc-511722"), facts);
    CHECK_FALSE(former.handler());
    CHECK_FALSE(former.sees_case());
    CHECK(former.sees_ticket(facts.tickets[2]));
    CHECK_FALSE(former.sees_ticket(facts.tickets[0]));
    CHECK_FALSE(former.sees_ticket(facts.tickets[1]));
    CHECK(former.clue_access("A") == ClueAccess::masked);
    CHECK(former.clue_access("B") == ClueAccess::none);
    CHECK_FALSE(former.sees_notes());

    // A cancelled ticket is not handled either.
    auto cancelled = facts;
    cancelled.tickets[1].status = TS::cancelled;
    CaseScope fed(as("fed-511702"), cancelled);
    CHECK_FALSE(fed.handler());
    CHECK(fed.clue_access("B") == ClueAccess::masked);
    CHECK(fed.clue_access("C") == ClueAccess::full);  // its own report
}

TEST_CASE("scope: the escalated parent, admins, supervisors and strangers", "[service][scope]") {
    const auto facts = one_woman();
    CaseScope parent(as("proc-511700"), facts);
    CHECK(parent.sees_ticket(facts.tickets[0]));
    CHECK_FALSE(parent.sees_ticket(facts.tickets[1]));
    CHECK_FALSE(parent.sees_case());
    CHECK(parent.clue_access("A") == ClueAccess::none);
    CHECK(parent.ticket_view(facts.tickets[0]).clue_id == "A");

    CaseScope admin(as("proc-510000", Role::admin), facts);
    CHECK(admin.sees_case());
    CHECK(admin.clue_access("B") == ClueAccess::masked);
    CHECK(admin.sees_notes());
    CHECK_FALSE(admin.sees_note_text());

    for (const auto& who : {as("proc-511702", Role::supervisor), as("proc-510104")}) {
        CaseScope s(who, facts);
        CHECK_FALSE(s.sees_case());
        CHECK(s.clue_access("A") == ClueAccess::none);
        for (const auto& t : facts.tickets) CHECK_FALSE(s.sees_ticket(t));
    }
}
