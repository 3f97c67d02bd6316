// Closing the loop: outcomes with aid measures, the judicial-assistance cap, referrals made
// in the same transaction, and clues that become answered when their last ticket ends.
#include <catch2/catch.hpp>

#include "service/service_fixture.hpp"

using namespace clue_router;
using namespace clue_router::service;
using namespace clue_router::service::test;
using nlohmann::json;

namespace {

std::string started_ticket(ServiceFixture& f, const std::string& reference = "REF-O") {
    auto submitted = f.submit(f.hotline, clue_body(reference));
    REQUIRE(submitted);
    const auto id = ServiceFixture::only_ticket(*submitted);
    f.cancel_other_tickets(f.hotline, *submitted, id);
    REQUIRE(f.transition(f.procuratorate, id, 1, {{"action", "accept"}}));
    REQUIRE(f.transition(f.procuratorate, id, 2, {{"action", "start"}}));
    return id;
}

json fund(json amount) {
    return {{"type", "judicial_assistance_fund"},
            {"provider_agency", "proc-511702"},
            {"status", "provided"},
            {"amount_cny", std::move(amount)},
            {"disbursement", "lump_sum"}};
}

std::string clue_status(ServiceFixture& f, const std::string& ticket_id) {
    auto ticket = f.tickets.get(f.hotline, ticket_id);
    REQUIRE(ticket);
    return f.store->reader()->find_clue(ticket->clue_id)->status == storage::ClueStatus::answered
               ? "answered"
               : "open";
}

}  // namespace

TEST_CASE("an assisted closure keeps its measures and answers the clue", "[service][outcome]") {
    ServiceFixture f;
    const auto id = started_ticket(f);
    CHECK(clue_status(f, id) == "open");
    auto closed = f.transition(f.procuratorate, id, 3,
                               {{"action", "close"},
                                {"outcome", "assisted"},
                                {"measures",
                                 {fund(80000),
                                  {{"type", "psychological_counselling"},
                                   {"provider_agency", "fed-511702"},
                                   {"status", "in_progress"}}}}});
    REQUIRE(closed);
    CHECK(closed->measures.size() == 2);
    auto read = f.tickets.get(f.hotline, id);
    REQUIRE(read);
    REQUIRE(read->measures.size() == 2);
    CHECK(read->measures[0].measure.amount_fen == 8'000'000);
    CHECK(domain::to_json(*read)["measures"][1]["provider_agency"] == "fed-511702");
    CHECK(clue_status(f, id) == "answered");
}

TEST_CASE("an award above the provincial cap is refused without a justification",
          "[service][outcome]") {
    ServiceFixture f;
    const auto id = started_ticket(f);
    // Sichuan in config/relief-standards.json: 9000 a month, 36 months → 324,000.
    auto refused = f.transition(
        f.procuratorate, id, 3,
        {{"action", "close"}, {"outcome", "assisted"}, {"measures", {fund(324000.01)}}});
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ErrorKind::validation);
    REQUIRE(refused.error().errors.size() == 1);
    CHECK(refused.error().errors[0].pointer == "/measures/0/amount_cny");
    CHECK(refused.error().errors[0].detail.find("324,000") != std::string::npos);
    // Nothing changed.
    CHECK(f.tickets.get(f.procuratorate, id)->version == 3);
    CHECK(clue_status(f, id) == "open");

    json justified = fund(400000);
    justified["justification"] = "被害人因案致残，丧失劳动能力，经检察委员会决定提高救助金额";
    auto closed =
        f.transition(f.procuratorate, id, 3,
                     {{"action", "close"}, {"outcome", "assisted"}, {"measures", {justified}}});
    REQUIRE(closed);
    CHECK(closed->measures.at(0).measure.justification.has_value());
}

TEST_CASE("referred_onward makes the follow-up ticket in the same transaction",
          "[service][outcome]") {
    ServiceFixture f;
    const auto id = started_ticket(f);
    SECTION("to an agency that provides the service") {
        auto closed = f.transition(
            f.procuratorate, id, 3,
            {{"action", "close"},
             {"outcome", "referred_onward"},
             {"referral",
              {{"recipient_agency", "fed-511702"}, {"purpose", "psychological_counselling"}}}});
        REQUIRE(closed);
        REQUIRE(closed->follow_up_ticket);
        Actor federation{"key_fed", "fed-511702", Role::staff};
        auto follow_up = f.tickets.get(federation, *closed->follow_up_ticket);
        REQUIRE(follow_up);
        CHECK(follow_up->status == domain::TicketStatus::pending);
        CHECK(follow_up->sender_agency == "proc-511702");
        CHECK(follow_up->purpose == "psychological_counselling");
        CHECK(follow_up->clue_id == closed->clue_id);
        // The clue is not answered while the follow-up is open…
        CHECK(clue_status(f, id) == "open");
        auto history = f.history(federation, follow_up->id);
        REQUIRE(history);
        CHECK((*history)["items"][0]["type"] == "ticket.created");
        // …and is once the federation finishes it.
        REQUIRE(f.transition(federation, follow_up->id, 1, {{"action", "accept"}}));
        REQUIRE(f.transition(federation, follow_up->id, 2,
                             {{"action", "close"}, {"outcome", "unreachable"}}));
        CHECK(clue_status(f, id) == "answered");
    }
    SECTION("to an agency that does not provide it, or is unknown") {
        auto wrong_service = f.transition(
            f.procuratorate, id, 3,
            {{"action", "close"},
             {"outcome", "referred_onward"},
             {"referral",
              {{"recipient_agency", "fed-511702"}, {"purpose", "judicial_assistance"}}}});
        REQUIRE_FALSE(wrong_service);
        CHECK(wrong_service.error().errors.at(0).pointer == "/referral/purpose");
        auto unknown = f.transition(
            f.procuratorate, id, 3,
            {{"action", "close"},
             {"outcome", "referred_onward"},
             {"referral", {{"recipient_agency", "nowhere"}, {"purpose", "legal_aid"}}}});
        REQUIRE_FALSE(unknown);
        CHECK(unknown.error().errors.at(0).pointer == "/referral/recipient_agency");
        CHECK(f.tickets.get(f.procuratorate, id)->status == domain::TicketStatus::in_progress);
    }
}

TEST_CASE("a cancelled last ticket also answers the clue", "[service][outcome]") {
    ServiceFixture f;
    auto submitted = f.submit(f.hotline, clue_body("REF-R"));
    REQUIRE(submitted);
    const auto id = ServiceFixture::only_ticket(*submitted);
    f.cancel_other_tickets(f.hotline, *submitted, id);
    REQUIRE(f.transition(f.hotline, id, 1, {{"action", "cancel"}}));
    CHECK(clue_status(f, id) == "answered");
}
