// Same person, same case: linking on intake by the blind index, no second open ticket to the
// same agency for the same purpose, and links made and undone by hand.
#include <catch2/catch.hpp>

#include <algorithm>

#include "service/service_fixture.hpp"

using namespace clue_router;
using namespace clue_router::service;
using namespace clue_router::service::test;

namespace {

nlohmann::json reply_of(const Result<SubmittedClue>& r) {
    REQUIRE(r);
    return nlohmann::json::parse(r->body);
}

// Another report about the woman of `reference`, sent under a new reference.
nlohmann::json same_woman(const std::string& reference, const std::string& new_reference) {
    auto body = clue_body(new_reference);
    const auto [id, phone] = identifiers_for(reference);
    body["subject"]["id_number"] = id;
    body["subject"]["phone"] = phone;
    return body;
}

}  // namespace

TEST_CASE("a clue about a woman with an open case is linked, and no ticket is doubled",
          "[service][links]") {
    ServiceFixture f;
    const auto first = reply_of(f.submit(f.hotline, clue_body("W-1")));
    const std::string first_id = first["clue"]["id"];
    REQUIRE(first["tickets"].size() >= 1);
    CHECK(first["possible_duplicates"].empty());

    const auto second = reply_of(f.submit(f.hotline, same_woman("W-1", "W-1-again")));
    const std::string second_id = second["clue"]["id"];
    REQUIRE(second["possible_duplicates"].size() == 1);
    CHECK(second["possible_duplicates"][0]["clue_id"] == first_id);
    CHECK(second["possible_duplicates"][0]["matched_on"] ==
          nlohmann::json::array({"id_number", "phone"}));
    // Every ticket the first clue has open covers the same agency and purpose: none is made.
    CHECK(second["tickets"].empty());
    REQUIRE(second["existing_tickets"].size() == first["tickets"].size());
    CHECK(second["existing_tickets"][0]["ticket_id"] == first["tickets"][0]["id"]);

    // The link is visible from both sides.
    auto a = f.clues.get(f.hotline, first_id);
    REQUIRE(a);
    REQUIRE((*a)["linked_clues"].size() == 1);
    CHECK((*a)["linked_clues"][0]["clue_id"] == second_id);
    CHECK((*a)["linked_clues"][0]["basis"] == "id_number,phone");

    // A different woman is not linked.
    const auto other = reply_of(f.submit(f.hotline, clue_body("W-2")));
    CHECK(other["possible_duplicates"].empty());
    CHECK_FALSE(other["tickets"].empty());
}

TEST_CASE("one matching identifier is enough, and only open clues are matched",
          "[service][links]") {
    ServiceFixture f;
    const auto first = reply_of(f.submit(f.hotline, clue_body("P-1")));
    // Same phone, no ID number given.
    auto by_phone = clue_body("P-2");
    by_phone["subject"].erase("id_number");
    by_phone["subject"]["phone"] = identifiers_for("P-1").second;
    const auto second = reply_of(f.submit(f.hotline, by_phone));
    REQUIRE(second["possible_duplicates"].size() == 1);
    CHECK(second["possible_duplicates"][0]["matched_on"] == nlohmann::json::array({"phone"}));

    // Once every ticket of the first clue is finished, the case is closed: a new report is a
    // new case, with its own tickets.
    for (const auto& t : first["tickets"]) {
        // A rejection routes the clue again; the sender cancelling finishes the ticket.
        REQUIRE(f.transition(f.hotline, t["id"].get<std::string>(), 1, {{"action", "cancel"}}));
    }
    const auto third = reply_of(f.submit(f.hotline, same_woman("P-1", "P-3")));
    CHECK(third["possible_duplicates"].size() == 0);
    CHECK(third["tickets"].size() == first["tickets"].size());
}

TEST_CASE("staff of an agency handling both clues link and unlink them by hand",
          "[service][links]") {
    ServiceFixture f;
    const std::string a = reply_of(f.submit(f.hotline, clue_body("M-1")))["clue"]["id"];
    const std::string b = reply_of(f.submit(f.hotline, clue_body("M-2")))["clue"]["id"];
    const std::string elsewhere =
        reply_of(f.submit(f.hotline, clue_body("M-3", "510104")))["clue"]["id"];

    auto link = [&](const Actor& actor, const std::string& from, const std::string& to) {
        return ServiceFixture::wait_for<nlohmann::json>([&](auto done) {
            f.clues.link(actor, from, {{"clue_id", to}}, std::move(done));
        });
    };
    auto unlink = [&](const Actor& actor, const std::string& from, const std::string& to) {
        return ServiceFixture::wait_for<nlohmann::json>(
            [&](auto done) { f.clues.unlink(actor, from, to, std::move(done)); });
    };

    auto linked = link(f.procuratorate, a, b);
    REQUIRE(linked);
    REQUIRE((*linked)["linked_clues"].size() == 1);
    CHECK((*linked)["linked_clues"][0] == nlohmann::json({{"clue_id", b}, {"basis", "manual"}}));

    // A clue the agency does not handle is 404, as if it did not exist.
    auto outside = link(f.procuratorate, a, elsewhere);
    REQUIRE_FALSE(outside);
    CHECK(outside.error().kind == ErrorKind::not_found);
    auto stranger = link(f.other_procuratorate, a, b);
    REQUIRE_FALSE(stranger);
    CHECK(stranger.error().kind == ErrorKind::not_found);
    // The hotline sees both clues, but linking is a caseworker's judgement.
    auto intake = link(f.hotline, a, b);
    REQUIRE_FALSE(intake);
    CHECK(intake.error().kind == ErrorKind::forbidden);
    auto self = link(f.procuratorate, a, a);
    REQUIRE_FALSE(self);
    CHECK(self.error().kind == ErrorKind::validation);

    auto undone = unlink(f.procuratorate, b, a);
    REQUIRE(undone);
    CHECK((*undone)["linked_clues"].empty());
    auto again = unlink(f.procuratorate, b, a);
    REQUIRE_FALSE(again);
    CHECK(again.error().kind == ErrorKind::not_found);

    std::vector<std::string> actions;
    for (const auto& row : f.store->reader()->audit_entries(0, 1000)) actions.push_back(row.action);
    CHECK(std::count(actions.begin(), actions.end(), "clue.linked") == 1);
    CHECK(std::count(actions.begin(), actions.end(), "clue.unlinked") == 1);
}
